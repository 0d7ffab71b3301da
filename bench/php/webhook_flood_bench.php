<?php
/**
 * Junk-credential flood against the webhook route: what 10,000 requests with wrong or missing
 * credentials cost the shop's database, and what they do to good deliveries sent meanwhile.
 *
 *   php -d extension=target/release/libmeschain.so bench/php/webhook_flood_bench.php [--bad=N] [--good=N] [--concurrency=C]
 *
 * Everything is real: a fresh OpenCart database on the local MariaDB, the webhook route served by
 * PHP's built-in server with PHP_CLI_SERVER_WORKERS=4 and the extension loaded
 * (php/tests/webhook_router.php runs the module's controller), curl_multi clients.
 *
 * 1. Baseline: the good deliveries alone (distinct packages, the right API key), from 127.0.0.1;
 *    latency percentiles.
 * 2. Flood: the bad requests from 127.0.0.2 (wrong keys, some with none), C in flight, and at the
 *    same time as many good deliveries again from 127.0.0.1; the statuses of both, the good
 *    ones' latency percentiles, and the rows the flood added to the webhook log (and to the
 *    queue: none).
 *
 * Writes bench/webhook_flood.json and bench/webhook_flood.md.
 */
declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require __DIR__ . '/webhook_route.php';

use MesChainTest\TestShop;

const HOOK_KEY = 'bench-flood-key-2f9c04e1b7a65d38';
const WORKERS = 4;
const GOOD_P99_TARGET_MS = 1000.0;
/** A worker writes its first refusal at once, then one aggregated row a minute. */
const ROWS_PER_WORKER = 2;
const GOOD_SOURCE = '127.0.0.1';
const BAD_SOURCE = '127.0.0.2';

$opts = getopt('', ['bad:', 'good:', 'concurrency:']);
$bad = (int) ($opts['bad'] ?? 10000);
$good = (int) ($opts['good'] ?? 1000);
$concurrency = (int) ($opts['concurrency'] ?? 16);
$root = dirname(__DIR__, 2);
$so = $root . '/target/release/libmeschain.so';

if (!extension_loaded('meschain')) {
    fwrite(STDERR, "load the extension: php -d extension=$so bench/php/webhook_flood_bench.php\n");
    exit(1);
}

function package(int $id): string
{
    return (string) json_encode([
        'shipmentPackageId' => $id, 'orderNumber' => (string) (10_000_000 + $id), 'status' => 'Created',
        'lastModifiedDate' => 1_767_000_000_000, 'sellerId' => 1001,
        'lines' => [['lineId' => 1, 'barcode' => '8690000000011', 'quantity' => 1, 'lineUnitPrice' => 149.9]],
    ]);
}

/**
 * Sends requests with at most $inFlight open at once.
 *
 * @param list<array{body: string, headers: list<string>, source: string, kind: string}> $requests
 * @return array<string, array{statuses: array<int, int>, latencies: list<float>}> by kind
 */
function send(string $route, array $requests, int $inFlight): array
{
    $multi = curl_multi_init();
    $results = [];
    $next = 0;
    $open = 0;
    $kinds = [];
    $add = static function () use (&$next, &$open, &$kinds, $requests, $multi, $route): void {
        $r = $requests[$next++];
        $h = curl_init($route);
        curl_setopt_array($h, [
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $r['body'],
            CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json'], $r['headers']),
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => 30,
            // The source address is what the route counts failures by.
            CURLOPT_INTERFACE => $r['source'],
        ]);
        $kinds[spl_object_id($h)] = $r['kind'];
        curl_multi_add_handle($multi, $h);
        $open++;
    };
    while ($next < count($requests) && $open < $inFlight) {
        $add();
    }
    do {
        curl_multi_exec($multi, $running);
        curl_multi_select($multi, 0.05);
        while (($info = curl_multi_info_read($multi)) !== false) {
            $h = $info['handle'];
            $kind = $kinds[spl_object_id($h)];
            $status = (int) curl_getinfo($h, CURLINFO_RESPONSE_CODE);
            $results[$kind]['statuses'][$status] = ($results[$kind]['statuses'][$status] ?? 0) + 1;
            $results[$kind]['latencies'][] = curl_getinfo($h, CURLINFO_TOTAL_TIME_T) / 1000.0;
            curl_multi_remove_handle($multi, $h);
            curl_close($h);
            $open--;
            if ($next < count($requests)) {
                $add();
            }
        }
    } while ($open > 0);
    curl_multi_close($multi);
    return $results;
}

TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);

$database = TestShop::openCartDatabase('flood', 0);
$shop = TestShop::tempDir('flood-shop');
$config = TestShop::writeConfigPhp($shop, $database);
$db = TestShop::mysqli($database);
$engine = MesChain\Engine::fromOpenCart($config);
$engine->migrate();
$engine->saveSettings([
    'seller_id' => '1001', 'webhook_auth' => 'api_key', 'webhook_api_key' => HOOK_KEY,
    'log_dir' => TestShop::tempDir('flood-logs'),
]);
$engine->close();

// Linux routes all of 127.0.0.0/8 to loopback, so the flood can come from another address than
// the good deliveries (as it does on the internet) while the server listens on 127.0.0.1 only.
$route = serve_webhook_route($root, $so, $shop, WORKERS);

$count = static fn (string $sql): int => (int) $db->query($sql)->fetch_row()[0];
$goodRequests = static function (int $from, int $n): array {
    $list = [];
    for ($i = 0; $i < $n; $i++) {
        $list[] = ['body' => package($from + $i), 'headers' => ['x-api-key: ' . HOOK_KEY], 'source' => GOOD_SOURCE, 'kind' => 'good'];
    }
    return $list;
};

// ---- 1. baseline: good deliveries alone ----
$started = now_ms();
$base = send($route, $goodRequests(1_000_000, $good), 4)['good'];
$baseS = (now_ms() - $started) / 1000;
$baseline = [
    'requests' => $good, 'ok_2xx' => array_sum(array_filter($base['statuses'], static fn ($s) => $s >= 200 && $s < 300, ARRAY_FILTER_USE_KEY)),
    'seconds' => round($baseS, 3), 'p50_ms' => percentile($base['latencies'], 50), 'p99_ms' => percentile($base['latencies'], 99),
];
say('baseline: ' . json_encode($baseline));

// ---- 2. the flood, with good deliveries meanwhile ----
$logBefore = $count('SELECT COUNT(*) FROM oc_trendyol_webhook_logs');
$refusedBefore = $count("SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE http_status IN (401, 429)");
$queueBefore = $count('SELECT COUNT(*) FROM oc_trendyol_sync_queue');
$requests = [];
$goods = $goodRequests(2_000_000, $good);
$every = max(1, intdiv($bad, max(1, $good)));
for ($i = 0, $g = 0; $i < $bad; $i++) {
    $headers = $i % 10 === 9 ? [] : ['x-api-key: guess-' . bin2hex(random_bytes(8))];
    $requests[] = ['body' => package(3_000_000 + $i), 'headers' => $headers, 'source' => BAD_SOURCE, 'kind' => 'bad'];
    if ($i % $every === 0 && $g < count($goods)) {
        $requests[] = $goods[$g++];
    }
}
while ($g < count($goods)) {
    $requests[] = $goods[$g++];
}
$started = now_ms();
$results = send($route, $requests, $concurrency);
$floodS = (now_ms() - $started) / 1000;
$refusedRows = $count("SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE http_status IN (401, 429)") - $refusedBefore;
$goodRows = $count('SELECT COUNT(*) FROM oc_trendyol_webhook_logs') - $logBefore - $refusedRows;
$queued = $count('SELECT COUNT(*) FROM oc_trendyol_sync_queue') - $queueBefore;
$rows = $db->query("SELECT http_status, remote_ip, reason FROM oc_trendyol_webhook_logs WHERE http_status IN (401, 429) ORDER BY webhook_log_id")->fetch_all();
$badStatuses = $results['bad']['statuses'] ?? [];
ksort($badStatuses);
$goodStatuses = $results['good']['statuses'] ?? [];
$goodOk = array_sum(array_filter($goodStatuses, static fn ($s) => $s >= 200 && $s < 300, ARRAY_FILTER_USE_KEY));
$flood = [
    'bad_requests' => $bad, 'bad_statuses' => $badStatuses, 'bad_per_s' => round($bad / $floodS, 1),
    'bad_p50_ms' => percentile($results['bad']['latencies'] ?? [], 50),
    'good_requests' => $good, 'good_2xx' => $goodOk,
    'good_p50_ms' => percentile($results['good']['latencies'] ?? [], 50), 'good_p99_ms' => percentile($results['good']['latencies'] ?? [], 99),
    'seconds' => round($floodS, 3), 'concurrency' => $concurrency, 'server_workers' => WORKERS,
    'log_rows_from_the_flood' => $refusedRows, 'log_rows_target' => ROWS_PER_WORKER * WORKERS,
    'log_rows_of_good_deliveries' => $goodRows, 'queue_rows_added' => $queued,
    'refusal_rows' => array_map(static fn (array $r): array => ['http_status' => (int) $r[0], 'remote_ip' => $r[1], 'reason' => $r[2]], $rows),
];
$flood['rows_ok'] = $refusedRows <= ROWS_PER_WORKER * WORKERS;
$flood['good_ok'] = $goodOk === $good && $flood['good_p99_ms'] <= GOOD_P99_TARGET_MS;
$flood['refused_ok'] = array_sum($badStatuses) === $bad && array_sum(array_intersect_key($badStatuses, [401 => 1, 429 => 1])) === $bad;
say('flood: ' . json_encode($flood, JSON_UNESCAPED_UNICODE));

