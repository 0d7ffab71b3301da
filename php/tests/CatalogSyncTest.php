<?php
/**
 * Product and stock sync end to end through PHP: the cron scripts (real PHP processes with the
 * built extension) against the real sandbox process and a real OpenCart database of 2,000
 * generated products. The mappings the push needs (categories, brands, the colour attribute,
 * VAT) are written into the mapping tables the way the admin saves them.
 *
 * The push costs ⌈N/1000⌉ calls and sends no invalid product; the review ends in approvals and
 * rejections with reasons; a price change on 10 products is one price/stock write with exactly
 * those 10 items; nothing changed means no write at all; a run stopped by its time limit exits
 * 4 and the next run resumes without resending.
 */
declare(strict_types=1);

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

final class CatalogSyncTest extends TestCase
{
    private const PRODUCTS = 2000;
    private const CREATE_PATH = '/integration/product/sellers/1001/v2/products';
    /** Trendyol leaf categories of the sandbox that take the free-text colour "Renk" (47). */
    private const LEAVES = [411, 412, 521, 522];

    private static SandboxProcess $sandbox;
    private static string $shop;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        // Review takes a minute of sandbox time; one in ten products is rejected.
        self::$sandbox = new SandboxProcess(['--rate-limits', 'off', '--approval-delay-ms', '60000',
            '--reject-share', '0.1', '--batch-delay-ms', '0']);
        [self::$database, self::$shop] = self::catalogShop('catalog', self::$sandbox);
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    /**
     * A shop of 2,000 generated products, its settings pointed at `$sandbox`, and every leaf
     * category, manufacturer, the colour attribute and the tax class mapped.
     *
     * @return array{string, string} database, shop folder
     */
    private static function catalogShop(string $label, SandboxProcess $sandbox): array
    {
        $database = TestShop::openCartDatabase($label, self::PRODUCTS);
        $shop = TestShop::tempDir($label . '-shop');
        TestShop::writeConfigPhp($shop, $database);
        $engine = MesChain\Engine::fromOpenCart($shop . '/config.php');
        $engine->migrate();
        $engine->close();
        $db = TestShop::mysqli($database);
        // A dollar shop selling in lira: prices leave converted with OpenCart's TRY rate.
        $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 34.5, 1, NOW())");
        $settings = [
            'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
            'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
            'log_dir' => TestShop::tempDir($label . '-logs'), 'image_base_url' => 'https://shop.example/image/',
            'batch_size' => '1000', 'api_endpoint_limit' => '10000', 'calls_per_minute' => '100000',
            'calls_per_hour' => '6000000',
        ];
        foreach ($settings as $key => $value) {
            $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
            $full = 'module_meschain_' . $key;
            $stmt->bind_param('ss', $full, $value);
            $stmt->execute();
        }
        // What the shop owner maps in the admin: leaf categories, brands, colour, VAT.
        $leaves = array_column($db->query('SELECT c.category_id FROM oc_category c WHERE NOT EXISTS '
            . '(SELECT 1 FROM oc_category k WHERE k.parent_id = c.category_id) ORDER BY c.category_id')->fetch_all(), 0);
        self::assertNotEmpty($leaves);
        foreach ($leaves as $i => $category) {
            $db->query(sprintf('INSERT INTO oc_trendyol_category_map (category_id, trendyol_category_id, updated_at) '
                . 'VALUES (%d, %d, UTC_TIMESTAMP())', $category, self::LEAVES[$i % count(self::LEAVES)]));
        }
        $db->query('INSERT INTO oc_trendyol_brand_map (manufacturer_id, trendyol_brand_id, updated_at) '
            . 'SELECT manufacturer_id, 1791, UTC_TIMESTAMP() FROM oc_manufacturer');
        $colour = (int) $db->query("SELECT attribute_id FROM oc_attribute_description WHERE name = 'Renk' LIMIT 1")->fetch_row()[0];
        self::assertGreaterThan(0, $colour, 'the generator names its colour attribute "Renk"');
        foreach (self::LEAVES as $leaf) {
            $db->query("INSERT INTO oc_trendyol_attribute_map (trendyol_category_id, trendyol_attribute_id, source, source_id, updated_at) "
                . "VALUES ($leaf, 47, 'attribute', $colour, UTC_TIMESTAMP())");
        }
        $db->query('INSERT INTO oc_trendyol_vat_map (tax_class_id, vat_rate, updated_at) '
            . 'SELECT tax_class_id, 20, UTC_TIMESTAMP() FROM oc_tax_class');
        return [$database, $shop];
    }

    /** @return array{int, string} exit code, output */
    private static function cron(string $script, string $shop, array $args = []): array
    {
        $root = dirname(__DIR__, 2);
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $root . '/target/release/libmeschain.so',
            $root . '/php/cron/' . $script, '--opencart=' . $shop], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($proc), $out];
    }

    private static function scalar(string $sql): int
    {
        return (int) TestShop::mysqli(self::$database)->query($sql)->fetch_row()[0];
    }

    /** The sandbox's logged requests after sequence `$since`, optionally narrowed. */
    private static function requests(SandboxProcess $sandbox, int $since, string $query = ''): array
    {
        return $sandbox->control('GET', "/__sandbox/requests?limit=100000&since=$since" . $query)['requests'] ?? [];
    }

    /** Write calls (anything but GET) after `$since`. */
    private static function writes(SandboxProcess $sandbox, int $since): array
    {
        return array_values(array_filter(self::requests($sandbox, $since), fn (array $r) => $r['method'] !== 'GET'));
    }

    private static function lastSeq(SandboxProcess $sandbox): int
    {
        return (int) max(array_merge([0], array_column(self::requests($sandbox, 0), 'seq')));
    }

    /** @return list<string> the barcodes of a write's items */
    private static function barcodes(array $request): array
    {
        return array_map(fn (array $item) => (string) $item['barcode'], $request['bodyJson']['items'] ?? []);
    }

    public function testTheCatalogIsPushedReviewedAndKeptInStep(): void
    {
        // 1. The push: ⌈2000/1000⌉ creates, no invalid product among them.
        [$code, $out] = self::cron('product_sync.php', self::$shop, ['--force', '--verbose']);
        $this->assertSame(0, $code, $out);
        $writes = self::writes(self::$sandbox, 0);
        $this->assertSame([self::CREATE_PATH, self::CREATE_PATH], array_column($writes, 'path'), $out);
        $sent = array_merge(...array_map(self::barcodes(...), $writes));
        $this->assertSame(count($sent), count(array_unique($sent)), 'no barcode sent twice');

        $db = TestShop::mysqli(self::$database);
        $invalid = $db->query("SELECT barcode, reasons FROM oc_trendyol_products WHERE sync_status = 'invalid'")->fetch_all();
        $this->assertNotEmpty($invalid, 'the generator leaves some products without a manufacturer');
        foreach ($invalid as [$barcode, $reasons]) {
            $this->assertStringContainsString('brand:', $reasons);
            $this->assertNotContains($barcode, $sent, "invalid $barcode was sent");
        }
        $this->assertSame(self::PRODUCTS, count($sent) + count($invalid));
        $this->assertSame(count($sent), self::scalar("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'submitted'"));

        // 2. Review ends a minute later: approvals and rejections, with reasons.
        self::$sandbox->control('POST', '/__sandbox/clock/advance', ['minutes' => 2]);
        $seq = self::lastSeq(self::$sandbox);
        [$code, $out] = self::cron('product_sync.php', self::$shop, ['--force']);
        $this->assertSame(0, $code, $out);
        $this->assertSame([], self::writes(self::$sandbox, $seq), 'reading review results writes nothing');
        $approved = self::scalar("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'approved'");
        $rejected = self::scalar("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'rejected'");
        $this->assertSame(count($sent), $approved + $rejected);
        $this->assertGreaterThan(0, $rejected);
        $this->assertGreaterThan($rejected, $approved);
        foreach (array_column($db->query("SELECT reasons FROM oc_trendyol_products WHERE sync_status = 'rejected'")->fetch_all(), 0) as $reasons) {
            $this->assertMatchesRegularExpression('/\w+:/u', (string) $reasons, 'a rejection says why');
        }

        // 3. Nothing changed: neither job writes anything.
        $seq = self::lastSeq(self::$sandbox);
        foreach (['product_sync.php', 'stock_sync.php', 'product_sync.php', 'stock_sync.php'] as $script) {
            [$code, $out] = self::cron($script, self::$shop, ['--force']);
            $this->assertSame(0, $code, "$script: $out");
        }
        $this->assertSame([], self::writes(self::$sandbox, $seq), 'no change, no write');

        // 4. The shop owner changes the price of 10 approved products: one write, those 10.
        $changed = $db->query("SELECT product_id, barcode FROM oc_trendyol_products WHERE sync_status = 'approved' "
            . 'ORDER BY product_id LIMIT 10')->fetch_all();
        $ids = implode(',', array_map('intval', array_column($changed, 0)));
        $db->query("UPDATE oc_product SET price = price + 10, date_modified = NOW() WHERE product_id IN ($ids)");
        $seq = self::lastSeq(self::$sandbox);
        foreach (['product_sync.php', 'stock_sync.php'] as $script) {
            [$code, $out] = self::cron($script, self::$shop, ['--force']);
            $this->assertSame(0, $code, "$script: $out");
        }
        $inventory = self::requests(self::$sandbox, $seq, '&path_prefix=/integration/inventory&method=POST');
        $this->assertCount(1, $inventory, 'one price/stock write');
        $items = self::barcodes($inventory[0]);
        sort($items);
        $expected = array_map('strval', array_column($changed, 1));
        sort($expected);
        $this->assertSame($expected, $items, 'exactly the 10 changed products');
        $this->assertCount(1, self::writes(self::$sandbox, $seq), 'and no other write');
        foreach ($inventory[0]['bodyJson']['items'] as $item) {
            $this->assertArrayHasKey('listPrice', $item);
        }

        // 5. Trendyol confirmed it; running again sends nothing.
        $seq = self::lastSeq(self::$sandbox);
        foreach (['stock_sync.php', 'product_sync.php', 'stock_sync.php'] as $script) {
            [$code, $out] = self::cron($script, self::$shop, ['--force']);
            $this->assertSame(0, $code, "$script: $out");
        }
        $this->assertSame([], self::writes(self::$sandbox, $seq), 'the change went out once');
        $this->assertSame(0, self::scalar("SELECT COUNT(*) FROM oc_trendyol_products WHERE stock_batch_request_id <> ''"));
    }

    public function testARunStoppedByItsTimeLimitExitsPartialAndTheNextResumesWithoutResending(): void
    {
        // Every create takes 1.5 s: a 3-second run has time for one, then stops cleanly.
        $slow = new SandboxProcess(['--rate-limits', 'off', '--approval-delay-ms', '600000', '--reject-share', '0',
            '--batch-delay-ms', '0', '--fault-latency-ms', '1500', '--fault-path-prefix', self::CREATE_PATH]);
        try {
            [$database, $shop] = self::catalogShop('catalog_partial', $slow);
            [$code, $out] = self::cron('product_sync.php', $shop, ['--force', '--max-seconds=3']);
            $this->assertSame(4, $code, $out);
            $this->assertStringContainsString('partial', $out);
            $first = self::writes($slow, 0);
            $this->assertCount(1, $first, 'one create, then a clean stop');

            $slow->control('DELETE', '/__sandbox/faults');
            [$code, $out] = self::cron('product_sync.php', $shop, ['--force']);
            $this->assertSame(0, $code, $out);
            $writes = self::writes($slow, 0);
            $this->assertCount(2, $writes);
            $sent = array_merge(...array_map(self::barcodes(...), $writes));
            $this->assertSame(count($sent), count(array_unique($sent)), 'nothing sent twice');
            $db = TestShop::mysqli($database);
            $submitted = (int) $db->query("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'submitted'")->fetch_row()[0];
            $invalid = (int) $db->query("SELECT COUNT(*) FROM oc_trendyol_products WHERE sync_status = 'invalid'")->fetch_row()[0];
            $this->assertSame(count($sent), $submitted);
            $this->assertSame(self::PRODUCTS, $submitted + $invalid, 'every product handled exactly once');
        } finally {
            $slow->stop();
        }
    }
}
