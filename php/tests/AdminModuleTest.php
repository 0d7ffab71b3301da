<?php
/**
 * The OpenCart admin module (Extensions > MesChain) run inside the test kernel: OpenCart 4.0.2.3's
 * engine classes (php/tests/opencart/), a real MariaDB database with OpenCart's schema, real
 * Twig, the real meschain extension, and the module unpacked from the zip the build script makes.
 *
 * Tests run in file order and share the shop of this process: install first, uninstall last.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChainTest\OpenCart\Kernel;
use MesChainTest\OpenCart\Result;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/opencart/Kernel.php';
require_once __DIR__ . '/opencart/Result.php';

final class AdminModuleTest extends TestCase
{
    private const SETTINGS = 'extension/meschain/module/meschain';
    private const CRON = 'extension/meschain/panel/cron';
    private const MAPPING = 'extension/meschain/panel/mapping';
    private const ROUTES = [self::SETTINGS, self::CRON, self::MAPPING];
    /** Where Cron Management and Mappings were before they left admin/controller/module/. */
    private const LEGACY_ROUTES = ['extension/meschain/module/meschain_cron', 'extension/meschain/module/meschain_mapping'];
    private const MAPPING_CLASS = \Opencart\Admin\Controller\Extension\Meschain\Panel\Mapping::class;

    /** Every JSON endpoint with a request that would change something if it were let through. */
    private const JSON_ENDPOINTS = [
        [self::SETTINGS . '.save', [], ['module_meschain_batch_size' => '60']],
        [self::CRON . '.chart', [], []],
        [self::CRON . '.cleanup', [], ['days' => '1']],
        [self::CRON . '.acknowledge', [], ['alert_id' => ['1']]],
        [self::CRON . '.sync', [], ['job' => 'stock_sync']],
        [self::CRON . '.job', ['queue_id' => '1'], []],
        [self::CRON . '.replay', [], ['queue_id' => ['1']]],
        [self::CRON . '.discard', [], ['queue_id' => ['1']]],
        [self::CRON . '.approve', [], ['claim_id' => 'c1', 'item_ids' => 'i1']],
        [self::CRON . '.reject', [], ['claim_id' => 'c1', 'item_ids' => 'i1', 'reason_id' => '1', 'description' => 'x']],
        [self::CRON . '.cronscript', [], ['php_path' => '/usr/bin/php', 'opencart_root' => '/var/www/shop', 'log_dir' => '/var/log/trendyol-cron']],
        [self::MAPPING . '.search', ['what' => 'category', 'q' => 'x'], []],
        [self::MAPPING . '.save', [], ['kind' => 'vat', 'tax_class_id' => '9', 'vat_rate' => '20']],
        [self::MAPPING . '.delete', [], ['kind' => 'vat', 'tax_class_id' => '9']],
    ];

    private const HOSTILE = "<script>alert('x')</script>' OR 1=1 --";

    private static function shop(): Kernel
    {
        return Kernel::shop();
    }

    private static function install(): Result
    {
        self::shop()->login(1);
        return self::shop()->request('extension/module.install', ['extension' => 'meschain', 'code' => 'meschain']);
    }

    private static function uninstall(): Result
    {
        self::shop()->login(1);
        return self::shop()->request('extension/module.uninstall', ['extension' => 'meschain', 'code' => 'meschain']);
    }

    /** @return array<string, mixed> */
    private static function row(string $sql): array
    {
        return self::shop()->db()->query($sql)->row;
    }

    private static function countRows(string $sql): int
    {
        return (int)self::shop()->db()->query($sql)->row['n'];
    }

    /**
     * How often each MesChain route appears in a group's access and modify lists.
     *
     * @param list<string> $routes
     */
    private static function grants(int $group, array $routes = self::ROUTES): array
    {
        $permission = json_decode((string)self::row("SELECT `permission` FROM `oc_user_group` WHERE `user_group_id` = $group")['permission'], true);
        $counts = [];
        foreach (['access', 'modify'] as $type) {
            foreach ($routes as $route) {
                $counts[$type][$route] = count(array_keys(array_values((array)($permission[$type] ?? [])), $route, true));
            }
        }
        return $counts;
    }

    /** @return list<string> */
    private static function meschainTables(): array
    {
        return array_map(static fn (array $r): string => (string)reset($r), self::shop()->db()->query("SHOW TABLES LIKE 'oc\\_trendyol\\_%'")->rows);
    }

    public function testInstallRecordsEverythingOnceAndReinstallAddsNothing(): void
    {
        // The shop upgrades from the layout where Cron Management and Mappings sat beside the
        // settings under admin/controller/module/: their grants are in the groups, and someone
        // pressed their Install buttons, which recorded them as modules.
        $db = self::shop()->db();
        $permission = json_decode((string)self::row("SELECT `permission` FROM `oc_user_group` WHERE `user_group_id` = 1")['permission'], true);
        foreach (['access', 'modify'] as $type) {
            foreach (self::LEGACY_ROUTES as $route) {
                $permission[$type][] = $route;
            }
        }
        $db->query("UPDATE `oc_user_group` SET `permission` = '" . $db->escape(json_encode($permission)) . "' WHERE `user_group_id` = 1");
        foreach (['meschain_cron', 'meschain_mapping'] as $code) {
            $db->query("INSERT INTO `oc_extension` SET `extension` = 'meschain', `type` = 'module', `code` = '$code'");
        }

        $result = self::install();
        $this->assertSame(['success' => 'Success: You have modified modules!'], $result->json());

        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `extension` = 'meschain' AND `type` = 'module' AND `code` = 'meschain'"));
        $event = self::row("SELECT * FROM `oc_event` WHERE `code` = 'meschain_menu'");
        $this->assertSame('admin/view/common/column_left/before', $event['trigger']);
        $this->assertSame('extension/meschain/module/meschain.menu', $event['action'], 'the method separator must be "." or the event never fires');
        $this->assertSame('1', (string)$event['status']);
        $order = self::row("SELECT * FROM `oc_event` WHERE `code` = 'meschain_order_status'");
        $this->assertSame('catalog/model/checkout/order/addHistory/after', $order['trigger']);
        $this->assertSame('extension/meschain/event/order.addHistory', $order['action']);
        // Stock follows a sale: the order and product events, each once, each on.
        $stock = \Opencart\Admin\Model\Extension\Meschain\Event\Stock::EVENTS;
        foreach ($stock as $code => [$trigger, $action]) {
            $this->assertSame([[$trigger, $action, '1']], array_map('array_values', self::shop()->db()->query("SELECT `trigger`, `action`, `status` FROM `oc_event` WHERE `code` = '$code'")->rows), $code);
        }

        $cron = self::row("SELECT * FROM `oc_cron` WHERE `code` = 'meschain_trendyol_sync'");
        $this->assertSame(['hour', 'extension/meschain/cron/meschain', '0'], [$cron['cycle'], $cron['action'], (string)$cron['status']]);

        foreach (self::grants(1) as $type => $routes) {
            foreach ($routes as $route => $n) {
                $this->assertSame(1, $n, "$type $route granted once");
            }
        }
        foreach (self::grants(1, self::LEGACY_ROUTES) as $type => $routes) {
            foreach ($routes as $route => $n) {
                $this->assertSame(0, $n, "the upgrade took back $type on $route");
            }
        }
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `code` IN ('meschain_cron', 'meschain_mapping')"), 'the old pages are no modules any more');

        $tables = self::meschainTables();
        foreach (['oc_trendyol_products', 'oc_trendyol_orders', 'oc_trendyol_sync_logs', 'oc_trendyol_webhook_logs', 'oc_trendyol_sync_queue', 'oc_trendyol_stock_history', 'oc_trendyol_alerts'] as $table) {
            $this->assertContains($table, $tables);
        }
        $this->assertSame('0', self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_drop_tables_on_uninstall'")['value'] ?? null);

        // The cron scripts and bin/ the zip carries are copied where the crontab expects them;
        // the monitor and the setup script are executable there.
        $shipped = glob(DIR_EXTENSION . 'meschain/system/library/meschain/cron/*.php') ?: [];
        $this->assertCount(count(glob(dirname(__DIR__) . '/cron/*.php') ?: []), $shipped);
        foreach ($shipped as $file) {
            $this->assertFileEquals($file, DIR_SYSTEM . 'library/meschain/cron/' . basename($file));
        }
        $bin = glob(DIR_EXTENSION . 'meschain/system/library/meschain/bin/*') ?: [];
        // The command line (meschain.php and the doctor and status it loads), the monitor, the
        // setup script and the worker's unit.
        $this->assertCount(6, $bin);
        foreach ($bin as $file) {
            $this->assertFileEquals($file, DIR_SYSTEM . 'library/meschain/bin/' . basename($file));
        }
        $this->assertTrue(is_executable(DIR_SYSTEM . 'library/meschain/bin/trendyol-cron-monitor'));
        $this->assertTrue(is_executable(DIR_SYSTEM . 'library/meschain/bin/setup_cron_jobs.sh'));

        // A second install (OpenCart adds its own grant again) leaves one of everything.
        self::shop()->db()->query("UPDATE `oc_setting` SET `value` = '77' WHERE `key` = 'module_meschain_batch_size'");
        $this->assertArrayHasKey('success', self::install()->json());
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_menu'"));
        $this->assertSame(count($stock), self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` LIKE 'meschain\\_stock\\_%'"));
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_cron` WHERE `code` = 'meschain_trendyol_sync'"));
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_cron` WHERE `code` = 'meschain_maintenance' AND `action` = 'extension/meschain/cron/meschain.maintenance' AND `cycle` = 'day'"));
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `code` = 'meschain'"));
        foreach (self::grants(1) as $type => $routes) {
            foreach ($routes as $route => $n) {
                $this->assertSame(1, $n, "$type $route granted once after reinstall");
            }
        }
        $this->assertSame($tables, self::meschainTables());
    }

    public function testExtensionsModulesListsOnlyTheSettingsPageAsAModule(): void
    {
        // OpenCart lists every file of an extension under admin/controller/<type>/ in that
        // type's list (the types are the files of its admin/controller/extension/), each with
        // its own Install button. MesChain is one module: its settings page.
        $types = ['analytics', 'captcha', 'currency', 'dashboard', 'feed', 'fraud', 'language', 'marketplace', 'module', 'other', 'payment', 'report', 'shipping', 'theme', 'total'];
        exec('unzip -Z1 ' . escapeshellarg(self::shop()->zip), $entries, $code);
        $this->assertSame(0, $code);
        $listed = preg_grep('~^admin/controller/(' . implode('|', $types) . ')/[^/]+\.php$~', $entries);
        $this->assertSame(['admin/controller/module/meschain.php'], array_values($listed));
        foreach (['admin/controller/panel/cron.php', 'admin/controller/panel/mapping.php', 'admin/language/en-gb/panel/cron.php', 'admin/language/tr-tr/panel/mapping.php', 'admin/view/template/panel/cron.twig', 'admin/view/template/panel/mapping_list.twig'] as $file) {
            $this->assertContains($file, $entries);
        }

        // Install on the former pages' names finds no such module and records nothing.
        foreach (['meschain_cron', 'meschain_mapping'] as $name) {
            self::shop()->login(1);
            $result = self::shop()->request('extension/module.install', ['extension' => 'meschain', 'code' => $name]);
            $this->assertSame(['error' => 'Error: Extension does not exist!'], $result->json(), $name);
            $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `code` = '$name'"));
        }
    }

    public function testWithoutTheExtensionInstallRefusesAndLeavesNothingBehind(): void
    {
        // A child PHP without the extension: no ini files (a shop-wide meschain.ini must not
        // count), only the extensions OpenCart itself needs.
        $extensions = '';
        foreach (['mysqlnd', 'mysqli', 'mbstring', 'ctype', 'iconv', 'tokenizer'] as $name) {
            if (!extension_loaded($name)) {
                continue;
            }
            $extensions .= ' -d extension=' . $name;
        }
        $command = escapeshellarg(PHP_BINARY) . ' -n' . $extensions . ' ' . escapeshellarg(__DIR__ . '/opencart/install_without_extension.php') . ' 2>&1';
        exec($command, $out, $code);
        $this->assertSame(0, $code, implode("\n", $out));
        $report = json_decode((string)end($out), true);
        $this->assertIsArray($report, implode("\n", $out));
        $this->assertStringContainsString('MesChain cannot be installed', $report['error']);
        $this->assertStringContainsString('extension=meschain', $report['error'], 'the message says what to do');
        $this->assertSame(['extension' => 0, 'events' => 0, 'crons' => 0, 'tables' => 0, 'granted' => 0], array_diff_key($report, ['error' => 1]));
    }

    public function testTheMenuEventAddsExtensionsMesChainWithItsPages(): void
    {
        self::shop()->login(1);
        $page = self::shop()->request(self::SETTINGS)->output;
        $token = self::shop()->token();
        $this->assertMatchesRegularExpression('~<li id="menu-extension">.*<a href="#">MesChain</a>~s', $page);
        foreach (self::ROUTES as $route) {
            $this->assertStringContainsString('index.php?route=' . $route . '&amp;user_token=' . $token, $page);
        }
        $this->assertStringContainsString('Cron Management', $page);

        // A shop that upgraded without reinstalling lacks the newer events: any admin page
        // puts them back, and leaves one the owner switched off as it is.
        $db = self::shop()->db();
        $db->query("DELETE FROM `oc_event` WHERE `code` = 'meschain_stock_order_history'");
        $db->query("UPDATE `oc_event` SET `status` = 0 WHERE `code` = 'meschain_stock_product'");
        self::shop()->request(self::SETTINGS);
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_stock_order_history' AND `status` = 1"));
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_stock_product' AND `status` = 0"));
        $db->query("UPDATE `oc_event` SET `status` = 1 WHERE `code` = 'meschain_stock_product'");

        // Turkish admin: the same menu, in Turkish.
        $page = self::shop()->request(self::SETTINGS, [], [], null, 'tr-tr')->output;
        $this->assertStringContainsString('Cron Yönetimi', $page);
        $this->assertStringContainsString('Eşleştirmeler', $page);
    }

    public function testEveryPageAndFragmentRendersForTheAdministrator(): void
    {
        self::shop()->login(1);
        $pages = [
            [self::SETTINGS, [], 'MesChain settings'],
            [self::CRON, [], 'Cron script generator'],
            [self::CRON . '.monitoring', [], 'Alerts'],
            [self::CRON . '.logs', [], ''],
            [self::CRON . '.dead', [], ''],
            [self::CRON . '.products', [], ''],
            [self::CRON . '.returns', [], ''],
            [self::MAPPING, [], 'Categories'],
        ];
        $mapping = self::MAPPING_CLASS;
        foreach (array_keys($mapping::KINDS) as $kind) {
            $pages[] = [self::MAPPING . '.list', ['kind' => $kind], ''];
        }
        foreach ($pages as [$route, $get, $expect]) {
            foreach (['en-gb', 'tr-tr'] as $language) {
                $result = self::shop()->request($route, $get, [], null, $language);
                $this->assertSame($route, $result->route);
                $this->assertNotSame('', trim($result->output), "$route ($language) rendered nothing");
                $this->assertStringNotContainsString('Error: Could not', $result->output, $route);
                $this->assertStringNotContainsString('&amp;amp;', $result->output, "$route escapes its links once");
                $this->assertStringNotContainsString('configuration error', $result->output, "$route asks the engine correctly");
                $this->assertStringNotContainsString('has no ', $result->output, "$route calls only methods the extension has");
                if ($language === 'en-gb' && $expect !== '') {
                    $this->assertStringContainsString($expect, $result->output, $route);
                }
                // A key printed as itself means a string is missing from the language file.
                $this->assertDoesNotMatchRegularExpression('/>\s*(text|entry|button|column|tab|help|error)_[a-z0-9_]+\s*</', $result->output, "$route ($language) shows a language key");
            }
        }
    }

    public function testJsonEndpointsRefuseWithoutModifyPermissionAndWithoutToken(): void
    {
        $db = self::shop()->db();
        // A group that may open MesChain's pages but not change anything.
        $db->query("DELETE FROM `oc_user_group` WHERE `user_group_id` = 10");
        $db->query("DELETE FROM `oc_user` WHERE `user_id` = 10");
        $db->query("INSERT INTO `oc_user_group` SET `user_group_id` = 10, `name` = 'Viewer', `permission` = '" . $db->escape(json_encode(['access' => self::ROUTES, 'modify' => []])) . "'");
        $db->query("INSERT INTO `oc_user` SET `user_id` = 10, `user_group_id` = 10, `username` = 'viewer', `password` = '', `firstname` = 'V', `lastname` = 'W', `email` = 'v@example.com', `image` = '', `code` = '', `ip` = '', `status` = 1, `date_added` = NOW()");
        $queued = self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_queue`");
        $batch = self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_batch_size'")['value'] ?? null;

        self::shop()->login(10);
        $this->assertSame(self::SETTINGS, self::shop()->request(self::SETTINGS)->route, 'the viewer may open the page');
        foreach (self::JSON_ENDPOINTS as [$route, $get, $post]) {
            $result = self::shop()->request($route, $get, $post);
            $this->assertTrue($result->isJson(), "$route answers JSON");
            $this->assertSame(['error' => 'Warning: you do not have permission to modify MesChain!'], $result->json(), $route);
        }
        $this->assertSame($queued, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_queue`"), 'nothing was queued');
        $this->assertSame($batch, self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_batch_size'")['value'] ?? null);

        // Without the session's token, OpenCart's startup answers the login page instead.
        self::shop()->login(1);
        foreach (self::JSON_ENDPOINTS as [$route, $get, $post]) {
            $this->assertSame('common/login', self::shop()->request($route, $get, $post, '')->route, "$route without token");
            $this->assertSame('common/login', self::shop()->request($route, $get, $post, 'forged-token')->route, "$route with a wrong token");
        }
        // And a user without access to the route never reaches it.
        $db->query("UPDATE `oc_user_group` SET `permission` = '" . $db->escape(json_encode(['access' => [], 'modify' => []])) . "' WHERE `user_group_id` = 10");
        self::shop()->login(10);
        $this->assertSame('error/permission', self::shop()->request(self::CRON . '.sync', [], ['job' => 'stock_sync'])->route);
    }

    public function testManualSyncEnqueuesOnceAndReportsProgress(): void
    {
        self::shop()->login(1);
        // As installed, MesChain is switched off: a click queues nothing and says why.
        $queued = self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_queue`");
        $off = self::shop()->request(self::CRON . '.sync', [], ['job' => 'stock_sync'])->json();
        $this->assertStringContainsString('switched off in Settings', $off['error'] ?? '', json_encode($off));
        $this->assertSame($queued, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_queue`"));
        $db = self::shop()->db();
        // Switched on, with credentials for a Trendyol that is not there (a closed port): the
        // run starts and fails, which is all this test needs to see.
        $on = ['status' => '1', 'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
            'environment' => 'sandbox', 'sandbox_url' => 'http://127.0.0.1:9'];
        foreach ($on as $name => $value) {
            $db->query("DELETE FROM `oc_setting` WHERE `code` = 'module_meschain' AND `key` = 'module_meschain_$name'");
            $db->query("INSERT INTO `oc_setting` SET `store_id` = 0, `code` = 'module_meschain', `key` = 'module_meschain_$name', `value` = '" . $db->escape($value) . "', `serialized` = 0");
        }

        $first = self::shop()->request(self::CRON . '.sync', [], ['job' => 'stock_sync'])->json();
        $this->assertArrayHasKey('success', $first, json_encode($first));
        $this->assertTrue($first['created']);
        $this->assertGreaterThan(0, $first['queue_id']);
        $second = self::shop()->request(self::CRON . '.sync', [], ['job' => 'stock_sync'])->json();
        $this->assertFalse($second['created'], 'a double click does not queue the job twice');
        $this->assertSame($first['queue_id'], $second['queue_id']);

        $job = self::shop()->request(self::CRON . '.job', ['queue_id' => (string)$first['queue_id']])->json();

        $bad = self::shop()->request(self::CRON . '.sync', [], ['job' => 'rm -rf'])->json();
        $this->assertSame(['error' => 'Unknown sync job.'], $bad);

        // The job is not left to a worker: the click started it, and the progress poll sees it
        // attempted (this shop has no Trendyol credentials, so it cannot succeed here).
        for ($i = 0; $i < 100 && ((int)$job['attempts'] === 0 && !$job['finished']); $i++) {
            usleep(100_000);
            $job = self::shop()->request(self::CRON . '.job', ['queue_id' => (string)$first['queue_id']])->json();
        }
        $this->assertTrue($first['started'] || $second['started'] || (int)$job['attempts'] > 0, json_encode([$first, $job]));
        $this->assertGreaterThan(0, (int)$job['attempts'], 'the click ran the job without any worker: ' . json_encode($job));

        // Later tests find an empty queue and MesChain switched off again.
        $db->query("DELETE FROM `oc_trendyol_sync_queue` WHERE `queue_id` = " . (int)$first['queue_id']);
        $db->query("UPDATE `oc_setting` SET `value` = '0' WHERE `code` = 'module_meschain' AND `key` = 'module_meschain_status'");
        $db->query("DELETE FROM `oc_setting` WHERE `code` = 'module_meschain' AND `key` IN ('module_meschain_seller_id', 'module_meschain_api_key', 'module_meschain_api_secret', 'module_meschain_environment', 'module_meschain_sandbox_url')");
    }

    public function testHostileNamesAreEscapedInProductsAndLogs(): void
    {
        $db = self::shop()->db();
        $hostile = $db->escape(self::HOSTILE);
        $db->query("INSERT INTO `oc_product` SET `product_id` = 900001, `model` = 'M-900001', `sku` = '', `upc` = '', `ean` = '8690000900001', `jan` = '', `isbn` = '', `mpn` = '', `location` = '', `variant` = '', `override` = '', `quantity` = 5, `stock_status_id` = 7, `image` = '', `manufacturer_id` = 0, `shipping` = 1, `price` = 10, `points` = 0, `tax_class_id` = 0, `date_available` = NOW(), `weight` = 0, `weight_class_id` = 1, `length` = 0, `width` = 0, `height` = 0, `length_class_id` = 1, `subtract` = 1, `minimum` = 1, `rating` = 0, `sort_order` = 0, `status` = 1, `date_added` = NOW(), `date_modified` = NOW()");
        $db->query("INSERT INTO `oc_product_description` SET `product_id` = 900001, `language_id` = 1, `name` = '$hostile', `description` = '', `tag` = '', `meta_title` = '', `meta_description` = '', `meta_keyword` = ''");
        $reasons = $db->escape(json_encode([self::HOSTILE, ['message' => '<img src=x onerror=alert(2)>']]));
        $db->query("INSERT INTO `oc_trendyol_products` SET `product_id` = 900001, `barcode` = '8690000900001', `sync_status` = 'rejected', `trendyol_status` = '$hostile', `reasons` = '$reasons', `created_at` = NOW(), `updated_at` = NOW()");
        // A real failed run (no seller id yet), whose texts then quote something hostile.
        $run = self::failedRun();
        $db->query("UPDATE `oc_trendyol_sync_logs` SET `message` = '$hostile', `error` = '$hostile' WHERE `sync_log_id` = " . (int)$run['sync_log_id']);

        self::shop()->login(1);
        $products = self::shop()->request(self::CRON . '.products', ['filter_sync_status' => 'rejected'])->output;
        $logs = self::shop()->request(self::CRON . '.logs', ['filter_status' => 'failed'])->output;
        foreach (['products' => $products, 'logs' => $logs] as $what => $html) {
            $this->assertStringContainsString('&lt;script&gt;alert(&#039;x&#039;)&lt;/script&gt;&#039; OR 1=1 --', $html, "$what shows the text, escaped");
            $this->assertStringNotContainsString('<script>', $html, $what);
        }
        $this->assertStringNotContainsString('<img', $products);
        $this->assertStringContainsString('&lt;img src=x onerror=alert(2)&gt;', $products);

        // The search box takes hostile text as data, not SQL: an injection finds nothing, the
        // literal text finds the product whose name holds it.
        $search = self::shop()->request(self::CRON . '.products', ['filter_search' => "x' OR '1'='1"])->output;
        $this->assertStringNotContainsString('8690000900001', $search);
        $this->assertStringContainsString('No results!', $search);
        $literal = self::shop()->request(self::CRON . '.products', ['filter_search' => "' OR 1=1 --"])->output;
        $this->assertStringContainsString('8690000900001', $literal);
        $found = self::shop()->request(self::CRON . '.products', ['filter_search' => '8690000900001'])->output;
        $this->assertStringContainsString('8690000900001', $found);
    }

    public function testSecretsAreNeverRenderedAndABlankSubmissionKeepsThem(): void
    {
        $db = self::shop()->db();
        $secret = 'sEcReT-' . bin2hex(random_bytes(8));
        $key = 'apiKEY-' . bin2hex(random_bytes(8));
        foreach (['module_meschain_api_secret' => $secret, 'module_meschain_api_key' => $key, 'module_meschain_webhook_password' => $secret . 'w'] as $name => $value) {
            $db->query("DELETE FROM `oc_setting` WHERE `key` = '$name'");
            $db->query("INSERT INTO `oc_setting` SET `store_id` = 0, `code` = 'module_meschain', `key` = '$name', `value` = '$value', `serialized` = 0");
        }

        self::shop()->login(1);
        $outputs = [];
        foreach ([self::SETTINGS, self::CRON, self::CRON . '.monitoring', self::MAPPING] as $route) {
            $outputs[$route] = self::shop()->request($route)->output;
        }
        foreach ($outputs as $route => $html) {
            $this->assertStringNotContainsString($secret, $html, $route);
            $this->assertStringNotContainsString($key, $html, $route);
        }
        $this->assertMatchesRegularExpression('~name="module_meschain_api_secret" value=""~', $outputs[self::SETTINGS]);
        $this->assertStringContainsString('<span class="badge bg-success">set</span>', $outputs[self::SETTINGS]);

        // Saving with the secret inputs blank keeps the stored secrets; other fields change.
        $saved = self::shop()->request(self::SETTINGS . '.save', [], [
            'module_meschain_api_secret' => '',
            'module_meschain_api_key' => '',
            'module_meschain_batch_size' => '75',
            'module_meschain_drop_tables_on_uninstall' => '0',
        ])->json();
        $this->assertSame(['success' => 'Success: the MesChain settings were saved.'], $saved);
        $this->assertSame($secret, self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_api_secret'")['value']);
        $this->assertSame('75', self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_batch_size'")['value']);
        $this->assertSame('0', self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_drop_tables_on_uninstall'")['value']);

        // A bad value is refused per field, escaped, and nothing is written.
        $refused = self::shop()->request(self::SETTINGS . '.save', [], ['module_meschain_batch_size' => '<b>0</b>'])->json();
        $this->assertIsArray($refused['error']);
        $this->assertArrayHasKey('batch_size', $refused['error']);
        $this->assertStringNotContainsString('<b>', json_encode($refused));
        $this->assertSame('75', self::row("SELECT `value` FROM `oc_setting` WHERE `key` = 'module_meschain_batch_size'")['value']);
    }

    public function testMappingsLogsAndSetupActionsGoThroughTheEngine(): void
    {
        $db = self::shop()->db();
        self::shop()->login(1);
        $taxClass = (int)self::row("SELECT MIN(`tax_class_id`) AS id FROM `oc_tax_class`")['id'];

        // VAT mapping: saved, listed, refused when not one of Trendyol's rates, deleted.
        $saved = self::shop()->request(self::MAPPING . '.save', [], ['kind' => 'vat', 'tax_class_id' => (string)$taxClass, 'vat_rate' => '10'])->json();
        $this->assertSame(['success' => 'Success: the mapping was saved.'], $saved);
        $this->assertSame('10', (string)self::row("SELECT `vat_rate` FROM `oc_trendyol_vat_map` WHERE `tax_class_id` = $taxClass")['vat_rate']);
        $list = self::shop()->request(self::MAPPING . '.list', ['kind' => 'vat'])->output;
        $this->assertMatchesRegularExpression('~<option value="10" selected>%10</option>~', $list);

        $refused = self::shop()->request(self::MAPPING . '.save', [], ['kind' => 'vat', 'tax_class_id' => (string)$taxClass, 'vat_rate' => '18'])->json();
        $this->assertArrayHasKey('error', $refused);
        $this->assertStringContainsString('vat_rate', $refused['error']);
        $this->assertSame('10', (string)self::row("SELECT `vat_rate` FROM `oc_trendyol_vat_map` WHERE `tax_class_id` = $taxClass")['vat_rate'], 'nothing written');

        $deleted = self::shop()->request(self::MAPPING . '.delete', [], ['kind' => 'vat', 'tax_class_id' => (string)$taxClass])->json();
        $this->assertSame(['success' => '1 mapping(s) deleted.'], $deleted);
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_vat_map`"));
        $this->assertSame(['error' => 'Unknown mapping kind.'], self::shop()->request(self::MAPPING . '.save', [], ['kind' => 'x; DROP TABLE'])->json());

        // Log cleanup deletes old rows only, and refuses an out-of-range day count: a real run,
        // moved 40 days back.
        $old = (int)self::failedRun()['sync_log_id'];
        $db->query("UPDATE `oc_trendyol_sync_logs` SET `started_at` = `started_at` - INTERVAL 40 DAY, `finished_at` = `finished_at` - INTERVAL 40 DAY, `created_at` = `created_at` - INTERVAL 40 DAY WHERE `sync_log_id` = $old");
        $before = self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_logs`");
        $this->assertSame(['error' => 'Enter a number of days from 1 to 3650.'], self::shop()->request(self::CRON . '.cleanup', [], ['days' => '0'])->json());
        $this->assertSame(['success' => '1 log row(s) deleted.'], self::shop()->request(self::CRON . '.cleanup', [], ['days' => '30'])->json());
        $this->assertSame($before - 1, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_logs`"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_logs` WHERE `sync_log_id` = $old"));

        // The crontab block for the shop's paths, as a download; shell metacharacters refused.
        $script = self::shop()->request(self::CRON . '.cronscript', [], ['php_path' => '/usr/bin/php', 'opencart_root' => '/var/www/shop', 'log_dir' => '/var/log/trendyol-cron']);
        $this->assertContains('Content-Type: text/plain; charset=utf-8', $script->headers);
        $this->assertContains('Content-Disposition: attachment; filename="meschain-crontab.txt"', $script->headers);
        $this->assertStringContainsString('/var/www/shop/system/library/meschain/cron/stock_sync.php --log-dir=/var/log/trendyol-cron', $script->output);
        $this->assertStringContainsString('/var/www/shop/system/library/meschain/cron/maintenance.php', $script->output);
        // The monitor where install() put it, with what it needs to read the settings.
        $this->assertStringContainsString('/var/www/shop/system/library/meschain/bin/trendyol-cron-monitor --log-dir /var/log/trendyol-cron --php-path /usr/bin/php --opencart /var/www/shop', $script->output);
        $bad = self::shop()->request(self::CRON . '.cronscript', [], ['php_path' => '/usr/bin/php; rm -rf /', 'opencart_root' => '/var/www/shop', 'log_dir' => '/tmp'])->json();
        $this->assertArrayHasKey('error', $bad);

        // Dead letters: ids that are not positive integers never reach the engine.
        $this->assertSame(['error' => 'Select at least one row first.'], self::shop()->request(self::CRON . '.replay', [], ['queue_id' => ['-1', 'x', '1 OR 1=1']])->json());

        // The weekly chart: seven days, one series per job.
        $chart = self::shop()->request(self::CRON . '.chart')->json();
        $this->assertCount(7, $chart['xaxis']);
        $this->assertCount(7, $chart['series'], 'the six jobs and maintenance');
        $this->assertCount(7, $chart['series'][0]['data']);
    }

    public function testEveryMappingKindIsSavedAndDeletedThroughThePage(): void
    {
        $db = self::shop()->db();
        $mapping = self::MAPPING_CLASS;
        $this->assertSame(['category', 'brand', 'attribute', 'attribute_value', 'vat', 'order_status'], array_keys($mapping::KINDS), 'every kind the engine has (a new one needs its round trip here)');

        // What there is to map on OpenCart's side.
        $db->query("INSERT INTO `oc_category` SET `category_id` = 700, `image` = '', `parent_id` = 0, `top` = 0, `column` = 1, `sort_order` = 0, `status` = 1, `date_added` = NOW(), `date_modified` = NOW()");
        $db->query("INSERT INTO `oc_category_description` SET `category_id` = 700, `language_id` = 1, `name` = 'Shirts', `description` = '', `meta_title` = 'Shirts', `meta_description` = '', `meta_keyword` = ''");
        $db->query("INSERT INTO `oc_manufacturer` SET `manufacturer_id` = 700, `name` = 'Acme', `image` = '', `sort_order` = 0");
        $db->query("INSERT INTO `oc_attribute` SET `attribute_id` = 700, `attribute_group_id` = 1, `sort_order` = 0");
        $db->query("INSERT INTO `oc_attribute_description` SET `attribute_id` = 700, `language_id` = 1, `name` = 'Colour'");
        $taxClass = (int)self::row("SELECT MIN(`tax_class_id`) AS id FROM `oc_tax_class`")['id'];

        self::shop()->login(1);
        $cases = [
            'category' => [['category_id' => '700', 'trendyol_category_id' => '411', 'trendyol_category_name' => 'Gömlek'], 'oc_trendyol_category_map', []],
            'brand' => [['manufacturer_id' => '700', 'trendyol_brand_id' => '1791', 'trendyol_brand_name' => 'Acme'], 'oc_trendyol_brand_map', []],
            'vat' => [['tax_class_id' => (string)$taxClass, 'vat_rate' => '20'], 'oc_trendyol_vat_map', []],
            'order_status' => [['trendyol_status' => 'Delivered', 'order_status_id' => '3'], 'oc_trendyol_order_status_map', []],
            'attribute' => [['trendyol_category_id' => '411', 'trendyol_attribute_id' => '47', 'trendyol_attribute_name' => 'Renk', 'source' => 'attribute', 'source_id' => '700', 'custom_value' => ''], 'oc_trendyol_attribute_map', []],
        ];
        foreach ($cases as $kind => [$fields, $table, $get]) {
            $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `$table`"), "$kind starts empty");
            $saved = self::shop()->request(self::MAPPING . '.save', [], ['kind' => $kind] + $fields)->json();
            $this->assertSame(['success' => 'Success: the mapping was saved.'], $saved, $kind);
            $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `$table`"), "$kind saved");
        }

        // An attribute's values are mapped under the attribute mapping's number.
        $attributeMap = (int)self::row("SELECT `attribute_map_id` FROM `oc_trendyol_attribute_map`")['attribute_map_id'];
        $saved = self::shop()->request(self::MAPPING . '.save', [], ['kind' => 'attribute_value', 'attribute_map_id' => (string)$attributeMap, 'source_value' => 'Kırmızı & Mavi', 'trendyol_value_id' => '9001', 'trendyol_value_name' => 'Kırmızı'])->json();
        $this->assertSame(['success' => 'Success: the mapping was saved.'], $saved);
        $this->assertSame('Kırmızı & Mavi', self::row("SELECT `source_value` FROM `oc_trendyol_attribute_value_map`")['source_value'], 'stored as typed, not HTML-escaped');
        $cases = ['attribute_value' => [[], 'oc_trendyol_attribute_value_map', ['attribute_map_id' => (string)$attributeMap]]] + $cases;

        // Each row's delete button posts its own form, as the page's script does: the row is gone.
        foreach ($cases as $kind => [$fields, $table, $get]) {
            $list = self::shop()->request(self::MAPPING . '.list', ['kind' => $kind] + $get)->output;
            $forms = self::deletableRows($list);
            $this->assertCount(1, $forms, "$kind lists one deletable mapping");
            $deleted = self::shop()->request(self::MAPPING . '.delete', [], $forms[0])->json();
            $this->assertSame(['success' => '1 mapping(s) deleted.'], $deleted, "$kind: " . json_encode($forms[0]));
            $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `$table`"), "$kind deleted");
            $this->assertSame([], self::deletableRows(self::shop()->request(self::MAPPING . '.list', ['kind' => $kind] + $get)->output), "$kind no longer listed as mapped");
        }
    }

    public function testLogsFilterByEveryRunStatusThePageOffersAndShowItsBadge(): void
    {
        // Runs of the engine, not rows made up here: one that fails (no seller id), one that
        // finishes (credentials for a sandbox; an empty inbox needs no call).
        $failed = self::failedRun();
        $ok = self::finishedRun();
        $this->assertSame(['failed', 'ok'], [$failed['status'], $ok['status']], json_encode([$failed, $ok]));

        self::shop()->login(1);
        $page = self::shop()->request(self::CRON)->output;
        $this->assertMatchesRegularExpression('~<select name="filter_status"[^>]*>(.*?)</select>~s', $page);
        preg_match('~<select name="filter_status"[^>]*>(.*?)</select>~s', $page, $select);
        preg_match_all('~<option value="([^"]*)">([^<]*)</option>~', $select[1], $options, PREG_SET_ORDER);
        $offered = array_values(array_filter(array_column($options, 1), static fn (string $v): bool => $v !== ''));
        $pages = [];
        foreach ($offered as $status) {
            $pages[$status] = self::shop()->request(self::CRON . '.logs', ['filter_status' => $status])->output;
            $this->assertStringNotContainsString('alert-danger', $pages[$status], "filtering by $status is refused: " . trim(strip_tags($pages[$status])));
        }
        $this->assertSame(['running', 'ok', 'partial', 'failed', 'abandoned'], $offered, 'the statuses the engine stores');

        $badges = array_column(\MesChain\Engine::registry()['run_statuses'], 'badge', 'name');
        $names = ['running' => 'Running', 'ok' => 'Success', 'partial' => 'Partial', 'failed' => 'Failed', 'abandoned' => 'Abandoned'];
        foreach ($pages as $status => $logs) {
            $stored = min(25, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_sync_logs` WHERE `status` = '$status'"));
            $badge = '<span class="badge ' . $badges[$status] . '">' . $names[$status] . '</span>';
            $this->assertSame($stored, substr_count($logs, '<span class="badge '), "$status: one row per stored run");
            $this->assertSame($stored, substr_count($logs, $badge), "$status rows wear $badge");
            if ($stored === 0) {
                $this->assertStringContainsString('No results!', $logs);
            }
        }
        $this->assertStringContainsString('<span class="badge bg-success">Success</span>', self::shop()->request(self::CRON . '.logs', ['filter_status' => 'ok'])->output);
        $this->assertStringContainsString('<span class="badge bg-danger">Failed</span>', self::shop()->request(self::CRON . '.logs', ['filter_status' => 'failed'])->output);

        // Monitoring: the webhook processor's last run finished, and says so in green.
        $monitoring = self::shop()->request(self::CRON . '.monitoring')->output;
        $this->assertMatchesRegularExpression('~<td>Webhook processor</td>(?:(?!</tr>).)*<span class="badge bg-success">Success</span>~s', $monitoring);
        $tr = self::shop()->request(self::CRON . '.logs', ['filter_status' => 'ok'], [], null, 'tr-tr')->output;
        $this->assertStringContainsString('<span class="badge bg-success">Başarılı</span>', $tr);
    }

    public function testTimesAreShownInTheShopsTimeZone(): void
    {
        $db = self::shop()->db();
        $engine = self::engine();
        // The engine's own records, stamped by it (in UTC): a run, the alert its failure
        // raises, and a job the queue gave up on.
        self::failedRun();
        $db->query("INSERT INTO `oc_trendyol_sync_queue` SET `event_type` = 'stock_update', `priority` = 3, `payload` = '{}', `status` = 'dead', `attempts` = 8, `error_class` = 'poison', `last_error` = 'clock', `available_at` = UTC_TIMESTAMP(3), `created_at` = UTC_TIMESTAMP(3), `updated_at` = UTC_TIMESTAMP(3) - INTERVAL 2 HOUR");
        $started = (string)$engine->syncLogs(['limit' => 1])['rows'][0]['started_at'];
        $lastRun = (string)$engine->dashboard()['jobs']['webhook_processor']['last_run']['started_at'];
        $alert = (string)$engine->alerts(['state' => 'open', 'limit' => 1])['rows'][0]['last_seen_at'];
        $seen = (string)$engine->requirements()['cron_last_seen']['webhook_processor'];
        $died = gmdate('Y-m-d H:i:s', intdiv((int)$engine->deadJobs(1, 0)[0]['died_at_ms'], 1000));

        $zone = new \DateTimeZone('Europe/Istanbul');
        $local = static fn (string $utc, string $format = 'd/m/Y H:i:s'): string => (new \DateTimeImmutable($utc, new \DateTimeZone('UTC')))->setTimezone($zone)->format($format);
        $this->assertSame('13:29', substr($local('2024-05-01 10:29:00', 'd/m/Y H:i:s'), 11, 5), 'Istanbul is UTC+3');

        $db->query("UPDATE `oc_setting` SET `value` = 'Europe/Istanbul' WHERE `store_id` = 0 AND `key` = 'config_timezone'");
        try {
            self::shop()->login(1);
            $pages = [
                'logs' => [self::shop()->request(self::CRON . '.logs')->output, [$started]],
                'monitoring' => [self::shop()->request(self::CRON . '.monitoring')->output, [$lastRun, $alert]],
                'setup' => [self::shop()->request(self::CRON)->output, [$seen]],
                'dead' => [self::shop()->request(self::CRON . '.dead')->output, [$died]],
            ];
            foreach ($pages as $page => [$html, $times]) {
                foreach ($times as $utc) {
                    $this->assertStringContainsString($local($utc), $html, "$page shows $utc UTC in Istanbul time");
                    $this->assertStringNotContainsString($utc, $html, "$page shows no UTC time");
                }
            }
            // The Turkish admin writes the date its own way (its language's datetime_format).
            $tr = self::shop()->request(self::CRON . '.logs', [], [], null, 'tr-tr')->output;
            $this->assertStringContainsString($local($started, 'd.m.Y H:i:s'), $tr);
        } finally {
            $db->query("UPDATE `oc_setting` SET `value` = 'UTC' WHERE `store_id` = 0 AND `key` = 'config_timezone'");
        }
    }

    public function testAlertsAreShownEscapedAndAcknowledgedAndDeadJobsReplayedOrDiscarded(): void
    {
        $db = self::shop()->db();
        $hostile = $db->escape(self::HOSTILE);
        $db->query("INSERT INTO `oc_trendyol_alerts` SET `alert_type` = 'sync_failed', `severity` = 'error', `title` = '$hostile', `message` = '$hostile', `first_seen_at` = NOW(), `last_seen_at` = NOW()");
        $alert = (int)$db->getLastId();
        foreach ([1, 2] as $n) {
            $db->query("INSERT INTO `oc_trendyol_sync_queue` SET `event_type` = 'stock_update', `priority` = 3, `payload` = '{}', `status` = 'dead', `attempts` = 8, `error_class` = 'poison', `last_error` = '$hostile', `available_at` = NOW(3), `created_at` = NOW(3), `updated_at` = NOW(3)");
        }
        $replay = (int)$db->getLastId() - 1;
        $discard = $replay + 1;

        self::shop()->login(1);
        $monitoring = self::shop()->request(self::CRON . '.monitoring')->output;
        $this->assertStringContainsString('value="' . $alert . '"', $monitoring);
        $this->assertStringNotContainsString('<script>', $monitoring);
        $dead = self::shop()->request(self::CRON . '.dead')->output;
        $this->assertStringContainsString('value="' . $replay . '"', $dead);
        $this->assertStringNotContainsString('<script>', $dead);

        $this->assertSame(['success' => '1 alert(s) acknowledged.'], self::shop()->request(self::CRON . '.acknowledge', [], ['alert_id' => [(string)$alert]])->json());
        $this->assertSame('1', (string)self::row("SELECT `acknowledged_by` FROM `oc_trendyol_alerts` WHERE `alert_id` = $alert")['acknowledged_by']);
        $this->assertStringNotContainsString('value="' . $alert . '"', self::shop()->request(self::CRON . '.monitoring')->output);

        $this->assertSame(['success' => '1 job(s) queued again.'], self::shop()->request(self::CRON . '.replay', [], ['queue_id' => [(string)$replay]])->json());
        $this->assertSame(['success' => '1 job(s) discarded.'], self::shop()->request(self::CRON . '.discard', [], ['queue_id' => [(string)$discard]])->json());
        $this->assertSame('pending', self::row("SELECT `status` FROM `oc_trendyol_sync_queue` WHERE `queue_id` = $replay")['status']);
        $this->assertSame('discarded', self::row("SELECT `status` FROM `oc_trendyol_sync_queue` WHERE `queue_id` = $discard")['status']);
    }

    public function testAnEngineMethodTheExtensionLacksIsAClearErrorNotABlankPage(): void
    {
        self::shop()->login(1);
        $method = 'approveClaim';
        $result = self::shop()->request(self::CRON . '.approve', [], ['claim_id' => 'c-1', 'item_ids' => 'i-1, i-2'])->json();
        if (method_exists(\MesChain\Engine::class, $method)) {
            $this->assertArrayHasKey('error', $result, 'an unknown claim is refused by the engine');
        } else {
            $this->assertStringContainsString('has no approveClaim()', $result['error']);
        }
    }

    public function testLanguageFilesMatchAndEveryUsedKeyExists(): void
    {
        self::shop();
        // The pages' shared trait first: this test loads the files without OpenCart's autoloader.
        foreach (['panel/actions', 'module/meschain', 'panel/cron', 'panel/mapping', 'panel/pricing', 'panel/questions'] as $controller) {
            require_once DIR_EXTENSION . 'meschain/admin/controller/' . $controller . '.php';
        }
        $dir = dirname(__DIR__, 2) . '/opencart-module/admin/';
        $files = ['module/meschain', 'panel/cron', 'panel/mapping', 'panel/pricing', 'panel/questions'];
        $keys = [];
        foreach ($files as $file) {
            $en = self::strings($dir . 'language/en-gb/' . $file . '.php');
            $tr = self::strings($dir . 'language/tr-tr/' . $file . '.php');
            $this->assertSame(array_keys($en), array_keys($tr), "$file: en-gb and tr-tr have the same keys in the same order");
            foreach ($tr as $k => $v) {
                $this->assertNotSame('', trim($v), "tr-tr $file $k is empty");
            }
            $keys[$file] = $en;
        }

        // Keys used literally in templates and controllers.
        $uses = [
            'module/meschain' => ['controller/module/meschain.php', 'view/template/module/meschain.twig'],
            'panel/cron' => ['controller/panel/cron.php', 'view/template/panel/cron.twig', 'view/template/panel/cron_monitoring.twig', 'view/template/panel/cron_logs.twig', 'view/template/panel/cron_dead.twig', 'view/template/panel/cron_products.twig', 'view/template/panel/cron_returns.twig'],
            'panel/mapping' => ['controller/panel/mapping.php', 'view/template/panel/mapping.twig', 'view/template/panel/mapping_list.twig'],
            'panel/pricing' => ['controller/panel/pricing.php', 'view/template/panel/pricing.twig'],
            'panel/questions' => ['controller/panel/questions.php', 'view/template/panel/questions.twig'],
        ];
        foreach ($uses as $file => $sources) {
            foreach ($sources as $source) {
                $text = (string)file_get_contents($dir . $source);
                $pattern = str_ends_with($source, '.twig')
                    ? '/(?<![.\w\'"-])((?:heading|text|entry|button|column|tab|help|error)_[a-z0-9_]+)\b/'
                    : '/language->get\(\'((?:heading|text|entry|button|column|tab|help|error)_[a-z0-9_]+)\'\)/';
                preg_match_all($pattern, $text, $m);
                foreach (array_unique($m[1]) as $key) {
                    if (str_ends_with($key, '_') || in_array($key, ['column_left', 'error_warning'], true)) {
                        continue; // a prefix completed at run time (checked below)
                    }
                    if ($file === 'module/meschain' && str_starts_with($source, 'controller') && preg_match('/^(help|entry|tab|text)_$/', $key)) {
                        continue;
                    }
                    $this->assertArrayHasKey($key, $keys[$file], "$source uses $key");
                }
            }
        }

        // Keys built at run time from the engine's registry (RegistryTest checks them all, in
        // both languages, and that no other appears).
        $registry = \MesChain\Engine::registry();
        foreach ($registry['manual_jobs'] as $job) {
            $this->assertArrayHasKey($job['label_key'], $keys['panel/cron']);
        }
        foreach ($registry['run_statuses'] as $status) {
            if ($status['stored']) {
                $this->assertArrayHasKey($status['label_key'], $keys['panel/cron']);
            }
        }
        foreach (['success', 'stopped'] as $status) {
            $this->assertArrayNotHasKey('text_status_' . $status, $keys['panel/cron'], 'the engine never writes ' . $status);
        }
        foreach (['pending', 'submitted', 'approved', 'rejected', 'failed', 'invalid'] as $status) {
            $this->assertArrayHasKey('text_product_' . $status, $keys['panel/cron']);
        }
        foreach ([1, 2, 3, 4] as $priority) {
            $this->assertArrayHasKey('text_priority_' . $priority, $keys['panel/cron']);
        }
        $mapping = self::MAPPING_CLASS;
        foreach (array_keys($mapping::KINDS) as $kind) {
            $this->assertArrayHasKey('tab_' . $kind, $keys['panel/mapping']);
        }
        $questions = \Opencart\Admin\Controller\Extension\Meschain\Panel\Questions::class;
        foreach ($questions::FILTERS as $filter) {
            $this->assertArrayHasKey('text_filter_' . $filter, $keys['panel/questions']);
        }
        foreach (['waiting_for_answer', 'waiting_for_approve', 'answered', 'reported', 'rejected', 'unanswered'] as $status) {
            $this->assertArrayHasKey('text_status_' . $status, $keys['panel/questions']);
        }
        foreach (['queued', 'sent', 'refused'] as $state) {
            $this->assertArrayHasKey('text_state_' . $state, $keys['panel/questions']);
        }
        foreach (\Opencart\Admin\Controller\Extension\Meschain\Panel\Pricing::ROUNDINGS as $rounding) {
            $this->assertArrayHasKey('text_rounding_' . $rounding, $keys['panel/pricing']);
        }
        foreach (['general', 'intervals', 'alerts', 'performance', 'debug', 'api', 'webhook', 'catalog', 'orders', 'other', 'uninstall'] as $group) {
            $this->assertArrayHasKey('tab_' . $group, $keys['module/meschain']);
        }
        foreach (['environment' => ['production', 'stage', 'sandbox'], 'webhook_auth' => ['api_key', 'basic'], 'barcode_source' => ['ean', 'upc', 'sku', 'model', 'jan', 'isbn', 'mpn']] as $name => $choices) {
            foreach ($choices as $choice) {
                $this->assertArrayHasKey("text_{$name}_{$choice}", $keys['module/meschain']);
            }
        }
        // Every setting the engine knows has a label and a help text in both languages.
        foreach (self::engineSettingNames() as $name) {
            $this->assertArrayHasKey('entry_' . $name, $keys['module/meschain'], "label for setting $name");
        }
        foreach (['text_menu', 'text_menu_cron', 'text_menu_settings', 'text_menu_mapping', 'text_menu_pricing'] as $key) {
            $this->assertArrayHasKey($key, $keys['module/meschain']);
        }
    }

    public function testEveryTemplateCompilesWithRealTwig(): void
    {
        require_once '/usr/share/php/Twig/autoload.php';
        $dirs = [dirname(__DIR__, 2) . '/opencart-module/admin/view/template', __DIR__ . '/opencart/admin/view/template'];
        $compiled = 0;
        foreach ($dirs as $dir) {
            $twig = new \Twig\Environment(new \Twig\Loader\FilesystemLoader($dir), ['autoescape' => false, 'strict_variables' => false]);
            $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS));
            foreach ($files as $file) {
                if ($file->getExtension() !== 'twig') {
                    continue;
                }
                $name = substr($file->getPathname(), strlen($dir) + 1);
                $source = $twig->getLoader()->getSourceContext($name);
                $twig->compileSource($source);
                $compiled++;
                if (str_starts_with($dir, dirname(__DIR__, 2) . '/opencart-module')) {
                    $text = $source->getCode();
                    $this->assertStringContainsString("{% autoescape 'html' %}", $text, "$name escapes its output");
                    preg_match_all('/\{\{[^}]*\|raw\s*\}\}/', $text, $raws);
                    foreach ($raws[0] as $raw) {
                        $this->assertMatchesRegularExpression('/\{\{\s*(header|column_left|footer|pagination)\|raw\s*\}\}/', $raw, "$name prints only trusted HTML raw");
                    }
                }
            }
        }
        $this->assertGreaterThanOrEqual(11, $compiled);
    }

    public function testTheZipHasInstallJsonAtTheRootAndEveryModuleFile(): void
    {
        $zip = self::shop()->zip;
        exec('unzip -Z1 ' . escapeshellarg($zip), $entries, $code);
        $this->assertSame(0, $code);
        $this->assertSame($entries, (function (array $e): array { $s = $e; sort($s, SORT_STRING); return $s; })($entries), 'entries are sorted');

        $this->assertContains('install.json', $entries);
        $install = json_decode((string)shell_exec('unzip -p ' . escapeshellarg($zip) . ' install.json'), true);
        foreach (['name', 'version', 'author', 'link'] as $field) {
            $this->assertIsString($install[$field] ?? null, $field);
            $this->assertNotSame('', trim($install[$field]), $field);
        }

        $module = dirname(__DIR__, 2) . '/opencart-module';
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($module, \FilesystemIterator::SKIP_DOTS));
        $expected = [];
        foreach ($files as $file) {
            $name = substr($file->getPathname(), strlen($module) + 1);
            if ($name !== 'README.md') {
                $expected[] = $name;
            }
        }
        foreach (glob(dirname(__DIR__) . '/cron/*.php') ?: [] as $script) {
            $expected[] = 'system/library/meschain/cron/' . basename($script);
        }
        foreach (['meschain-worker.service', 'meschain.php', 'meschain-doctor.php', 'meschain-status.php', 'setup_cron_jobs.sh', 'trendyol-cron-monitor'] as $tool) {
            $expected[] = 'system/library/meschain/bin/' . $tool;
        }
        sort($expected, SORT_STRING);
        $this->assertSame($expected, $entries);
        foreach ($entries as $entry) {
            $this->assertStringStartsNotWith('meschain/', $entry, 'files sit at the zip root');
        }

        // Reproducible: a second build gives the same bytes.
        $again = TestShop::tempDir('dist2');
        exec(escapeshellarg(dirname(__DIR__, 2) . '/scripts/build-ocmod.sh') . ' ' . escapeshellarg($again) . ' 2>/dev/null', $out, $code);
        $this->assertSame(0, $code);
        $this->assertSame(hash_file('sha256', $zip), hash_file('sha256', $again . '/meschain.ocmod.zip'));
    }

    public function testEveryPhpFileParses(): void
    {
        $root = dirname(__DIR__, 2);
        $checked = 0;
        foreach (['opencart-module', 'php'] as $dir) {
            $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root . '/' . $dir, \FilesystemIterator::SKIP_DOTS));
            foreach ($files as $file) {
                if ($file->getExtension() !== 'php' || str_contains($file->getPathname(), '/vendor/')) {
                    continue;
                }
                exec(escapeshellarg(PHP_BINARY) . ' -n -l ' . escapeshellarg($file->getPathname()) . ' 2>&1', $out, $code);
                $this->assertSame(0, $code, implode("\n", $out));
                $checked++;
            }
        }
        $this->assertGreaterThan(30, $checked);
    }

    public function testTheDocsNameTheCronRowsTheMigrationsAndTheExceptionsAsTheyAre(): void
    {
        self::shop();
        $root = dirname(__DIR__, 2);
        $readme = (string)file_get_contents($root . '/README.md');

        // One name per OpenCart cron row, the installer's, in every comment and document.
        $settings = \Opencart\Admin\Controller\Extension\Meschain\Module\Meschain::class;
        $codes = [$settings::CRON_CODE, $settings::MAINTENANCE_CRON_CODE];
        $texts = ['README.md' => $readme];
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root . '/opencart-module', \FilesystemIterator::SKIP_DOTS));
        foreach ($files as $file) {
            $texts[substr($file->getPathname(), strlen($root) + 1)] = (string)file_get_contents($file->getPathname());
        }
        foreach ($texts as $name => $text) {
            preg_match_all('/\bmeschain_[a-z_]*(?:sync|maintenance)\b/', $text, $m);
            foreach ($m[0] as $code) {
                $this->assertContains($code, $codes, "$name names the cron row $code");
            }
        }
        $this->assertStringContainsString('`' . $settings::CRON_CODE . '`', $texts['opencart-module/catalog/controller/cron/meschain.php']);

        // The migrate() example says what migrate() answers, on a new shop and after.
        $engine = \MesChain\Engine::fromArray(TestShop::config([], TestShop::freshDatabase('readme')));
        $first = $engine->migrate();
        $again = $engine->migrate();
        $latest = $first['schema_version'];
        $this->assertSame(range(1, $latest), $first['applied']);
        $this->assertStringContainsString("['applied' => [1, 2, …, $latest], 'schema_version' => $latest]", $readme);
        $this->assertSame(['applied' => [], 'schema_version' => $latest], $again);
        $this->assertStringContainsString("['applied' => [], 'schema_version' => $latest]", $readme);
        preg_match_all("/'schema_version' => (\d+)/", $readme, $versions);
        $this->assertSame([(string)$latest], array_values(array_unique($versions[1])), 'no other schema version in the README');

        // Every exception class the extension declares, with every code its stub lists.
        $this->assertSame(1, preg_match('/^Errors are exceptions.*?(?=\n\n)/ms', $readme, $paragraph));
        $stubs = (string)file_get_contents($root . '/php/meschain.stubs.php');
        $exceptions = array_filter((new \ReflectionExtension('meschain'))->getClassNames(), static fn (string $class): bool => is_a($class, \MesChain\Exception::class, true));
        $this->assertGreaterThanOrEqual(6, count($exceptions));
        foreach ($exceptions as $class) {
            $this->assertStringContainsString('`' . $class . '`', $paragraph[0], "the README names $class");
            $short = substr($class, strlen('MesChain\\'));
            $this->assertSame(1, preg_match('~/\*\*((?:(?!\*/).)*)\*/\s*class ' . preg_quote($short, '~') . ' ~s', $stubs, $doc), "$class has a stub");
            preg_match_all('/\b[1-9]\d\d\b/', $doc[1], $numbers);
            foreach ($numbers[0] as $number) {
                $this->assertStringContainsString($number, $paragraph[0], "the README gives $class's code $number");
            }
        }
    }

    public function testUninstallRemovesItsTracesButKeepsTheDataUnlessAskedToDropIt(): void
    {
        $tables = self::meschainTables();
        $this->assertNotSame([], $tables);

        // The owner's credentials and choices, saved through the page.
        $secret = 'keep-' . bin2hex(random_bytes(8));
        $key = 'key-' . bin2hex(random_bytes(8));
        self::shop()->login(1);
        $saved = self::shop()->request(self::SETTINGS . '.save', [], [
            'module_meschain_seller_id' => '424242',
            'module_meschain_api_key' => $key,
            'module_meschain_api_secret' => $secret,
            'module_meschain_batch_size' => '66',
            'module_meschain_drop_tables_on_uninstall' => '0',
        ])->json();
        $this->assertSame(['success' => 'Success: the MesChain settings were saved.'], $saved);
        $settings = self::settingRows();
        $this->assertSame([$secret, $key, '424242', '66'], [$settings['module_meschain_api_secret'], $settings['module_meschain_api_key'], $settings['module_meschain_seller_id'], $settings['module_meschain_batch_size']]);

        $uninstalled = self::uninstall();
        $this->assertArrayHasKey('success', $uninstalled->json());
        $this->assertStringNotContainsString($secret, $uninstalled->output);
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_menu'"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` = 'meschain_order_status'"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_event` WHERE `code` LIKE 'meschain\\_stock\\_%'"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_cron` WHERE `code` IN ('meschain_trendyol_sync', 'meschain_maintenance')"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_extension` WHERE `code` = 'meschain'"));
        foreach ([1, 10] as $group) {
            foreach ([self::grants($group), self::grants($group, self::LEGACY_ROUTES)] as $grants) {
                foreach ($grants as $type => $routes) {
                    foreach ($routes as $route => $n) {
                        $this->assertSame(0, $n, "group $group $type $route revoked");
                    }
                }
            }
        }
        $this->assertSame([], glob(DIR_SYSTEM . 'library/meschain/cron/*.php') ?: []);
        $this->assertSame($tables, self::meschainTables(), 'tables are kept by default');
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_trendyol_products` WHERE `product_id` = 900001"), 'and so is their data');
        $this->assertSame([], self::settingRows(), 'OpenCart took the module\'s settings away');

        // Reinstall: the settings that went with the kept data are back, secrets included, and
        // the page still shows a secret only as "set".
        $this->assertArrayHasKey('success', self::install()->json());
        $settings = self::settingRows();
        $this->assertSame([$secret, $key, '424242', '66'], [$settings['module_meschain_api_secret'] ?? null, $settings['module_meschain_api_key'] ?? null, $settings['module_meschain_seller_id'] ?? null, $settings['module_meschain_batch_size'] ?? null]);
        $this->assertSame('0', $settings['module_meschain_drop_tables_on_uninstall']);
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_setting` WHERE `code` <> 'module_meschain' AND `value` LIKE '%" . $secret . "%'"), 'no copy of a secret is left behind');
        self::shop()->login(1);
        $page = self::shop()->request(self::SETTINGS)->output;
        $this->assertStringNotContainsString($secret, $page);
        $this->assertStringContainsString('<span class="badge bg-success">set</span>', $page);

        // Choose "drop tables", uninstall: now the tables go (OpenCart's stay), and the settings
        // with them: a reinstall starts from the defaults.
        self::shop()->db()->query("UPDATE `oc_setting` SET `value` = '1' WHERE `key` = 'module_meschain_drop_tables_on_uninstall'");
        $this->assertArrayHasKey('success', self::uninstall()->json());
        $this->assertSame([], self::meschainTables());
        $this->assertSame(1, self::countRows("SELECT COUNT(*) AS n FROM `oc_product` WHERE `product_id` = 900001"));
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_setting` WHERE `value` LIKE '%" . $secret . "%'"), 'no copy of a secret is left behind');

        $this->assertArrayHasKey('success', self::install()->json());
        $settings = self::settingRows();
        $this->assertArrayNotHasKey('module_meschain_api_secret', $settings);
        $this->assertSame('', $settings['module_meschain_seller_id'] ?? '');
        $this->assertNotSame('66', $settings['module_meschain_batch_size']);
        $this->assertSame(0, self::countRows("SELECT COUNT(*) AS n FROM `oc_setting` WHERE `value` LIKE '%" . $secret . "%'"));
        $this->assertArrayHasKey('success', self::uninstall()->json());
    }

    /** @return array<string, string> the module's oc_setting rows, by key */
    private static function settingRows(): array
    {
        $rows = [];
        foreach (self::shop()->db()->query("SELECT `key`, `value` FROM `oc_setting` WHERE `code` = 'module_meschain'")->rows as $row) {
            $rows[(string)$row['key']] = (string)$row['value'];
        }
        return $rows;
    }

    /**
     * The rows of a mapping list that have a delete button, each as the fields its form posts
     * (what jQuery's serialize() sends: named inputs, and each select's chosen option).
     *
     * @return list<array<string, string>>
     */
    private static function deletableRows(string $html): array
    {
        $dom = new \DOMDocument();
        $dom->loadHTML('<?xml encoding="UTF-8">' . $html, LIBXML_NOERROR | LIBXML_NOWARNING);
        $xpath = new \DOMXPath($dom);
        $rows = [];
        foreach ($xpath->query('//form[.//button[@data-meschain-delete]]') as $form) {
            $fields = [];
            foreach ($xpath->query('.//input[@name]', $form) as $input) {
                $fields[$input->getAttribute('name')] = $input->getAttribute('value');
            }
            foreach ($xpath->query('.//select[@name]', $form) as $select) {
                $chosen = $xpath->query('.//option[@selected]', $select)->item(0) ?? $xpath->query('.//option', $select)->item(0);
                $fields[$select->getAttribute('name')] = $chosen ? $chosen->getAttribute('value') : '';
            }
            $rows[] = $fields;
        }
        return $rows;
    }

    /** @return array<string, string> */
    private static function strings(string $file): array
    {
        $_ = [];
        require $file;
        return $_;
    }

    /** @return list<string> */
    private static function engineSettingNames(): array
    {
        return array_map(static fn (array $field): string => (string)$field['name'], self::engine()->settingsForm());
    }

    /** The engine on the shop's database, as the cron scripts open it. */
    private static function engine(): \MesChain\Engine
    {
        return \MesChain\Engine::fromArray(TestShop::config([], self::shop()->database));
    }

    /**
     * A real run of the webhook processor that fails: without a seller id it cannot start
     * (it still writes its Logs row, and raises an alert).
     *
     * @return array<string, mixed> the engine's report
     */
    private static function failedRun(): array
    {
        $engine = self::engine();
        $engine->saveSettings(['seller_id' => '']);
        return $engine->run('webhook_processor', ['force' => true, 'trigger' => 'manual']);
    }

    /**
     * A real run of the webhook processor that finishes: credentials for a sandbox that is not
     * there are enough, as an empty inbox needs no call to Trendyol. The seller id is taken
     * away again afterwards.
     *
     * @return array<string, mixed> the engine's report
     */
    private static function finishedRun(): array
    {
        $engine = self::engine();
        $engine->saveSettings(['seller_id' => '1001', 'api_key' => 'run-key', 'api_secret' => 'run-secret', 'environment' => 'sandbox', 'sandbox_url' => 'http://127.0.0.1:9']);
        try {
            return $engine->run('webhook_processor', ['force' => true, 'trigger' => 'manual']);
        } finally {
            $engine->saveSettings(['seller_id' => '']);
        }
    }
}
