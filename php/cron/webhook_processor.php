<?php
/**
 * MesChain cron job: webhook_processor. Run --help for flags and exit codes.
 *
 * Webhook processing: works through the queued webhook events by priority, with retries.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('webhook_processor', 'Webhook processing: works through the queued webhook events by priority, with retries.', $argv, __DIR__));
