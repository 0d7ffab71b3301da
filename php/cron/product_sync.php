<?php
/**
 * MesChain cron job: product_sync. Run --help for flags and exit codes.
 *
 * Product synchronization: new products, updates, images and attributes, in batches.
 */
declare(strict_types=1);

// First: its command-line guard refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

exit(meschain_cron_main('product_sync', 'Product synchronization: new products, updates, images and attributes, in batches.', $argv, __DIR__));
