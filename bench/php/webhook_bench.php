<?php
/**
 * Webhook benchmark: intake through a real OpenCart 4.0.2.3 shop beside OpenCart's own floor
 * and end-to-end latency from Trendyol's delivery to the
 * OpenCart order.
 *
 *   php -d extension=target/release/libmeschain.so bench/php/webhook_bench.php [--packages=N] [--concurrency=C] [--e2e-waves=W]
 *
 * Everything is real: OpenCart 4.0.2.3 from the upstream archive, installed with its own
 * cli_install into a fresh database and served by `php -S` with PHP_CLI_SERVER_WORKERS=4 and the
 * extension loaded, MesChain installed through the admin (bench/php/oversell_shop.php);
 * `trendyol-sandbox` as its own process (rate limits off); `php/cron/worker.php` processes.
 *
 * 1. Intake, in the same run and on the same server: OpenCart's floor — the cheapest storefront
 *    route, `common/cookie.confirm`: the whole framework boots (config, database, settings,
 *    session, language, customer, currency, tax and the other startup actions, events), then the
 *    action returns an empty JSON answer without loading a model or rendering a template (the
 *    shop has no cookie-policy page, the installer's default) — and MesChain's webhook route
 *    `extension/meschain/webhook/trendyol` with N valid order webhooks (distinct sandbox
 *    packages). Both get the same POST body size, C requests in flight by a curl_multi client,
 *    in alternating rounds so load from elsewhere on the machine falls on both alike.
 *    `webhook_route_vs_floor` is the webhook route's requests/s over the floor's.
 * 2. The N stored events are set aside (queue throughput is bench/php/queue_bench.php's).
 * 3. End to end: a sandbox webhook subscription points at the shop's route; orders are generated
 *    in W waves while two workers run; each package's first successful delivery (sandbox
 *    `/__sandbox/webhooks/deliveries`, `at` in ms) is compared with the moment its
 *    `trendyol_orders` row is first seen by a 10 ms poll of the database.
 *
 * Writes bench/webhooks.json and bench/webhooks.md.
 */
declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require __DIR__ . '/webhook_route.php';
require dirname(__DIR__, 2) . '/php/tests/SandboxProcess.php';
require __DIR__ . '/oversell_shop.php';

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;

const WEBHOOK_P99_TARGET_MS = 50.0;
const VS_FLOOR_TARGET = 0.8;
const E2E_P99_TARGET_MS = 150.0;
const HOOK_KEY = 'bench-hook-key-7c1e94d0a2b35f68';
const SERVER_WORKERS = 4;
const ROUNDS = 3;

$opts = getopt('', ['packages:', 'concurrency:', 'e2e-waves:']);
$packages = (int) ($opts['packages'] ?? 3000);
$concurrency = (int) ($opts['concurrency'] ?? 4);
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
$oc = OversellShop::install($root, $so, SERVER_WORKERS);
say("shop: {$oc->url} (OpenCart 4.0.2.3, module installed through the admin, " . SERVER_WORKERS . ' server workers)');
$shop = $oc->web;
$db = TestShop::mysqli($oc->database);
$db->query("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Türk Lirası', 'TRY', '', 'TL', 2, 38.5, 1, NOW())");
$engine = MesChain\Engine::fromOpenCart($shop . '/config.php');
$engine->saveSettings([
    'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
    'seller_id' => '1001', 'api_key' => 'demo-api-key', 'api_secret' => 'demo-api-secret',
    'barcode_source' => 'ean', 'log_dir' => TestShop::tempDir('hooks-logs'), 'webhook_api_key' => HOOK_KEY,
    // The sandbox runs without rate limits; the shop's quotas are raised to match, as in the
    // oversell benchmark. Under Trendyol's general rule (50 requests per 10 s per endpoint) the
    // end-to-end section's 20 orders a second would be paced by the order-list quota, and its
    // latency would be the quota's rather than the intake's and the worker's.
    'calls_per_minute' => '100000', 'calls_per_hour' => '6000000', 'api_endpoint_limit' => '10000',
]);
$engine->close();
// The demo catalog's products, with barcodes, are what Trendyol's orders are of.
$barcodes = [];
foreach ($db->query('SELECT product_id FROM oc_product WHERE status = 1 ORDER BY product_id')->fetch_all() as [$id]) {
    $barcode = sprintf('869%010d', $id);
    $db->query("UPDATE oc_product SET ean = '$barcode', quantity = 20000 WHERE product_id = $id");
    $barcodes[] = $barcode;
}
control($sandbox, 'POST', '/__sandbox/products/seed', ['barcodes' => $barcodes, 'quantity' => 20000]);