$cpu = 'unknown';
foreach (file('/proc/cpuinfo') ?: [] as $line) {
    if (str_starts_with($line, 'model name')) {
        $cpu = trim(explode(':', $line, 2)[1]);
        break;
    }
}
$report = ['benchmark' => 'webhook_flood', 'php' => PHP_VERSION, 'cpu' => $cpu, 'baseline' => $baseline, 'flood' => $flood];
file_put_contents($root . '/bench/webhook_flood.json', json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
$ok = static fn (bool $b): string => $b ? '✓' : '✗';
$statusText = implode(', ', array_map(static fn ($s, $n) => "$n × $s", array_keys($badStatuses), $badStatuses));
$md = "## Webhook route under a junk-credential flood\n\n"
    . "PHP {$report['php']}, the real route (`php -S` with `PHP_CLI_SERVER_WORKERS=" . WORKERS . "`, `php/tests/webhook_router.php`, extension loaded), "
    . "MariaDB on 127.0.0.1, $cpu. Bad requests come from " . BAD_SOURCE . " (a wrong random key, every tenth none), good deliveries "
    . "(distinct packages, the right key) from " . GOOD_SOURCE . ".\n\n"
    . "| measure | value | target |\n|---|---:|---:|\n"
    . sprintf("| baseline: %d good deliveries alone, 4 in flight, p50 / p99 | %.1f / **%.1f** ms | |\n", $good, $baseline['p50_ms'], $baseline['p99_ms'])
    . sprintf("| flood: %d bad requests, %d in flight, answered | %s (%.0f requests/s, p50 %.1f ms) | every one 401 or 429 %s |\n", $bad, $concurrency, $statusText, $flood['bad_per_s'], $flood['bad_p50_ms'], $ok($flood['refused_ok']))
    . sprintf("| webhook log rows the flood added | **%d** | ≤ %d (%d per server worker) %s |\n", $refusedRows, ROWS_PER_WORKER * WORKERS, ROWS_PER_WORKER, $ok($flood['rows_ok']))
    . sprintf("| queue rows the flood added | %d | 0 %s |\n", $queued - $goodRows, $ok($queued === $goodRows))
    . sprintf("| %d good deliveries during the flood: 2xx, p50 / p99 | %d × 2xx, %.1f / **%.1f** ms | all 2xx, p99 ≤ %.0f ms %s |\n\n", $good, $goodOk, $flood['good_p50_ms'], $flood['good_p99_ms'], GOOD_P99_TARGET_MS, $ok($flood['good_ok']))
    . "Refusal rows written:\n\n" . implode('', array_map(static fn (array $r): string => "- {$r['http_status']} {$r['remote_ip']}: {$r['reason']}\n", $flood['refusal_rows'])) . "\n"
    . "Command: `php -d extension=target/release/libmeschain.so bench/php/webhook_flood_bench.php --bad=$bad --good=$good --concurrency=$concurrency`\n";
file_put_contents($root . '/bench/webhook_flood.md', $md);
say('wrote bench/webhook_flood.{json,md}');
exit($flood['rows_ok'] && $flood['good_ok'] && $flood['refused_ok'] ? 0 : 1);
