<?php
/**
 * MesChain cron job: stock_sync. Run --help for flags and exit codes.
 *
 * Stock and price synchronization: sends changed stock and prices to Trendyol, tracks low stock.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('stock_sync', 'Stock and price synchronization: sends changed stock and prices to Trendyol, tracks low stock.', $argv, __DIR__));
