<?php
/**
 * Order sync end to end through PHP: the cron scripts and the worker (real PHP processes with
 * the built extension) against the real sandbox process and a real OpenCart database. Packages
 * from the sandbox's generator (splits, cancellations, Awaiting, unknown barcodes) become one
 * OpenCart order each; importing again, or from two processes at once, changes nothing; an
 * OpenCart status change reaches the sandbox as Picking then Invoiced; a worker killed with
 * SIGKILL loses no job.
 */
declare(strict_types=1);

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

final class OrderSyncTest extends TestCase
{
    private static SandboxProcess $sandbox;
    private static string $shop;
    private static string $database;
    /** @var list<int> */
    private static array $packageIds = [];

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = new SandboxProcess(['--rate-limits', 'off', '--awaiting-delay-ms', '600000']);
        self::$database = TestShop::openCartDatabase('orders', 200);
        self::$shop = TestShop::tempDir('orders-shop');
        TestShop::writeConfigPhp(self::$shop, self::$database);
        $db = TestShop::mysqli(self::$database);
        $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        $engine->migrate();
        $settings = [
            'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => self::$sandbox->url,
            'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
            'log_dir' => TestShop::tempDir('orders-logs'), 'webhook_api_key' => 'php-hook-key-1',
        ];
        foreach ($settings as $key => $value) {
            $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
            $full = 'module_meschain_' . $key;
            $stmt->bind_param('ss', $full, $value);
            $stmt->execute();
        }
        $barcodes = array_column($db->query('SELECT ean FROM oc_product')->fetch_all(MYSQLI_ASSOC), 'ean');
        self::$sandbox->control('POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);
        $generated = self::$sandbox->control('POST', '/__sandbox/orders/generate', [
            'count' => 450, 'splitShare' => 0.1, 'cancelShare' => 0.08, 'unsuppliedShare' => 0.03,
            'awaitingShare' => 0.1, 'unknownBarcodeShare' => 0.05,
        ]);
        self::$packageIds = $generated['packageIds'];
        $engine->close();
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    /** @return array{int, string} */
    private static function php(string $script, array $args = []): array
    {
        $root = dirname(__DIR__, 2);
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $root . '/target/release/libmeschain.so', $root . '/php/cron/' . $script], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($proc), $out];
    }

    private static function scalar(string $sql): int
    {
        return (int) TestShop::mysqli(self::$database)->query($sql)->fetch_row()[0];
    }

    /** @return array<int, int> product_id => quantity */
    private static function stock(): array
    {
        $rows = TestShop::mysqli(self::$database)->query('SELECT product_id, quantity FROM oc_product')->fetch_all();
        return array_column($rows, 1, 0);
    }

    public function testEveryPackageBecomesOneOrderAndAgainChangesNothing(): void
    {
        $this->assertGreaterThanOrEqual(500, count(self::$packageIds));
        [$code, $out] = self::php('order_sync.php', ['--opencart=' . self::$shop, '--force', '--verbose']);
        $this->assertSame(0, $code, $out);
        $this->assertSame(count(self::$packageIds), self::scalar('SELECT COUNT(*) FROM oc_order'));
        $this->assertSame(count(self::$packageIds), self::scalar('SELECT COUNT(*) FROM oc_trendyol_orders'));
        $this->assertGreaterThan(0, self::scalar('SELECT COUNT(*) FROM oc_order_product WHERE product_id = 0'), 'unknown barcodes imported');
        // Totals read as Trendyol's for every order: booked in the default currency (USD) with
        // TRY's rate as currency_value, which Sales > Orders multiplies back into lira.
        $db = TestShop::mysqli(self::$database);
        foreach (array_slice(self::$packageIds, 0, 60) as $id) {
            $package = self::$sandbox->control('GET', "/__sandbox/packages/$id")['package'];
            [$total, $code, $value] = $db->query("SELECT o.total, o.currency_code, o.currency_value FROM oc_order o JOIN oc_trendyol_orders t ON t.order_id = o.order_id WHERE t.package_id = $id")->fetch_row();
            $this->assertSame(['TRY', 38.5], [$code, (float) $value], "package $id");
            $this->assertEqualsWithDelta($package['packageTotalPrice'], round((float) $total * (float) $value, 2), 0.005, "package $id");
        }
        $stock = self::stock();

        // Again, from the start of the window, and from two processes at once.
        $db->query('DELETE FROM oc_trendyol_cursors');
        [$code] = self::php('order_sync.php', ['--opencart=' . self::$shop, '--force']);
        $this->assertSame(0, $code);
        $db->query('DELETE FROM oc_trendyol_cursors');
        $root = dirname(__DIR__, 2);
        $procs = [];
        foreach ([1, 2] as $n) {
            $proc = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $root . '/target/release/libmeschain.so', '-r',
                '$e = MesChain\Engine::fromOpenCart($argv[1]); $r = $e->run("order_sync", ["force" => true, "trigger" => "test"]); echo $r["status"];',
                self::$shop . '/config.php'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            $procs[] = [$proc, $pipes];
        }
        $statuses = [];
        foreach ($procs as [$proc, $pipes]) {
            $statuses[] = trim(stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]));
            proc_close($proc);
        }
        sort($statuses);
        // One run holds the job lock; the other is told so.
        $this->assertContains('ok', $statuses, implode(' / ', $statuses));
        $this->assertSame(count(self::$packageIds), self::scalar('SELECT COUNT(*) FROM oc_order'));
        $this->assertSame($stock, self::stock(), 'stock unchanged by repeated imports');
    }

    /** @depends testEveryPackageBecomesOneOrderAndAgainChangesNothing */
    public function testAnOpenCartStatusChangeReachesTrendyolAsPickingThenInvoiced(): void
    {
        $db = TestShop::mysqli(self::$database);
        $row = $db->query("SELECT t.order_id, t.package_id FROM oc_trendyol_orders t WHERE t.package_status = 'Created' ORDER BY t.package_id LIMIT 1")->fetch_row();
        [$orderId, $packageId] = [(int) $row[0], (int) $row[1]];
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        $db->query("UPDATE oc_order SET order_status_id = 15 WHERE order_id = $orderId");
        $this->assertCount(1, $engine->orderStatusChanged($orderId, 15));
        [$code, $out] = self::php('webhook_processor.php', ['--opencart=' . self::$shop, '--force']);
        $this->assertSame(0, $code, $out);
        $this->assertSame('Picking', self::$sandbox->control('GET', "/__sandbox/packages/$packageId")['package']['status']);
        $db->query("UPDATE oc_order SET order_status_id = 3 WHERE order_id = $orderId");
        $engine->orderStatusChanged($orderId, 3);
        [$code, $out] = self::php('webhook_processor.php', ['--opencart=' . self::$shop, '--force']);
        $this->assertSame(0, $code, $out);
        $this->assertSame('Invoiced', self::$sandbox->control('GET', "/__sandbox/packages/$packageId")['package']['status']);
        $this->expectException(MesChain\ConfigException::class);
        $engine->orderStatusChanged(-1, 3);
    }

    /** @depends testEveryPackageBecomesOneOrderAndAgainChangesNothing */
    public function testAWorkerKilledMidRunLosesNoJob(): void
    {
        $db = TestShop::mysqli(self::$database);
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        $generated = self::$sandbox->control('POST', '/__sandbox/orders/generate', ['count' => 40]);
        foreach ($generated['packageIds'] as $id) {
            $package = self::$sandbox->control('GET', "/__sandbox/packages/$id")['package'];
            $verdict = $engine->acceptWebhook(json_encode($package), ['x-api-key' => 'php-hook-key-1', 'Content-Type' => 'application/json']);
            $this->assertSame(200, $verdict['status'], $verdict['reason']);
        }
        $root = dirname(__DIR__, 2);
        $worker = fn () => proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $root . '/target/release/libmeschain.so',
            $root . '/php/cron/worker.php', '--opencart=' . self::$shop, '--max-runtime=120'], [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        $first = $worker();
        usleep(150_000);
        proc_terminate($first, 9); // SIGKILL: no chance to hand anything back
        proc_close($first);
        // Whatever it held comes back when its lease ends; end the leases now instead of waiting.
        $db->query("UPDATE oc_trendyol_sync_queue SET lease_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE status = 'running'");
        $second = $worker();
        $third = $worker();
        $deadline = microtime(true) + 120;
        while (microtime(true) < $deadline && self::scalar("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'running')") > 0) {
            usleep(100_000);
        }
        // Their exit codes are not the point here (a worker may still be starting when the queue is
        // already empty; the clean SIGTERM stop is WebhookLoadTest's): no job may be lost.
        proc_terminate($second, 15);
        proc_terminate($third, 15);
        proc_close($second);
        proc_close($third);
        $left = $db->query("SELECT queue_id, event_type, status, attempts, available_at, error_class, last_error FROM oc_trendyol_sync_queue
            WHERE status IN ('pending', 'running', 'dead') ORDER BY queue_id")->fetch_all(MYSQLI_ASSOC);
        $this->assertSame([], $left, 'every job done');
        $ids = implode(',', array_map('intval', $generated['packageIds']));
        $this->assertSame(count($generated['packageIds']), self::scalar("SELECT COUNT(*) FROM oc_trendyol_orders WHERE package_id IN ($ids)"));
        $this->assertSame(count($generated['packageIds']), self::scalar("SELECT COUNT(DISTINCT o.order_id) FROM oc_order o JOIN oc_trendyol_orders t ON t.order_id = o.order_id WHERE t.package_id IN ($ids)"));
    }
}
