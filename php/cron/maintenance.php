<?php
/**
 * MesChain cron job: maintenance. Run --help for flags and exit codes.
 *
 * Daily maintenance: deletes logs, processed queue jobs and stock history past the retention (Log Retention in the settings), then optimizes the sync tables.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('maintenance', 'Daily maintenance: deletes logs, processed queue jobs and stock history past the retention (Log Retention in the settings), then optimizes the sync tables.', $argv, __DIR__));
