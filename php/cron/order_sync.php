<?php
/**
 * MesChain cron job: order_sync. Run --help for flags and exit codes.
 *
 * Order synchronization: imports new Trendyol orders and follows their status, shipments and returns.
 */
declare(strict_types=1);

require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('order_sync', 'Order synchronization: imports new Trendyol orders and follows their status, shipments and returns.', $argv, __DIR__));