$route = $oc->url . 'index.php?route=extension/meschain/webhook/trendyol';
$floorUrl = $oc->url . 'index.php?route=common/cookie.confirm';

/**
 * POSTs each body to $url with $concurrency requests in flight.
 *
 * @param list<string> $bodies
 * @param list<string> $headers
 * @return array{latencies: list<float>, statuses: list<int>, seconds: float}
 */
function load(string $url, array $bodies, int $concurrency, array $headers): array
{
    $multi = curl_multi_init();
    $next = 0;
    $inFlight = 0;
    $latencies = [];
    $statuses = [];
    $add = static function () use (&$next, &$inFlight, $bodies, $multi, $url, $headers): void {
        $h = curl_init($url);
        curl_setopt_array($h, [
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $bodies[$next++],
            CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json'], $headers),
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
    curl_multi_close($multi);
    return ['latencies' => $latencies, 'statuses' => $statuses, 'seconds' => (now_ms() - $started) / 1000];
}

function merge_runs(array $a, array $b): array
{
    return ['latencies' => array_merge($a['latencies'], $b['latencies']), 'statuses' => array_merge($a['statuses'], $b['statuses']), 'seconds' => $a['seconds'] + $b['seconds']];
}

/** @param array{latencies: list<float>, statuses: list<int>, seconds: float} $run */
function summary(array $run, int $concurrency): array
{
    $ok = count(array_filter($run['statuses'], static fn (int $s): bool => $s >= 200 && $s < 300));
    return [
        'requests' => count($run['statuses']), 'accepted_2xx' => $ok, 'every_2xx' => $ok === count($run['statuses']),
        'seconds' => round($run['seconds'], 3), 'requests_per_s' => round(count($run['statuses']) / $run['seconds'], 1),
        'concurrency' => $concurrency, 'p50_ms' => percentile($run['latencies'], 50),
        'p99_ms' => percentile($run['latencies'], 99), 'max_ms' => percentile($run['latencies'], 100),
    ];
}

// ---- 1. intake: OpenCart's floor and the webhook route, alternating rounds ----
$generated = control($sandbox, 'POST', '/__sandbox/orders/generate', ['count' => $packages, 'splitShare' => 0, 'cancelShare' => 0]);
$bodies = [];
foreach ($generated['packageIds'] as $id) {
    $bodies[] = json_encode(control($sandbox, 'GET', "/__sandbox/packages/$id")['package']);
}
say(sprintf('intake: %d packages, %d in flight, %d rounds of floor then webhook', count($bodies), $concurrency, ROUNDS));
// Warm-up, not measured: each server worker compiles OpenCart's classes and builds its engine.
load($floorUrl, array_fill(0, 4 * SERVER_WORKERS, $bodies[0]), $concurrency, []);
$floorRun = ['latencies' => [], 'statuses' => [], 'seconds' => 0.0];
$hookRun = $floorRun;
foreach (array_chunk($bodies, (int) ceil(count($bodies) / ROUNDS)) as $chunk) {
    $floorRun = merge_runs($floorRun, load($floorUrl, $chunk, $concurrency, []));
    $hookRun = merge_runs($hookRun, load($route, $chunk, $concurrency, ['x-api-key: ' . HOOK_KEY]));
}
$floor = summary($floorRun, $concurrency) + ['route' => 'common/cookie.confirm'];
$intake = summary($hookRun, $concurrency) + ['route' => 'extension/meschain/webhook/trendyol'];
$queued = (int) $db->query("SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE status = 'pending'")->fetch_row()[0];
$vsFloor = round($intake['requests_per_s'] / max(0.001, $floor['requests_per_s']), 3);
$intake += [
    'p99_target_ms' => WEBHOOK_P99_TARGET_MS,
    'p99_ok' => $intake['p99_ms'] <= WEBHOOK_P99_TARGET_MS && $intake['every_2xx'],
    'vs_floor' => $vsFloor, 'vs_floor_target' => VS_FLOOR_TARGET,
    'vs_floor_ok' => $vsFloor >= VS_FLOOR_TARGET && $intake['every_2xx'] && $floor['every_2xx'],
    'queued_jobs' => $queued, 'server_workers' => SERVER_WORKERS, 'rounds' => ROUNDS,
];
say('floor: ' . json_encode($floor));
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
$report = [
    'benchmark' => 'webhooks', 'php' => PHP_VERSION, 'cpu' => $cpu,
    'webhook_route_vs_floor' => $vsFloor, 'webhook_p99_ms' => $intake['p99_ms'],
    'webhook_e2e_p99_ms' => $e2e['delivery_to_order_p99_ms'],
    'floor' => $floor, 'intake' => $intake, 'end_to_end' => $e2e,
];
file_put_contents($root . '/bench/webhooks.json', json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$ok = static fn (bool $b): string => $b ? '✓' : '✗';
$md = "## Webhooks: intake beside OpenCart's floor, end to end\n\n"
    . "PHP {$report['php']}, a real OpenCart 4.0.2.3 shop (upstream archive, cli_install, MesChain installed through the admin) served by "
    . "`php -S` with `PHP_CLI_SERVER_WORKERS=" . SERVER_WORKERS . "` and the extension loaded, `trendyol-sandbox` as its own process, MariaDB on 127.0.0.1, $cpu.\n\n"
    . "| measure | value | target |\n|---|---:|---:|\n"
    . sprintf("| OpenCart's floor `common/cookie.confirm`: %d requests, %d in flight | **%.0f requests/s**, %d × 2xx; p50 / p99 %.1f / %.1f ms | |\n", $floor['requests'], $concurrency, $floor['requests_per_s'], $floor['accepted_2xx'], $floor['p50_ms'], $floor['p99_ms'])
    . sprintf("| webhook route: %d valid order webhooks (distinct packages), %d in flight | **%.0f requests/s**, %d × 2xx | |\n", $intake['requests'], $concurrency, $intake['requests_per_s'], $intake['accepted_2xx'])
    . sprintf("| `webhook_route_vs_floor` (webhook requests/s ÷ floor requests/s) | **%.3f** | ≥ %.1f, every request 2xx %s |\n", $vsFloor, VS_FLOOR_TARGET, $ok($intake['vs_floor_ok']))
    . sprintf("| webhook latency p50 / p99 / max (`webhook_p99_ms`) | %.1f / **%.1f** / %.1f ms | p99 ≤ %.0f ms %s |\n", $intake['p50_ms'], $intake['p99_ms'], $intake['max_ms'], WEBHOOK_P99_TARGET_MS, $ok($intake['p99_ok']))
    . sprintf("| end to end, delivery → order row (%d packages in %d waves, 2 workers) p50 / p99 / max (`webhook_e2e_p99_ms`) | %.0f / **%.0f** / %.0f ms | p99 ≤ %.0f ms %s |\n", count($generatedAt), $waves, $e2e['delivery_to_order_p50_ms'], $e2e['delivery_to_order_p99_ms'], $e2e['delivery_to_order_max_ms'], E2E_P99_TARGET_MS, $ok($e2e['p99_ok']))
    . sprintf("| end to end, order generated → order row p50 / p99 | %.0f / %.0f ms | |\n\n", $e2e['generate_to_order_p50_ms'], $e2e['generate_to_order_p99_ms'])
    . "The floor is OpenCart's cheapest storefront route: `common/cookie.confirm` boots the whole framework (config, database, settings, "
    . "session, language, customer, currency, tax and the other startup actions) and, with no cookie-policy page configured (the installer's "
    . "default), answers an empty JSON object without a model or a template. Every storefront route pays at least this, so the webhook route "
    . "cannot beat it; the ratio is what MesChain's intake (credential check, durable insert, log row) adds on top. Both routes get the same "
    . "bodies at the same concurrency, in " . ROUNDS . " alternating rounds after an unmeasured warm-up. The default concurrency is the number of "
    . "server workers, so a latency is the request's own rather than its wait in the listen queue behind others.\n\n"
    . "The shop's API quotas are raised to match the sandbox, which runs without rate limits (as in the oversell benchmark): under Trendyol's "
    . "general rule of 50 requests per 10 s per endpoint, the end-to-end section's 20 orders a second would wait for the order-list quota.\n\n"
    . "Delivery time is the sandbox's record of a successful delivery (taken when the route answered); the order row's time is the first "
    . "10 ms poll that sees its `trendyol_orders` row, so figures carry up to ~10 ms of poll granularity. Orders seen: {$e2e['orders_seen']} of {$e2e['packages']}.\n\n"
    . "Command: `php -d extension=target/release/libmeschain.so bench/php/webhook_bench.php --packages=$packages --concurrency=$concurrency --e2e-waves=$waves`\n";
file_put_contents($root . '/bench/webhooks.md', $md);
say('wrote bench/webhooks.{json,md}');
