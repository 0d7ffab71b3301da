<?php
/**
 * MesChain cron job: trendyol_sync. Run --help for flags and exit codes.
 *
 * The orchestrator: runs every job that is switched on and due by its interval, orders first, within one time budget, then checks and mails alerts.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('trendyol_sync', 'The orchestrator: runs every job that is switched on and due by its interval, orders first, within one time budget, then checks and mails alerts.', $argv, __DIR__));
