<?php
/**
 * MesChain cron job: trendyol_sync. Run --help for flags and exit codes.
 *
 * The orchestrator: runs every job that is switched on and due by its interval, orders first, within one time budget, then checks and mails alerts.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: trendyol_sync.php runs from the command line only (php trendyol_sync.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('trendyol_sync', 'The orchestrator: runs every job that is switched on and due by its interval, orders first, within one time budget, then checks and mails alerts.', $argv, __DIR__));
