<?php
/**
 * Webhook benchmark: intake through the real PHP route and end-to-end latency from Trendyol's delivery to the OpenCart order.
 *
 *   php -d extension=target/release/libmeschain.so bench/php/webhook_bench.php [--packages=N] [--concurrency=C] [--e2e-waves=W]
 *
 * Everything is real: a fresh OpenCart database on the local MariaDB, `trendyol-sandbox` as its own
 * process (rate limits off), the webhook route served by PHP's built-in server with
 * PHP_CLI_SERVER_WORKERS=4 and the extension loaded, and `php/cron/worker.php` processes.
 *
 * 1. Intake: N distinct sandbox packages are POSTed to the route by a curl_multi client keeping C
 *    requests in flight; requests/s and latency percentiles (each request's total time).
 * 2. The N stored events are set aside (queue throughput is bench/php/queue_bench.php's).
 * 3. End to end: a sandbox webhook subscription points at the route; orders are generated in W
 *    waves while one... two workers run; each package's first successful delivery (sandbox
 *    `/__sandbox/webhooks/deliveries`, `at` in ms) is compared with the moment its
 *    `trendyol_orders` row is first seen by a 10 ms poll of the database.
 *
 * Writes bench/webhooks.json and bench/webhooks.md.
 */
declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require __DIR__ . '/webhook_route.php';
require dirname(__DIR__, 2) . '/php/tests/SandboxProcess.php';

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;

const INTAKE_P99_TARGET_MS = 1000.0;
const E2E_P99_TARGET_MS = 1000.0;
const HOOK_KEY = 'bench-hook-key-7c1e94d0a2b35f68';

$opts = getopt('', ['packages:', 'concurrency:', 'e2e-waves:']);
$packages = (int) ($opts['packages'] ?? 3000);
$concurrency = (int) ($opts['concurrency'] ?? 16);
$waves = (int) ($opts['e2e-waves'] ?? 10);
$root = dirname(__DIR__, 2);
$so = $root . '/target/release/libmeschain.so';

if (!extension_loaded('meschain')) {
    fwrite(STDERR, "load the extension: php -d extension=$so bench/php/webhook_bench.php\n");
    exit(1);
}

TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);

$sandbox = new SandboxProcess(['--rate-limits', 'off', '--awaiting-delay-ms', '600000', '--request-log-cap', '100']);
$database = TestShop::openCartDatabase('hooks', 200);
$shop = TestShop::tempDir('hooks-shop');
$config = TestShop::writeConfigPhp($shop, $database);
$db = TestShop::mysqli($database);
$db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
$engine = MesChain\Engine::fromOpenCart($config);
$engine->migrate();
$settings = [
    'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
    'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
    'log_dir' => TestShop::tempDir('hooks-logs'), 'webhook_api_key' => HOOK_KEY,
];
foreach ($settings as $key => $value) {
    $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
    $full = 'module_meschain_' . $key;
    $stmt->bind_param('ss', $full, $value);
    $stmt->execute();
}
$engine->close();
$barcodes = array_column($db->query('SELECT ean FROM oc_product')->fetch_all(MYSQLI_ASSOC), 'ean');
control($sandbox, 'POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);

// The route, as OpenCart serves it, with four PHP workers.
$route = serve_webhook_route($root, $so, $shop, 4);

// ---- 1. intake ----
$generated = control($sandbox, 'POST', '/__sandbox/orders/generate', ['count' => $packages, 'splitShare' => 0, 'cancelShare' => 0]);
$bodies = [];
foreach ($generated['packageIds'] as $id) {
    $bodies[] = json_encode(control($sandbox, 'GET', "/__sandbox/packages/$id")['package']);
}
say(sprintf('intake: %d packages, %d in flight', count($bodies), $concurrency));
$multi = curl_multi_init();
$next = 0;
$inFlight = 0;
$latencies = [];
$statuses = [];
$add = static function () use (&$next, &$inFlight, $bodies, $multi, $route): void {
    $h = curl_init($route);
    curl_setopt_array($h, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $bodies[$next++],
        CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'x-api-key: ' . HOOK_KEY],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 30,
    ]);
    curl_multi_add_handle($multi, $h);
    $inFlight++;
};
$started = now_ms();
while ($next < count($bodies) && $inFlight < $concurrency) {
    $add();
}
do {
    curl_multi_exec($multi, $running);
    curl_multi_select($multi, 0.05);
    while (($info = curl_multi_info_read($multi)) !== false) {
        $h = $info['handle'];
        $statuses[] = (int) curl_getinfo($h, CURLINFO_RESPONSE_CODE);
        $latencies[] = curl_getinfo($h, CURLINFO_TOTAL_TIME_T) / 1000.0;
        curl_multi_remove_handle($multi, $h);
        curl_close($h);
        $inFlight--;
        if ($next < count($bodies)) {
            $add();
        }
    }
} while ($inFlight > 0);
$intakeS = (now_ms() - $started) / 1000;
$accepted = count(array_filter($statuses, static fn (int $s): bool => $s >= 200 && $s < 300));
$queued = (int) $db->query("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'pending'")->fetch_row()[0];
$intake = [
    'requests' => count($statuses), 'accepted_2xx' => $accepted, 'seconds' => round($intakeS, 3),
    'requests_per_s' => round(count($statuses) / $intakeS, 1), 'concurrency' => $concurrency,
    'p50_ms' => percentile($latencies, 50), 'p99_ms' => percentile($latencies, 99), 'max_ms' => percentile($latencies, 100),
    'p99_target_ms' => INTAKE_P99_TARGET_MS, 'p99_ok' => percentile($latencies, 99) <= INTAKE_P99_TARGET_MS && $accepted === count($statuses),
    'queued_jobs' => $queued, 'server_workers' => 4,
];
say('intake: ' . json_encode($intake));

