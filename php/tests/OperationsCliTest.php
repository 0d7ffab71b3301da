<?php
/**
 * The operations commands of bin/meschain.php and the maintenance cron job, as real PHP processes
 * with the built extension against the sandbox: `webhook register` creates the shop's
 * subscription at Trendyol with the shop's URL and the saved credentials, `webhook` shows it,
 * and re-registering switches a passive one back on; `monitor-settings` prints what the cron
 * monitor reads; `cron/maintenance.php --log-dir` runs the daily maintenance as a job with its
 * own sync-log row and log file.
 */
declare(strict_types=1);

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/SandboxProcess.php';

final class OperationsCliTest extends TestCase
{
    private const ROUTE = 'http://127.0.0.1/index.php?route=extension/meschain/webhook/trendyol';

    private static SandboxProcess $sandbox;
    private static string $shop;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = new SandboxProcess();
        self::$database = TestShop::openCartDatabase('opscli');
        self::$shop = TestShop::tempDir('opscli-shop');
        TestShop::writeConfigPhp(self::$shop, self::$database);
        $engine = MesChain\Engine::fromOpenCart(self::$shop . '/config.php');
        $engine->migrate();
        $engine->close();
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    /** @param array<string, string> $settings */
    private function settings(array $settings): void
    {
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_setting WHERE code = 'module_meschain'");
        $settings += [
            'log_dir' => TestShop::tempDir('opscli-logs'),
            'environment' => 'sandbox',
            'sandbox_url' => self::$sandbox->url,
            'seller_id' => '1001',
            'api_key' => 'demo-api-key',
            'api_secret' => 'demo-api-secret',
        ];
        foreach ($settings as $key => $value) {
            $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
            $full = 'module_meschain_' . $key;
            $stmt->bind_param('ss', $full, $value);
            $stmt->execute();
        }
    }

