<?php
/**
 * The admin's sync buttons through PHP and the built extension, against the real sandbox
 * process and a real OpenCart database, with no cron and no worker: enqueue() then startJob()
 * runs the job in the background of this PHP process and job() shows it done within a bounded
 * poll, even with the job's own switch off; switched off as a whole, enqueue() refuses with a
 * MesChain\ConfigException of code 120 and queues nothing.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChain\ConfigException;
use MesChain\Engine;
use PHPUnit\Framework\TestCase;

final class ManualSyncTest extends TestCase
{
    private static SandboxProcess $sandbox;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = new SandboxProcess(['--rate-limits', 'off']);
        self::$database = TestShop::openCartDatabase('manual', 20);
        $db = TestShop::mysqli(self::$database);
        $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
        $barcodes = array_column($db->query('SELECT ean FROM oc_product')->fetch_all(MYSQLI_ASSOC), 'ean');
        self::$sandbox->control('POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);
        self::$sandbox->control('POST', '/__sandbox/orders/generate', ['count' => 4, 'splitShare' => 0.0, 'cancelShare' => 0.0]);
        $engine = self::engine([]);
        $engine->migrate();
        $engine->close();
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    /** @param array<string, string> $settings */
    private static function engine(array $settings): Engine
    {
        return Engine::fromArray(TestShop::config(['settings' => $settings + [
            'environment' => 'sandbox', 'sandbox_url' => self::$sandbox->url, 'seller_id' => '1001',
            'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret', 'barcode_source' => 'ean',
        ]], self::$database));
    }

    private static function scalar(string $sql): int
    {
        return (int) TestShop::mysqli(self::$database)->query($sql)->fetch_row()[0];
    }

    public function testAClickRunsItsJobAtOnceWithNoCronOrWorker(): void
    {
        $engine = self::engine(['status' => '1', 'order_sync' => '0', 'webhook_processing' => '0']);
        $queued = $engine->enqueue('order_sync', ['trigger' => 'admin', 'user_id' => 1]);
        $started = $engine->startJob($queued['queue_id']);
        $this->assertSame(['started', 'queue_id', 'status', 'reason', 'message', 'worker'], array_keys($started));
        $this->assertTrue($started['started'], $started['message']);
        $this->assertSame(['running', 'started'], [$started['status'], $started['reason']]);
        $this->assertStringEndsWith(':' . getmypid(), $started['worker']);

        $deadline = microtime(true) + 60;
        do {
            usleep(100_000);
            $job = $engine->job($queued['queue_id']);
        } while (in_array($job['status'], ['pending', 'running'], true) && microtime(true) < $deadline);
        $this->assertSame('done', $job['status'], json_encode($job));
        $this->assertIsString($job['started_at']);
        $this->assertNull($job['worker']);
        $runs = TestShop::mysqli(self::$database)->query('SELECT sync_type, `trigger`, status FROM oc_trendyol_sync_logs')->fetch_all(MYSQLI_ASSOC);
        $this->assertSame([['sync_type' => 'order_sync', 'trigger' => 'admin', 'status' => 'ok']], $runs);
        $this->assertSame(4, self::scalar('SELECT COUNT(*) FROM oc_trendyol_orders'));

        $again = $engine->startJob($queued['queue_id']);
        $this->assertFalse($again['started']);
        $this->assertSame(['done', 'finished'], [$again['status'], $again['reason']]);
        $engine->close();
    }

    public function testSwitchedOffAClickIsRefusedAndNothingIsQueued(): void
    {
        $engine = self::engine(['status' => '0']);
        $before = self::scalar('SELECT COUNT(*) FROM oc_trendyol_sync_queue');
        try {
            $engine->enqueue('stock_sync', ['trigger' => 'admin', 'user_id' => 1]);
            $this->fail('a switched-off MesChain must refuse the button');
        } catch (ConfigException $e) {
            $this->assertSame(120, $e->getCode());
            $this->assertStringContainsString('switched off in Settings', $e->getMessage());
            $this->assertStringContainsString('nothing was queued', $e->getMessage());
        }
        $this->assertSame($before, self::scalar('SELECT COUNT(*) FROM oc_trendyol_sync_queue'));
        $engine->close();
    }
}