// ---- 2. the intake's events make way ----
// Queue throughput is bench/php/queue_bench.php's; the end-to-end run starts on an empty queue.
$db->query("DELETE FROM oc_trendyol_sync_queue WHERE status = 'pending'");
$startWorkers = static fn (int $n): array => start_workers($root, $so, $shop, $n);
$stopWorkers = static fn (array $procs) => stop_workers($procs);

// ---- 3. end to end: delivery → worker → order ----
$sub = curl_init($sandbox->url . '/integration/webhook/sellers/1001/webhooks');
curl_setopt_array($sub, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => json_encode(['url' => $route, 'authenticationType' => 'API_KEY', 'apiKey' => HOOK_KEY, 'subscribedStatuses' => []]),
    CURLOPT_HTTPHEADER => ['Content-Type: application/json', 'Authorization: Basic ' . base64_encode('demo-api-key:demo-api-secret'), 'User-Agent: 1001 - SelfIntegration'],
    CURLOPT_RETURNTRANSFER => true,
]);
$subAnswer = (string) curl_exec($sub);
$subCode = (int) curl_getinfo($sub, CURLINFO_RESPONSE_CODE);
curl_close($sub);
if ($subCode < 200 || $subCode >= 300) {
    fwrite(STDERR, "webhook subscription refused ($subCode): $subAnswer\n");
    exit(1);
}
$workers = $startWorkers(2);
usleep(500_000);
$generatedAt = [];
$seenAt = [];
$perWave = 20;
$lastWave = 0.0;
$wave = 0;
$deadline = microtime(true) + 60 + $waves;
while (microtime(true) < $deadline) {
    if ($wave < $waves && now_ms() - $lastWave >= 1000) {
        $g = control($sandbox, 'POST', '/__sandbox/orders/generate', ['count' => $perWave, 'splitShare' => 0, 'cancelShare' => 0]);
        $t = now_ms();
        foreach ($g['packageIds'] as $id) {
            $generatedAt[(int) $id] = $t;
        }
        $lastWave = $t;
        $wave++;
    }
    $waiting = array_diff_key($generatedAt, $seenAt);
    if ($waiting !== []) {
        $ids = implode(',', array_map('intval', array_keys($waiting)));
        $rows = $db->query("SELECT package_id FROM oc_trendyol_orders WHERE package_id IN ($ids)")->fetch_all();
        $t = now_ms();
        foreach ($rows as [$id]) {
            $seenAt[(int) $id] = $t;
        }
    } elseif ($wave >= $waves) {
        break;
    }
    usleep(10_000);
}
$stopWorkers($workers);
$deliveredAt = [];
foreach (control($sandbox, 'GET', '/__sandbox/webhooks/deliveries')['attempts'] ?? [] as $a) {
    $id = (int) $a['packageId'];
    if (($a['ok'] ?? false) && isset($generatedAt[$id]) && !isset($deliveredAt[$id])) {
        $deliveredAt[$id] = (float) $a['at'];
    }
}
$fromDelivery = [];
$fromGenerate = [];
foreach ($seenAt as $id => $seen) {
    $fromGenerate[] = $seen - $generatedAt[$id];
    if (isset($deliveredAt[$id])) {
        $fromDelivery[] = max(0.0, $seen - $deliveredAt[$id]);
    }
}
$e2e = [
    'packages' => count($generatedAt), 'orders_seen' => count($seenAt), 'delivered_ok' => count($deliveredAt),
    'waves' => $waves, 'per_wave' => $perWave, 'workers' => 2, 'poll_ms' => 10,
    'delivery_to_order_p50_ms' => percentile($fromDelivery, 50), 'delivery_to_order_p99_ms' => percentile($fromDelivery, 99),
    'delivery_to_order_max_ms' => percentile($fromDelivery, 100),
    'generate_to_order_p50_ms' => percentile($fromGenerate, 50), 'generate_to_order_p99_ms' => percentile($fromGenerate, 99),
    'p99_target_ms' => E2E_P99_TARGET_MS,
    'p99_ok' => count($seenAt) === count($generatedAt) && $fromDelivery !== [] && percentile($fromDelivery, 99) <= E2E_P99_TARGET_MS,
];
say('e2e: ' . json_encode($e2e));

