<?php
/**
 * MesChain cron job: product_sync. Run --help for flags and exit codes.
 *
 * Product synchronization: new products, updates, images and attributes, in batches.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: product_sync.php runs from the command line only (php product_sync.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('product_sync', 'Product synchronization: new products, updates, images and attributes, in batches.', $argv, __DIR__));