    /** @return array{int, string, string} exit code, stdout, stderr */
    private static function runScript(string $script, array $args): array
    {
        $so = dirname(__DIR__, 2) . '/target/release/libmeschain.so';
        $cmd = array_merge([PHP_BINARY, '-n', '-d', 'extension=' . $so, dirname(__DIR__) . '/' . $script], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        return [proc_close($proc), (string)$out, (string)$err];
    }

    /** @return list<array<string, mixed>> Trendyol's own list of the seller's webhooks. */
    private static function trendyolWebhooks(): array
    {
        $context = stream_context_create(['http' => [
            'header' => "Authorization: Basic " . base64_encode('demo-api-key:demo-api-secret') . "\r\nUser-Agent: 1001 - SelfIntegration\r\n",
            'ignore_errors' => true,
        ]]);
        $list = json_decode((string)file_get_contents(self::$sandbox->url . '/integration/webhook/sellers/1001/webhooks', false, $context), true);
        return is_array($list) && array_is_list($list) ? $list : ($list['webhooks'] ?? $list['content'] ?? []);
    }

    public function testWebhookRegisterShowAndReactivate(): void
    {
        $this->settings(['webhook_auth' => 'basic', 'webhook_username' => 'hook-user', 'webhook_password' => 'Hook-pass-2026-long-enough']);
        $opencart = '--opencart=' . self::$shop . '/config.php';

        [$code, $out] = self::runScript('bin/meschain.php', ['webhook', $opencart]);
        $this->assertSame(1, $code, $out);
        $this->assertStringContainsString('no webhook registered', $out);

        [$code, $out, $err] = self::runScript('bin/meschain.php', ['webhook', 'register', $opencart]);
        $this->assertSame(0, $code, $out . $err);
        $this->assertStringContainsString('webhook created', $out);
        $this->assertStringContainsString('url:            ' . self::ROUTE, $out);
        $this->assertStringContainsString('status:         active', $out);
        $this->assertStringContainsString('authentication: BASIC_AUTHENTICATION', $out);
        $hooks = self::trendyolWebhooks();
        $this->assertCount(1, $hooks);
        $this->assertSame(self::ROUTE, $hooks[0]['url']);

        // Trendyol switches it off: the command says passive (exit 1), register switches it on.
        $id = (string)$hooks[0]['id'];
        $context = stream_context_create(['http' => ['method' => 'PUT', 'ignore_errors' => true,
            'header' => "Authorization: Basic " . base64_encode('demo-api-key:demo-api-secret') . "\r\nUser-Agent: 1001 - SelfIntegration\r\n"]]);
        file_get_contents(self::$sandbox->url . "/integration/webhook/sellers/1001/webhooks/$id/deactivate", false, $context);
        [$code, $out] = self::runScript('bin/meschain.php', ['webhook', 'status', $opencart, '--json']);
        $this->assertSame(0, $code);
        $status = json_decode($out, true);
        $this->assertFalse($status['active']);
        $this->assertTrue($status['registered']);
        [$code, $out] = self::runScript('bin/meschain.php', ['webhook', $opencart]);
        $this->assertSame(1, $code);
        $this->assertStringContainsString('passive', $out);

        [$code, $out] = self::runScript('bin/meschain.php', ['webhook', 'register', $opencart]);
        $this->assertSame(0, $code, $out);
        $this->assertStringContainsString('webhook activated', $out);
        $this->assertCount(1, self::trendyolWebhooks());
        $this->assertSame('ACTIVE', strtoupper((string)self::trendyolWebhooks()[0]['status']));

        // Without credentials nothing is sent, and the reason is named.
        $this->settings(['webhook_auth' => 'basic']);
        [$code, , $err] = self::runScript('bin/meschain.php', ['webhook', 'register', $opencart, '--url=https://other.example/hook']);
        $this->assertSame(2, $code);
        $this->assertStringContainsString('webhook_username', $err);
        $this->assertCount(1, self::trendyolWebhooks());
    }

    public function testMonitorSettingsFollowTheSwitches(): void
    {
        $this->settings(['status' => '1', 'alert_email' => 'owner@shop.test', 'product_sync' => '0', 'order_sync_interval' => '45']);
        [$code, $out, $err] = self::runScript('bin/meschain.php', ['monitor-settings', '--opencart=' . self::$shop, '--log-dir=/srv/logs']);
        $this->assertSame(0, $code, $err);
        $lines = array_filter(explode("\n", $out));
        $this->assertContains('alert_email=owner@shop.test', $lines);
        $this->assertContains('log_dir=/srv/logs', $lines);
        $this->assertContains('max_age_product_sync=0', $lines);
        $this->assertContains('max_age_order_sync=90', $lines);
        $this->assertContains('max_age_webhook_processor=10', $lines);
        $this->assertContains('max_age_maintenance=2880', $lines);

        // MesChain switched off: only maintenance is still expected to run.
        $this->settings(['status' => '0', 'alert_email' => 'owner@shop.test']);
        [$code, $out] = self::runScript('bin/meschain.php', ['monitor-settings', '--opencart=' . self::$shop]);
        $this->assertSame(0, $code);
        $lines = array_filter(explode("\n", $out));
        $this->assertContains('max_age_order_sync=0', $lines);
        $this->assertContains('max_age_trendyol_sync=0', $lines);
        $this->assertContains('max_age_maintenance=2880', $lines);
    }

    public function testMaintenanceRunsAsAJobWithItsOwnRowAndLog(): void
    {
        $settingsLogs = TestShop::tempDir('opscli-settings-logs');
        $this->settings(['log_dir' => $settingsLogs]);
        $logs = TestShop::tempDir('opscli-cron-logs');
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_trendyol_sync_logs");
        $db->query("INSERT INTO oc_trendyol_sync_logs (sync_type, status, `trigger`, host, pid, started_at, finished_at, created_at) VALUES ('order_sync', 'ok', 'cron', 'h', 1, UTC_TIMESTAMP() - INTERVAL 40 DAY, UTC_TIMESTAMP() - INTERVAL 40 DAY, UTC_TIMESTAMP() - INTERVAL 40 DAY)");

        [$code, $out, $err] = self::runScript('cron/maintenance.php', ['--opencart=' . self::$shop, '--log-dir=' . $logs, '--verbose']);
        $this->assertSame(0, $code, $out . $err);
        $this->assertStringContainsString('maintenance ok: deleted 1 row(s) older than 30 days', $out);
        $row = $db->query("SELECT status, items_ok, `trigger` FROM oc_trendyol_sync_logs WHERE sync_type = 'maintenance'")->fetch_assoc();
        $this->assertSame(['status' => 'ok', 'items_ok' => '1', 'trigger' => 'cron'], $row);
        $this->assertSame(0, (int)$db->query("SELECT COUNT(*) AS n FROM oc_trendyol_sync_logs WHERE sync_type = 'order_sync'")->fetch_assoc()['n']);
        // The log went where --log-dir said, not to the Log Directory setting.
        $this->assertFileExists($logs . '/maintenance.log');
        $this->assertStringContainsString('maintenance done', (string)file_get_contents($logs . '/maintenance.log'));
        $this->assertFileDoesNotExist($settingsLogs . '/maintenance.log');

        [$code, $out] = self::runScript('cron/maintenance.php', ['--help']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('--log-dir=DIR', $out);
    }
}
