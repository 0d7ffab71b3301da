<?php
/**
 * Queue benchmark: how many stored order webhook events two workers turn into OpenCart orders
 * per second, exactly once.
 *
 *   php -d extension=target/release/libmeschain.so bench/php/queue_bench.php [--packages=N] [--concurrency=C]
 *
 * Everything is real: a fresh OpenCart database on the local MariaDB, `trendyol-sandbox` as its own
 * process (rate limits off), the webhook route served by PHP's built-in server with the extension
 * loaded, and two `php/cron/worker.php` processes.
 *
 * N distinct sandbox packages are POSTed to the route (C in flight; not timed), which stores one
 * queue job per event. Then two workers start and drain the queue: jobs/s is the number of jobs
 * finished over the time from starting the workers to an empty queue (worker start included).
 * Afterwards every job must be done, none dead, and every package must have exactly one
 * `trendyol_orders` row and one OpenCart order.
 *
 * Writes bench/queue.json and bench/queue.md.
 */
declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require __DIR__ . '/webhook_route.php';
require dirname(__DIR__, 2) . '/php/tests/SandboxProcess.php';

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;

const JOBS_PER_S_TARGET = 1000.0;
const HOOK_KEY = 'bench-queue-key-5b83e1c94f027d6a';

$opts = getopt('', ['packages:', 'concurrency:']);
$packages = (int) ($opts['packages'] ?? 3000);
$concurrency = (int) ($opts['concurrency'] ?? 16);
$root = dirname(__DIR__, 2);
$so = $root . '/target/release/libmeschain.so';

if (!extension_loaded('meschain')) {
    fwrite(STDERR, "load the extension: php -d extension=$so bench/php/queue_bench.php\n");
    exit(1);
}

TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);

