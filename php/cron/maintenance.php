<?php
/**
 * MesChain cron job: maintenance. Run --help for flags and exit codes.
 *
 * Daily maintenance: deletes logs, processed queue jobs and stock history past the retention (Log Retention in the settings), then optimizes the sync tables.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: maintenance.php runs from the command line only (php maintenance.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('maintenance', 'Daily maintenance: deletes logs, processed queue jobs and stock history past the retention (Log Retention in the settings), then optimizes the sync tables.', $argv, __DIR__));
