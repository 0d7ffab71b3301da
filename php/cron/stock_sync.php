<?php
/**
 * MesChain cron job: stock_sync. Run --help for flags and exit codes.
 *
 * Stock and price synchronization: sends changed stock and prices to Trendyol, tracks low stock.
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: stock_sync.php runs from the command line only (php stock_sync.php); it does nothing over the web.\n";
    exit(1);
}

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('stock_sync', 'Stock and price synchronization: sends changed stock and prices to Trendyol, tracks low stock.', $argv, __DIR__));
