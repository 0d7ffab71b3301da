<?php
/**
 * MesChain cron job: order_sync. Run --help for flags and exit codes.
 *
 * Order synchronization: imports new Trendyol orders and follows their status, shipments and returns.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('order_sync', 'Order synchronization: imports new Trendyol orders and follows their status, shipments and returns.', $argv, __DIR__));
