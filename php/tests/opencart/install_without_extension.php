<?php
/**
 * Runs the module's install through the test kernel in a PHP that does NOT load the meschain
 * extension (AdminModuleTest starts it as a child process) and prints, as JSON, what install
 * said and what it left behind: nothing may be half-installed.
 */
declare(strict_types=1);

use MesChainTest\OpenCart\Kernel;
use MesChainTest\TestShop;

require __DIR__ . '/../TestShop.php';
require __DIR__ . '/Kernel.php';
require __DIR__ . '/Result.php';

if (extension_loaded('meschain')) {
    fwrite(STDERR, "run this without the meschain extension\n");
    exit(2);
}

TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);

$shop = Kernel::shop();
$shop->login(1);
$error = '';
try {
    $shop->request('extension/module.install', ['extension' => 'meschain', 'code' => 'meschain']);
} catch (\Throwable $e) {
    $error = $e->getMessage();
}
$db = $shop->db();
$permission = (string)$db->query("SELECT `permission` FROM `oc_user_group` WHERE `user_group_id` = 1")->row['permission'];
echo json_encode([
    'error'      => $error,
    'extension'  => (int)$db->query("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `code` = 'meschain'")->row['n'],
    'events'     => (int)$db->query("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_menu'")->row['n'],
    'crons'      => (int)$db->query("SELECT COUNT(*) AS n FROM `oc_cron` WHERE `code` = 'meschain_trendyol_sync'")->row['n'],
    'tables'     => count($db->query("SHOW TABLES LIKE 'oc\\_trendyol\\_%'")->rows),
    'granted'    => substr_count($permission, 'extension\/meschain'),
]), "\n";
