<?php
/**
 * MesChain cron job: webhook_processor. Run --help for flags and exit codes.
 *
 * Webhook processing: works through the queued webhook events by priority, with retries.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: webhook_processor.php runs from the command line only (php webhook_processor.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('webhook_processor', 'Webhook processing: works through the queued webhook events by priority, with retries.', $argv, __DIR__));
