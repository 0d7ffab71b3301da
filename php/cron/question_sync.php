<?php
/**
 * MesChain cron job: question_sync. Run --help for flags and exit codes.
 *
 * Customer questions: reads the questions Trendyol buyers asked and links each to its OpenCart product.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: question_sync.php runs from the command line only (php question_sync.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('question_sync', 'Customer questions: reads the questions Trendyol buyers asked and links each to its OpenCart product.', $argv, __DIR__));
