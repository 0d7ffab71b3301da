<?php
/**
 * The admin API through real PHP and the built extension, on a real OpenCart database: the
 * shape of every method's answer (the keys Extensions > MesChain reads) and, for bad input, a
 * MesChain\ConfigException (code 100) whose message names the field.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChain\ConfigException;
use MesChain\Engine;
use PHPUnit\Framework\TestCase;

final class AdminApiTest extends TestCase
{
    private static ?Engine $engine = null;
    private static string $database = '';

    /** The mapping tables of the product sync's migration, until it is merged. */
    private const MAPPING_DDL = [
        'CREATE TABLE IF NOT EXISTS oc_trendyol_category_map (category_id int NOT NULL PRIMARY KEY, trendyol_category_id bigint NOT NULL, trendyol_category_name varchar(255) NOT NULL DEFAULT \'\', updated_at datetime NOT NULL) DEFAULT CHARSET=utf8mb4',
        'CREATE TABLE IF NOT EXISTS oc_trendyol_brand_map (manufacturer_id int NOT NULL PRIMARY KEY, trendyol_brand_id bigint NOT NULL, trendyol_brand_name varchar(255) NOT NULL DEFAULT \'\', updated_at datetime NOT NULL) DEFAULT CHARSET=utf8mb4',
        'CREATE TABLE IF NOT EXISTS oc_trendyol_attribute_map (attribute_map_id int NOT NULL AUTO_INCREMENT PRIMARY KEY, trendyol_category_id bigint NOT NULL, trendyol_attribute_id bigint NOT NULL, trendyol_attribute_name varchar(255) NOT NULL DEFAULT \'\', source varchar(16) NOT NULL, source_id int NOT NULL DEFAULT 0, trendyol_value_id bigint NULL, custom_value varchar(255) NOT NULL DEFAULT \'\', updated_at datetime NOT NULL, UNIQUE KEY (trendyol_category_id, trendyol_attribute_id)) DEFAULT CHARSET=utf8mb4',
        'CREATE TABLE IF NOT EXISTS oc_trendyol_attribute_value_map (value_map_id int NOT NULL AUTO_INCREMENT PRIMARY KEY, attribute_map_id int NOT NULL, source_value varchar(255) NOT NULL, trendyol_value_id bigint NOT NULL, trendyol_value_name varchar(255) NOT NULL DEFAULT \'\', UNIQUE KEY (attribute_map_id, source_value)) DEFAULT CHARSET=utf8mb4',
        'CREATE TABLE IF NOT EXISTS oc_trendyol_vat_map (tax_class_id int NOT NULL PRIMARY KEY, vat_rate tinyint NOT NULL, updated_at datetime NOT NULL) DEFAULT CHARSET=utf8mb4',
    ];

    private static function engine(): Engine
    {
        if (self::$engine === null) {
            self::$database = TestShop::openCartDatabase('admin', 10);
            $db = TestShop::mysqli(self::$database);
            foreach (self::MAPPING_DDL as $ddl) {
                $db->query($ddl);
            }
            self::$engine = Engine::fromArray(TestShop::config([], self::$database));
            self::$engine->migrate();
        }
        return self::$engine;
    }

    /** Runs $call and checks it throws a ConfigException (code 100) naming $field. */
    private function assertRefused(string $field, callable $call): void
    {
        try {
            $call();
            $this->fail("expected a ConfigException naming $field");
        } catch (ConfigException $e) {
            $this->assertSame(100, $e->getCode());
            $this->assertStringContainsString($field, $e->getMessage());
        }
    }

    public function testDashboardAndWeeklyPerformanceHaveTheirKeys(): void
    {
        $d = self::engine()->dashboard();
        foreach (['jobs', 'today', 'queue', 'alerts_open', 'last_order_at', 'webhook', 'status_enabled'] as $key) {
            $this->assertArrayHasKey($key, $d);
        }
        foreach (['product_sync', 'order_sync', 'stock_sync', 'webhook_processor', 'trendyol_sync'] as $job) {
            foreach (['enabled', 'interval_minutes', 'last_run', 'next_due_at', 'running'] as $key) {
                $this->assertArrayHasKey($key, $d['jobs'][$job]);
            }
            foreach (['runs', 'ok', 'failed', 'items_ok', 'items_failed', 'api_calls', 'avg_duration_ms'] as $key) {
                $this->assertSame(0, $d['today'][$job][$key]);
            }
        }
        $this->assertSame([1, 2, 3, 4], array_keys($d['queue']['priorities']));
        $this->assertSame(['pending', 'processing', 'failed', 'dead', 'oldest_pending_age_s'], array_keys($d['queue']['priorities'][1]));
        $this->assertSame(['deliveries_24h', 'rejected_24h', 'last_received_at'], array_keys($d['webhook']));
        $this->assertFalse($d['status_enabled']);

        $week = self::engine()->weeklyPerformance();
        $this->assertCount(7, $week);
        $this->assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2}$/', $week[0]['date']);
        $this->assertSame(['runs', 'items_ok', 'items_failed', 'avg_duration_ms', 'api_calls', 'failed'], array_keys($week[6]['jobs']['order_sync']));
    }

    public function testLogsAlertsAndCleanup(): void
    {
        $e = self::engine();
        TestShop::mysqli(self::$database)->query("INSERT INTO oc_trendyol_sync_logs (sync_type, status, started_at, details, created_at) VALUES ('order_sync', 'ok', NOW(3), '{\"a\":1}', NOW()), ('order_sync', 'ok', NOW(3) - INTERVAL 90 DAY, NULL, NOW() - INTERVAL 90 DAY)");
        $logs = $e->syncLogs(['sync_type' => 'order_sync', 'limit' => '10']);
        $this->assertSame(['total', 'page', 'limit', 'rows'], array_keys($logs));
        $this->assertSame(2, $logs['total']);
        $this->assertSame(['a' => 1], $logs['rows'][0]['details']);
        $this->assertSame(2, $e->syncLogs()['total']);
        $this->assertRefused('status', fn () => $e->syncLogs(['status' => 'exploded']));
        $this->assertRefused('colour', fn () => $e->syncLogs(['colour' => 'red']));
        $this->assertRefused('older_than_days', fn () => $e->cleanupLogs(0));
        $this->assertSame(['deleted' => 1], $e->cleanupLogs(30));

        TestShop::mysqli(self::$database)->query("INSERT INTO oc_trendyol_alerts (alert_type, title, message, first_seen_at, last_seen_at) VALUES ('sync_error', 't', 'm', NOW(), NOW())");
        $alerts = $e->alerts();
        $this->assertSame(1, $alerts['total']);
        $id = $alerts['rows'][0]['alert_id'];
        $this->assertRefused('ids', fn () => $e->acknowledgeAlerts(['x'], 1));
        $this->assertSame(1, $e->acknowledgeAlerts([$id], 1));
        $this->assertSame(0, $e->acknowledgeAlerts([$id], 1));
        $this->assertSame(1, $e->alerts(['state' => 'acknowledged'])['total']);
    }

    public function testManualSyncQueueAndDeadLetter(): void
    {
        $e = self::engine();
        // The buttons queue nothing while MesChain is switched off (as this shop is).
        $on = Engine::fromArray(TestShop::config(['settings' => ['status' => '1']], self::$database));
        $first = $on->enqueue('stock_sync');
        $this->assertTrue($first['created']);
        $second = $on->enqueue('stock_sync', []);
        $this->assertFalse($second['created']);
        $this->assertSame($first['queue_id'], $second['queue_id']);
        $job = $e->job($first['queue_id']);
        $this->assertSame('pending', $job['status']);
        foreach (['attempts', 'last_error', 'created_at', 'processed_at', 'worker', 'started_at'] as $key) {
            $this->assertArrayHasKey($key, $job);
        }
        $this->assertRefused('job', fn () => $on->enqueue('rm -rf'));
        $this->assertRefused('queue_id', fn () => $on->startJob(987654));
        $this->assertRefused('queue_id', fn () => $e->job(987654));

        TestShop::mysqli(self::$database)->query("UPDATE oc_trendyol_sync_queue SET status = 'dead' WHERE queue_id = " . (int) $first['queue_id']);
        $this->assertSame(1, $e->queueStats()['dead_total']);
        $dead = $e->deadJobs();
        $this->assertSame($first['queue_id'], $dead[0]['id']);
        $this->assertRefused('ids', fn () => $e->replayJobs([0]));
        $this->assertRefused('ids', fn () => $e->discardJobs(['1 OR 1=1']));
        $this->assertSame(1, $e->replayJobs([$first['queue_id']]));
        $this->assertSame(0, $e->discardJobs([$first['queue_id']]));
    }

    public function testProductsReturnsAndMappings(): void
    {
        $e = self::engine();
        $db = TestShop::mysqli(self::$database);
        $db->query("INSERT INTO oc_trendyol_products (product_id, barcode, sync_status, reasons, created_at, updated_at) VALUES (1, '8690000000011', 'rejected', '[{\"message\":\"Marka yok\"}]', NOW(), NOW())");
        $p = $e->productStatuses(['sync_status' => 'rejected']);
        $this->assertSame(1, $p['total']);
        $this->assertSame(['Marka yok'], $p['rows'][0]['reasons']);
        foreach (['product_id', 'name', 'barcode', 'sync_status', 'trendyol_status', 'reasons', 'updated_at'] as $key) {
            $this->assertArrayHasKey($key, $p['rows'][0]);
        }
        $this->assertArrayHasKey('counts', $p);
        $this->assertRefused('sync_status', fn () => $e->productStatuses(['sync_status' => 'lost']));

        $db->query("INSERT INTO oc_trendyol_claims (claim_id, seller_id, claim_status, items, created_at, updated_at) VALUES ('c9', 1, 'Created', '[]', NOW(), NOW())");
        $r = $e->returns();
        $this->assertSame(1, $r['total']);
        foreach (['claim_id', 'order_number', 'order_id', 'claim_status', 'items', 'claim_date', 'decision', 'decided_at'] as $key) {
            $this->assertArrayHasKey($key, $r['rows'][0]);
        }

        $category = (int) $db->query('SELECT MIN(category_id) FROM oc_category')->fetch_row()[0];
        $saved = $e->saveMapping('category', ['category_id' => $category, 'trendyol_category_id' => '411', 'trendyol_category_name' => 'Tişört']);
        $this->assertSame(411, $saved['trendyol_category_id']);
        $list = $e->mappings('category', ['unmapped_only' => '0']);
        $this->assertGreaterThan(0, $list['total']);
        $this->assertRefused('trendyol_category_id', fn () => $e->saveMapping('category', ['category_id' => $category, 'trendyol_category_id' => 'abc']));
        $this->assertRefused('vat_rate', fn () => $e->saveMapping('vat', ['tax_class_id' => 9, 'vat_rate' => 18]));
        $this->assertRefused('kind', fn () => $e->mappings('colour'));
        $statuses = $e->mappings('order_status');
        $this->assertContains('Created', array_column($statuses['rows'], 'trendyol_status'));
        $this->assertSame(1, $e->deleteMapping('category', ['category_id' => $category]));
    }

    public function testPriceRulesValidateSavePreviewAndKeepTheOldSetOnARefusal(): void
    {
        $e = self::engine();
        $db = TestShop::mysqli(self::$database);
        $category = (int) $db->query('SELECT MIN(category_id) FROM oc_category')->fetch_row()[0];
        $manufacturer = (int) $db->query('SELECT MIN(manufacturer_id) FROM oc_manufacturer')->fetch_row()[0];
        $product = $db->query('SELECT product_id, manufacturer_id FROM oc_product ORDER BY product_id LIMIT 1')->fetch_assoc();

        // Nothing stored yet: a global rule that changes nothing.
        $empty = $e->priceRules();
        $this->assertSame(['markup_percent' => '0.00', 'markup_amount' => '0.00', 'rounding' => 'none', 'floor_price' => '0.00'], $empty['global']);
        $this->assertSame([], $empty['categories']);

        $rules = [
            'global' => ['markup_percent' => '10', 'markup_amount' => '', 'rounding' => 'ends_90', 'floor_price' => '25'],
            'categories' => [['category_id' => (string) $category, 'markup_percent' => '5,5', 'rounding' => 'whole']],
            'brands' => [['manufacturer_id' => $manufacturer, 'markup_amount' => '-1.50', 'rounding' => 'ends_99']],
        ];
        $this->assertTrue($e->validatePriceRules($rules));

        // Prices leave in lira only: without TRY the preview says what to add.
        if ($db->query("SELECT COUNT(*) FROM oc_currency WHERE code = 'TRY'")->fetch_row()[0] === '0') {
            try {
                $e->previewPrices(['global' => ['markup_percent' => '12.5']], [(int) $product['product_id']]);
                $this->fail('a preview without TRY is refused');
            } catch (\MesChain\ConfigException $refused) {
                $this->assertStringContainsString('System > Localisation > Currencies', $refused->getMessage());
            }
            $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 1, 1, NOW())");
        }

        // A preview prices the product under the rules given, saving nothing.
        $db->query('UPDATE oc_product SET price = 100, tax_class_id = 0 WHERE product_id = ' . (int) $product['product_id']);
        $db->query('DELETE FROM oc_product_special WHERE product_id = ' . (int) $product['product_id']);
        $preview = $e->previewPrices(['global' => ['markup_percent' => '12.5', 'rounding' => 'ends_90']], [(int) $product['product_id'], '999999']);
        $row = $preview['rows'][0];
        $this->assertTrue($row['found']);
        $this->assertSame('100.00', $row['price']);
        $this->assertNull($row['special']);
        // VAT at the default 20 % is not added: the shop's prices include it by default.
        $this->assertSame('100.00', $row['current_list_price']);
        $this->assertSame('112.90', $row['list_price']);
        $this->assertSame('112.90', $row['sale_price']);
        $this->assertSame(['scope' => 'global', 'id' => 0], $row['rule']);
        $this->assertFalse($preview['rows'][1]['found']);
        $this->assertSame('0.00', $e->priceRules()['global']['markup_percent'], 'a preview saves nothing');

        $saved = $e->savePriceRules($rules);
        $this->assertSame('ends_90', $saved['global']['rounding']);
        $this->assertSame('25.00', $saved['global']['floor_price']);
        $this->assertSame($category, $saved['categories'][0]['category_id']);
        $this->assertSame('5.50', $saved['categories'][0]['markup_percent']);
        $this->assertNotSame('', $saved['categories'][0]['name']);
        $this->assertSame('-1.50', $saved['brands'][0]['markup_amount']);
        $this->assertSame($saved, $e->priceRules());

        // Every problem named at once; nothing of the stored set lost.
        try {
            $e->savePriceRules([
                'global' => ['markup_percent' => '-101', 'rounding' => 'ends_95', 'floor_price' => '-5'],
                'categories' => [['category_id' => 99999999, 'markup_percent' => '1']],
            ]);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $x) {
            $this->assertSame(100, $x->getCode());
            $this->assertStringContainsString('global.rounding', $x->getMessage());
            $this->assertStringContainsString('global.markup_percent', $x->getMessage());
        }
        $this->assertRefused('categories.category_id: 99999999 is not in OpenCart', fn () => $e->savePriceRules(['categories' => [['category_id' => 99999999]]]));
        $this->assertRefused('global.floor_price', fn () => $e->validatePriceRules(['global' => ['floor_price' => '-1']]));
        $this->assertRefused('brands.0.manufacturer_id', fn () => $e->validatePriceRules(['brands' => [['rounding' => 'none']]]));
        $this->assertRefused('product_ids', fn () => $e->previewPrices([], ['abc']));
        $this->assertSame($saved, $e->priceRules());

        // An empty set clears every rule.
        $cleared = $e->savePriceRules([]);
        $this->assertSame($empty, $cleared);
    }

    public function testSettingsFormNeverEchoesASecretAndReportsEveryBadField(): void
    {
        $e = self::engine();
        $this->assertSame(['saved' => true], $e->saveSettings(['api_secret' => 'Very-Secret-7788', 'batch_size' => '60']));
        $form = $e->settingsForm();
        $secret = array_values(array_filter($form, fn ($f) => $f['name'] === 'api_secret'))[0];
        $this->assertSame(['name', 'key', 'group', 'default', 'allowed', 'secret', 'input', 'choices', 'value', 'is_set', 'min_length', 'weak'], array_keys($secret));
        $this->assertSame('', $secret['value']);
        $this->assertTrue($secret['is_set']);
        $this->assertStringNotContainsString('Very-Secret-7788', json_encode($form));
        $problems = $e->validateSettings(['batch_size' => '0', 'status' => 'maybe']);
        $this->assertSame(['batch_size', 'status'], array_keys($problems));
        $this->assertSame([], $e->validateSettings(['batch_size' => 70]));
        try {
            $e->saveSettings(['batch_size' => '0', 'status' => 'maybe', 'bogus' => 1]);
            $this->fail('expected a ConfigException');
        } catch (ConfigException $x) {
            $this->assertSame(100, $x->getCode());
            foreach (['batch_size:', 'status:', 'bogus:'] as $field) {
                $this->assertStringContainsString($field, $x->getMessage());
            }
        }
        $this->assertSame(60, $e->settings()['batch_size'], 'nothing written');
    }

    public function testRequirementsAndCronScript(): void
    {
        $e = self::engine();
        $r = $e->requirements();
        foreach (['extension_version', 'schema_version', 'latest_schema_version', 'tables', 'cron_last_seen', 'log_dir_writable', 'settings_error'] as $key) {
            $this->assertArrayHasKey($key, $r);
        }
        $this->assertSame(Engine::version(), $r['extension_version']);
        $this->assertTrue($r['tables']['oc_trendyol_sync_queue']);
        $script = $e->cronScript(['php_path' => '/usr/bin/php8.2', 'opencart_root' => '/var/www/shop', 'log_dir' => '/var/log/trendyol-cron']);
        $this->assertStringContainsString("*/10 * * * * /usr/bin/php8.2 /var/www/shop/system/library/meschain/cron/order_sync.php", $script);
        $this->assertStringStartsWith('# BEGIN MesChain Trendyol', $script);
        $this->assertRefused('opencart_root', fn () => $e->cronScript(['opencart_root' => '/var/www/shop; reboot']));
    }
}
