<?php
/**
 * 10,000 Trendyol packages, each delivered three times in shuffled order through the real
 * webhook route (PHP's built-in server with four workers, the built extension, a real OpenCart
 * database), then drained by two worker processes at once: exactly one queue job per package
 * state, every job run once (no job processed by both workers), one OpenCart order per package.
 */
declare(strict_types=1);

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

final class WebhookLoadTest extends TestCase
{
    private const PACKAGES = 10_000;
    private const API_KEY = 'load-hook-key-7f2e91';

    public function testTenThousandPackagesDeliveredThreeTimesBecomeOneOrderEach(): void
    {
        $root = dirname(__DIR__, 2);
        $so = getenv('MESCHAIN_EXTENSION_SO') ?: $root . '/target/release/libmeschain.so';
        $sandbox = new SandboxProcess(['--rate-limits', 'off']);
        $database = TestShop::openCartDatabase('load', 200);
        $shop = TestShop::tempDir('load-shop');
        TestShop::writeConfigPhp($shop, $database);
        $db = TestShop::mysqli($database);
        $db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
        MesChain\Engine::fromOpenCart($shop . '/config.php')->migrate();
        $settings = [
            'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
            'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
            'webhook_auth' => 'api_key', 'webhook_api_key' => self::API_KEY,
            'log_dir' => TestShop::tempDir('load-logs'),
        ];
        $insert = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
        foreach ($settings as $key => $value) {
            $name = 'module_meschain_' . $key;
            $insert->bind_param('ss', $name, $value);
            $insert->execute();
        }
        $barcodes = array_column($db->query('SELECT ean FROM oc_product')->fetch_all(MYSQLI_ASSOC), 'ean');
        $sandbox->control('POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);
        $generated = $sandbox->control('POST', '/__sandbox/orders/generate', ['count' => self::PACKAGES, 'maxLines' => 2]);
        $this->assertCount(self::PACKAGES, $generated['packageIds']);

        // The packages as Trendyol would deliver them, read from the order list (200 a page).
        $bodies = [];
        $auth = base64_encode('demo-api-key:demo-api-secret');
        for ($page = 0; count($bodies) < self::PACKAGES; $page++) {
            $context = stream_context_create(['http' => ['header' => "Authorization: Basic $auth\r\nUser-Agent: 1001 - SelfIntegration\r\n"]]);
            $list = json_decode((string) file_get_contents("{$sandbox->url}/integration/order/sellers/1001/orders?size=200&page=$page", false, $context), true);
            $this->assertNotEmpty($list['content'], "page $page");
            foreach ($list['content'] as $package) {
                $bodies[] = json_encode($package);
            }
        }
        $deliveries = array_merge($bodies, $bodies, $bodies);
        shuffle($deliveries);

        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $env = getenv() + ['MESCHAIN_WEBHOOK_SHOP' => $shop, 'PHP_CLI_SERVER_WORKERS' => '4'];
        $env['MESCHAIN_WEBHOOK_SHOP'] = $shop;
        $server = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", __DIR__ . '/webhook_router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, null, $env);
        try {
            for ($i = 0; $i < 200 && ($s = @fsockopen('127.0.0.1', $port, $e, $m, 0.1)) === false; $i++) {
                usleep(25_000);
            }
            $url = "http://127.0.0.1:$port/index.php?route=extension/meschain/webhook/trendyol";
            $statuses = $this->deliverAll($url, $deliveries, 16);
            ksort($statuses);
            $this->assertSame([200 => count($deliveries)], $statuses, 'every delivery accepted');
        } finally {
            TestShop::stopProcessTree($server);
        }
        $jobs = (int) $db->query('SELECT COUNT(*) FROM oc_trendyol_sync_queue')->fetch_row()[0];
        $this->assertSame(self::PACKAGES, $jobs, 'one job per package state');

        // Two workers drain the queue side by side.
        $workers = [];
        foreach ([1, 2] as $n) {
            $workers[] = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $so, $root . '/php/cron/worker.php', '--opencart=' . $shop, '--max-runtime=240'],
                [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        }
        $deadline = microtime(true) + 240;
        while (microtime(true) < $deadline
            && (int) $db->query("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'running')")->fetch_row()[0] > 0) {
            usleep(250_000);
        }
        foreach ($workers as $worker) {
            proc_terminate($worker, 15);
            $this->assertSame(0, proc_close($worker), 'the worker stops cleanly on SIGTERM');
        }
        $byStatus = array_column($db->query('SELECT status, COUNT(*) FROM oc_trendyol_sync_queue GROUP BY status')->fetch_all(), 1, 0);
        $this->assertSame(['done' => (string) self::PACKAGES], $byStatus);
        $this->assertSame('0', $db->query('SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE attempts <> 1')->fetch_row()[0], 'no job ran twice');
        $owners = (int) $db->query('SELECT COUNT(DISTINCT lease_owner) FROM oc_trendyol_sync_queue')->fetch_row()[0];
        $this->assertSame(2, $owners, 'both workers took jobs');
        $this->assertSame((string) self::PACKAGES, $db->query('SELECT COUNT(*) FROM oc_order')->fetch_row()[0]);
        $this->assertSame((string) self::PACKAGES, $db->query('SELECT COUNT(DISTINCT package_id) FROM oc_trendyol_orders')->fetch_row()[0]);
        // Only the workers called Trendyol here (packages re-read 50 per request): their calls are
        // in the shop's API counters, like a cron run's.
        $calls = (int) $db->query("SELECT COALESCE(SUM(count), 0) FROM oc_trendyol_api_counters WHERE kind = 'call'")->fetch_row()[0];
        $this->assertGreaterThanOrEqual(intdiv(self::PACKAGES, 50), $calls, 'the workers\' API calls are counted');
        $sandbox->stop();
    }

    /**
     * POSTs every body with `$parallel` requests in flight; returns HTTP status => count.
     *
     * @param list<string> $bodies
     * @return array<int, int>
     */
    private function deliverAll(string $url, array $bodies, int $parallel): array
    {
        $multi = curl_multi_init();
        $statuses = [];
        $next = 0;
        $active = 0;
        $start = function () use (&$next, &$active, $bodies, $url, $multi): void {
            $handle = curl_init($url);
            curl_setopt_array($handle, [
                CURLOPT_POST => true,
                CURLOPT_POSTFIELDS => $bodies[$next++],
                CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'x-api-key: ' . self::API_KEY],
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_TIMEOUT => 30,
            ]);
            curl_multi_add_handle($multi, $handle);
            $active++;
        };
        while ($next < count($bodies) && $active < $parallel) {
            $start();
        }
        do {
            curl_multi_exec($multi, $running);
            curl_multi_select($multi, 0.05);
            while ($done = curl_multi_info_read($multi)) {
                $handle = $done['handle'];
                $code = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
                $statuses[$code] = ($statuses[$code] ?? 0) + 1;
                curl_multi_remove_handle($multi, $handle);
                curl_close($handle);
                $active--;
                if ($next < count($bodies)) {
                    $start();
                }
            }
        } while ($active > 0);
        curl_multi_close($multi);
        return $statuses;
    }
}