$cpu = 'unknown';
foreach (file('/proc/cpuinfo') ?: [] as $line) {
    if (str_starts_with($line, 'model name')) {
        $cpu = trim(explode(':', $line, 2)[1]);
        break;
    }
}
$report = ['benchmark' => 'webhooks', 'php' => PHP_VERSION, 'cpu' => $cpu, 'intake' => $intake, 'end_to_end' => $e2e];
file_put_contents($root . '/bench/webhooks.json', json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$ok = static fn (bool $b): string => $b ? '✓' : '✗';
$md = "## Webhooks: intake, end to end\n\n"
    . "PHP {$report['php']}, the real route (`php -S` with `PHP_CLI_SERVER_WORKERS=4`, `php/tests/webhook_router.php`, extension loaded), "
    . "`trendyol-sandbox` as its own process, MariaDB on 127.0.0.1, $cpu.\n\n"
    . "| measure | value | target |\n|---|---:|---:|\n"
    . sprintf("| intake: %d distinct packages, %d in flight (curl_multi) | **%.0f requests/s**, %d × 2xx | |\n", $intake['requests'], $concurrency, $intake['requests_per_s'], $accepted)
    . sprintf("| intake latency p50 / p99 / max | %.1f / **%.1f** / %.1f ms | p99 ≤ %.0f ms %s |\n", $intake['p50_ms'], $intake['p99_ms'], $intake['max_ms'], INTAKE_P99_TARGET_MS, $ok($intake['p99_ok']))
    . sprintf("| end to end, delivery → order row (%d packages in %d waves, 2 workers) p50 / p99 / max | %.0f / **%.0f** / %.0f ms | p99 ≤ %.0f ms %s |\n", count($generatedAt), $waves, $e2e['delivery_to_order_p50_ms'], $e2e['delivery_to_order_p99_ms'], $e2e['delivery_to_order_max_ms'], E2E_P99_TARGET_MS, $ok($e2e['p99_ok']))
    . sprintf("| end to end, order generated → order row p50 / p99 | %.0f / %.0f ms | |\n\n", $e2e['generate_to_order_p50_ms'], $e2e['generate_to_order_p99_ms'])
    . "Delivery time is the sandbox's record of a successful delivery (taken when the route answered); the order row's time is the first "
    . "10 ms poll that sees its `trendyol_orders` row, so figures carry up to ~10 ms of poll granularity. Orders seen: {$e2e['orders_seen']} of {$e2e['packages']}.\n\n"
    . "Command: `php -d extension=target/release/libmeschain.so bench/php/webhook_bench.php --packages=$packages --concurrency=$concurrency --e2e-waves=$waves`\n";
file_put_contents($root . '/bench/webhooks.md', $md);
say('wrote bench/webhooks.{json,md}');