// Packages stay Awaiting-free for the whole run: nothing changes under the workers.
$sandbox = new SandboxProcess(['--rate-limits', 'off', '--awaiting-delay-ms', '600000', '--request-log-cap', '100']);
$database = TestShop::openCartDatabase('queue', 200);
$shop = TestShop::tempDir('queue-shop');
$config = TestShop::writeConfigPhp($shop, $database);
$db = TestShop::mysqli($database);
$db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
$engine = MesChain\Engine::fromOpenCart($config);
$engine->migrate();
$settings = [
    'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
    'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
    'log_dir' => TestShop::tempDir('queue-logs'), 'webhook_api_key' => HOOK_KEY,
    // The sandbox runs without rate limits; the shop's quotas are raised to match (as in the
    // webhook and oversell benchmarks), so the figure is the queue's own. Under Trendyol's
    // general rule of 50 requests per 10 s per endpoint, the re-reads of 50 packages each are
    // paced at five a second: 250 jobs/s is then the quota, not the queue.
    'calls_per_minute' => '100000', 'calls_per_hour' => '6000000', 'api_endpoint_limit' => '10000',
];
$stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
foreach ($settings as $key => $value) {
    $full = 'module_meschain_' . $key;
    $stmt->bind_param('ss', $full, $value);
    $stmt->execute();
}
$engine->close();
$barcodes = array_column($db->query('SELECT ean FROM oc_product')->fetch_all(MYSQLI_ASSOC), 'ean');
control($sandbox, 'POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);
$route = serve_webhook_route($root, $so, $shop, 4);

// ---- the events, stored through the route (not timed) ----
$generated = control($sandbox, 'POST', '/__sandbox/orders/generate', ['count' => $packages, 'splitShare' => 0, 'cancelShare' => 0]);
$bodies = [];
foreach ($generated['packageIds'] as $id) {
    $bodies[] = json_encode(control($sandbox, 'GET', "/__sandbox/packages/$id")['package']);
}
$multi = curl_multi_init();
$next = 0;
$inFlight = 0;
$refused = 0;
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
while ($next < count($bodies) && $inFlight < $concurrency) {
    $add();
}
do {
    curl_multi_exec($multi, $running);
    curl_multi_select($multi, 0.05);
    while (($info = curl_multi_info_read($multi)) !== false) {
        $code = (int) curl_getinfo($info['handle'], CURLINFO_RESPONSE_CODE);
        $refused += ($code < 200 || $code >= 300) ? 1 : 0;
        curl_multi_remove_handle($multi, $info['handle']);
        curl_close($info['handle']);
        $inFlight--;
        if ($next < count($bodies)) {
            $add();
        }
    }
} while ($inFlight > 0);
$count = static fn (string $sql): int => (int) $db->query($sql)->fetch_row()[0];
$queued = $count("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'pending'");
say(sprintf('stored %d events (%d refused by the route)', $queued, $refused));

// ---- the drain, two workers ----
$open = static fn (): int => $count("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status IN ('pending', 'running')");
$started = now_ms();
$workers = start_workers($root, $so, $shop, 2);
$deadline = microtime(true) + 300;
while ($open() > 0 && microtime(true) < $deadline) {
    usleep(5_000);
}
$seconds = (now_ms() - $started) / 1000;
stop_workers($workers);

$left = $open();
$done = $count("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'done'");
$dead = $count("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'dead'");
$recorded = $count('SELECT COUNT(*) FROM oc_trendyol_orders');
$distinct = $count('SELECT COUNT(DISTINCT package_id) FROM oc_trendyol_orders');
$orders = $count('SELECT COUNT(*) FROM oc_order');
$ids = implode(',', array_map('intval', $generated['packageIds']));
$imported = $count("SELECT COUNT(*) FROM oc_trendyol_orders WHERE package_id IN ($ids)");
$jobsPerS = ($queued - $left) / $seconds;
$exactlyOnce = $imported === count($generated['packageIds']) && $recorded === $distinct && $orders === $recorded;
$report = [
    'benchmark' => 'queue', 'php' => PHP_VERSION, 'workers' => 2,
    'packages' => count($generated['packageIds']), 'jobs' => $queued, 'events_refused' => $refused,
    'jobs_done' => $done, 'jobs_left' => $left, 'jobs_dead' => $dead,
    'packages_recorded' => $recorded, 'orders_created' => $orders, 'exactly_once' => $exactlyOnce,
    'seconds' => round($seconds, 3), 'includes_worker_start' => true,
    'queue_jobs_per_s' => round($jobsPerS, 1), 'queue_jobs_per_s_target' => JOBS_PER_S_TARGET,
    'queue_jobs_per_s_ok' => $jobsPerS >= JOBS_PER_S_TARGET && $left === 0 && $dead === 0 && $exactlyOnce,
];
say('queue: ' . json_encode($report));
file_put_contents($root . '/bench/queue.json', json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$ok = static fn (bool $b): string => $b ? '✓' : '✗';
$md = "## Queue: stored order events drained by two workers\n\n"
    . "PHP {$report['php']}; {$report['jobs']} order webhook events stored through the real route, then drained by two "
    . "`php/cron/worker.php` processes (worker mode). Each job re-reads its package from `trendyol-sandbox` (own process, rate limits "
    . "off, the shop's API quotas raised to match) and creates the OpenCart order. The time runs from starting the workers to an empty queue.\n\n"
    . "| measure | value | target |\n|---|---:|---:|\n"
    . sprintf("| **jobs per second** | **%.1f** (%d jobs in %.2f s) | ≥ %.0f %s |\n", $report['queue_jobs_per_s'], $queued, $seconds, JOBS_PER_S_TARGET, $ok($report['queue_jobs_per_s_ok']))
    . sprintf("| jobs done / left / dead | %d / %d / %d | all done |\n", $done, $left, $dead)
    . sprintf("| packages → `trendyol_orders` rows → OpenCart orders | %d → %d → %d | one each %s |\n\n", $report['packages'], $recorded, $orders, $ok($exactlyOnce))
    . "Command: `php -d extension=target/release/libmeschain.so bench/php/queue_bench.php --packages=$packages --concurrency=$concurrency`\n";
file_put_contents($root . '/bench/queue.md', $md);
say('wrote bench/queue.{json,md}');
