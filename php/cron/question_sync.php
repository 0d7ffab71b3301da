<?php
/**
 * MesChain cron job: question_sync. Run --help for flags and exit codes.
 *
 * Customer questions: reads the questions Trendyol buyers asked and links each to its OpenCart product.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('question_sync', 'Customer questions: reads the questions Trendyol buyers asked and links each to its OpenCart product.', $argv, __DIR__));
