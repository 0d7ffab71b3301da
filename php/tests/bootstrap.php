<?php
/**
 * Test bootstrap: the extension must be loaded, and each run gets a fresh database on the real
 * MariaDB (dropped at the end). Connection facts come from MESCHAIN_TEST_DB_HOST / _PORT /
 * _USER / _PASSWORD (defaults: 127.0.0.1, 3306, root, empty).
 */
declare(strict_types=1);

if (!extension_loaded('meschain')) {
    fwrite(STDERR, "The meschain extension is not loaded. Run: php -d extension=\$PWD/target/release/libmeschain.so /usr/bin/phpunit -c php/phpunit.xml.dist\n");
    exit(1);
}

require __DIR__ . '/TestShop.php';

MesChainTest\TestShop::createRunDatabase();
register_shutdown_function([MesChainTest\TestShop::class, 'dropRunDatabase']);
