<?php
/**
 * The cron scripts through real PHP processes with the built extension: --help, bad flags,
 * a missing shop, a missing extension, switches (exit 0), a held lock (exit 3), a failing run
 * (exit 1), --dry-run, and the metrics/maintenance commands of bin/meschain.php.
 */
declare(strict_types=1);

use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

final class CronScriptsTest extends TestCase
{
    private static string $shop;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        self::$database = TestShop::openCartDatabase('cron');
        self::$shop = TestShop::tempDir('cron-shop');
        TestShop::writeConfigPhp(self::$shop, self::$database);
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        $engine->migrate();
        $engine->close();
    }

    /** @param array<string, string> $settings */
    private function settings(array $settings): void
    {
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_setting WHERE code = 'module_meschain'");
        $settings += ['log_dir' => TestShop::tempDir('cron-logs')];
        foreach ($settings as $key => $value) {
            $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
            $full = 'module_meschain_' . $key;
            $stmt->bind_param('ss', $full, $value);
            $stmt->execute();
        }
        $db->query('DELETE FROM oc_trendyol_job_locks');
        $db->query('DELETE FROM oc_trendyol_sync_logs');
    }

    /** @return array{int, string, string} exit code, stdout, stderr */
    private static function runScript(string $script, array $args, bool $withExtension = true): array
    {
        $so = dirname(__DIR__, 2) . '/target/release/libmeschain.so';
        $cmd = [PHP_BINARY, '-n'];
        if ($withExtension) {
            array_push($cmd, '-d', 'extension=' . $so);
        }
        $cmd[] = dirname(__DIR__) . '/' . $script;
        $proc = proc_open(array_merge($cmd, $args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        return [proc_close($proc), (string)$out, (string)$err];
    }

    private function opencart(): string
    {
        return '--opencart=' . self::$shop;
    }

    public function testEveryScriptDocumentsItsFlagsAndExitCodes(): void
    {
        foreach (['trendyol_sync', 'product_sync', 'order_sync', 'stock_sync', 'webhook_processor'] as $job) {
            [$code, $out] = self::runScript("cron/$job.php", ['--help']);
            $this->assertSame(0, $code, $job);
            foreach (['--opencart', '--dry-run', '--verbose', '--max-seconds', '3 locked', '4 partial'] as $needle) {
                $this->assertStringContainsString($needle, $out, $job);
            }
        }
    }

    public function testBadUsageIsExit2(): void
    {
        [$code, , $err] = self::runScript('cron/order_sync.php', ['--frobnicate', $this->opencart()]);
        $this->assertSame(2, $code);
        $this->assertStringContainsString("unexpected argument '--frobnicate'", $err);
        [$code, , $err] = self::runScript('cron/order_sync.php', ['--opencart=/nonexistent/shop']);
        $this->assertSame(2, $code);
        $this->assertStringContainsString('/nonexistent/shop/config.php not found', $err);
        [$code] = self::runScript('cron/order_sync.php', ['--max-seconds=0', $this->opencart()]);
        $this->assertSame(2, $code);
    }

    public function testAMissingExtensionIsSaidClearly(): void
    {
        [$code, , $err] = self::runScript('cron/stock_sync.php', [$this->opencart()], false);
        $this->assertSame(1, $code);
        $this->assertStringContainsString('meschain PHP extension is not loaded', $err);
    }

    public function testSwitchedOffIsSkippedAndExit0(): void
    {
        $this->settings(['status' => '0']);
        [$code, $out, $err] = self::runScript('cron/order_sync.php', [$this->opencart()]);
        $this->assertSame(0, $code, $err);
        $this->assertSame('', $out, 'quiet when all is well');
        [$code, $out] = self::runScript('cron/trendyol_sync.php', [$this->opencart(), '--verbose']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('trendyol_sync skipped', $out);
        [$code, $out] = self::runScript('cron/order_sync.php', [$this->opencart(), '--dry-run']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('[dry run] order_sync skipped', $out);
        $this->assertStringContainsString('Status', $out);
    }

    public function testAHeldLockIsExit3(): void
    {
        $this->settings(['status' => '1']);
        $db = TestShop::mysqli(self::$database);
        $db->query("INSERT INTO oc_trendyol_job_locks (job, holder, token, acquired_at, expires_at, updated_at) "
            . "VALUES ('webhook_processor', 'otherhost:77:abc', 5, NOW(3), NOW(3) + INTERVAL 5 MINUTE, NOW(3))");
        [$code, $out] = self::runScript('cron/webhook_processor.php', [$this->opencart()]);
        $this->assertSame(3, $code, $out);
        $this->assertStringContainsString('otherhost:77:abc', $out);
    }

    public function testAFailedRunIsExit1AndLogged(): void
    {
        // No Trendyol credentials: the run cannot talk to Trendyol and fails.
        $this->settings(['status' => '1']);
        [$code, , $err] = self::runScript('cron/stock_sync.php', [$this->opencart()]);
        $this->assertSame(1, $code);
        $this->assertStringContainsString('stock_sync failed', $err);
        $db = TestShop::mysqli(self::$database);
        $row = $db->query("SELECT status, `trigger` FROM oc_trendyol_sync_logs WHERE sync_type = 'stock_sync'")->fetch_assoc();
        $this->assertSame(['status' => 'failed', 'trigger' => 'cron'], $row);
    }

    public function testRunRejectsUnknownJobsAndOptions(): void
    {
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        try {
            $engine->run('order_sync', ['max_secs' => 5]);
            $this->fail('an unknown option must be refused');
        } catch (MesChain\ConfigException $e) {
            $this->assertStringContainsString('max_secs', $e->getMessage());
        }
        try {
            $engine->run('orders');
            $this->fail('an unknown job must be refused');
        } catch (MesChain\ConfigException $e) {
            $this->assertStringContainsString('order_sync', $e->getMessage());
        }
    }

    public function testMetricsAndMaintenanceCommands(): void
    {
        $this->settings(['status' => '0']);
        $file = TestShop::tempDir('textfile') . '/meschain.prom';
        [$code, , $err] = self::runScript('bin/meschain.php', ['metrics', '--opencart=' . self::$shop . '/config.php', '--output=' . $file]);
        $this->assertSame(0, $code, $err);
        $text = (string)file_get_contents($file);
        $this->assertStringEndsWith("# EOF\n", $text);
        $this->assertStringContainsString('meschain_queue_depth{priority="1"} 0', $text);
        [$code, $out] = self::runScript('bin/meschain.php', ['metrics', '--opencart=' . self::$shop . '/config.php']);
        $this->assertSame(0, $code);
        $this->assertStringStartsWith('# TYPE ', $out);
        [$code, $out, $err] = self::runScript('bin/meschain.php', ['maintenance', '--opencart=' . self::$shop . '/config.php']);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString('optimized', $out);
    }
}
