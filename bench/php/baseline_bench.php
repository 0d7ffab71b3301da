<?php
/**
 * The baseline a shop owner would otherwise pick: the one-call-per-product stock sync that
 * typical OpenCart marketplace modules do (plain PHP, curl, one price & inventory request per
 * product), against MesChain's stock job on the same catalog and the same sandbox.
 *
 *   php -d extension=target/release/libmeschain.so bench/php/baseline_bench.php [--products=10000]
 *
 * A shop of N generated products (`meschain-tool shop`), each approved on the sandbox (rate
 * limits off: real Trendyol allows 50 price & inventory calls per 10 s, which would make the
 * baseline take N / 5 seconds to run here) and each with a stock that differs from what
 * Trendyol has, so a sync must send every product:
 *
 * 1. baseline: read id, barcode and quantity of every product with mysqli, then one curl POST
 *    per product (one reused handle, keep-alive), one item each;
 * 2. MesChain: `$engine->run('stock_sync')`, the cron job's own run (the daily reconciliation
 *    is not due: the cursor says it ran a moment ago).
 *
 * Calls come from the sandbox's request log. `meschain_to_baseline` is MesChain's time divided by
 * the baseline's, each the run's wall time or the least time Trendyol's limit allows for its calls
 * when that is longer (below 1: MesChain is faster); the bare-wire ratio is kept beside it.
 * Writes bench/baseline.json and bench/baseline.md.
 */
declare(strict_types=1);

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require __DIR__ . '/webhook_route.php';
require dirname(__DIR__, 2) . '/php/tests/SandboxProcess.php';

use MesChainTest\SandboxProcess;
use MesChainTest\TestShop;

const SELLER = '1001';
const KEY = 'demo-api-key';
const SECRET = 'demo-api-secret';
/** Trendyol's price & inventory limit: 50 calls per 10 s. */
const LIMIT_CALLS = 50;
const LIMIT_WINDOW_S = 10;

$opts = getopt('', ['products:']);
$n = max(1, (int) ($opts['products'] ?? 10000));
$root = dirname(__DIR__, 2);
if (!extension_loaded('meschain')) {
    fwrite(STDERR, "load the extension: php -d extension=$root/target/release/libmeschain.so bench/php/baseline_bench.php\n");
    exit(1);
}

TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);
$sandbox = new SandboxProcess(['--rate-limits', 'off', '--request-log-cap', '1000000']);
$database = TestShop::openCartDatabase('baseline', $n);
$config = TestShop::writeConfigPhp(TestShop::tempDir('baseline-shop'), $database);
$db = TestShop::mysqli($database);
$engine = MesChain\Engine::fromOpenCart($config);
$engine->migrate();
$engine->saveSettings([
    'status' => '1', 'environment' => 'sandbox', 'sandbox_url' => $sandbox->url,
    'seller_id' => SELLER, 'api_key' => KEY, 'api_secret' => SECRET, 'barcode_source' => 'ean',
    'log_dir' => TestShop::tempDir('baseline-logs'), 'max_execution_time' => '3600',
    'calls_per_minute' => '100000', 'calls_per_hour' => '6000000', 'api_endpoint_limit' => '10000',
]);

// Every product approved on Trendyol with a stock one above the shop's.
$db->query("UPDATE oc_product SET status = 1, quantity = 10 + product_id % 90");
$db->query("INSERT INTO oc_trendyol_products (seller_id, product_id, barcode, sync_status, confirmed_quantity, created_at, updated_at) SELECT " . SELLER . ", product_id, ean, 'approved', quantity + 1, UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM oc_product WHERE ean <> ''");
$db->query("INSERT INTO oc_trendyol_cursors (name, value, position_ms, updated_at) VALUES ('stock_sync.reconciled', '', " . (int) (microtime(true) * 1000) . ", NOW(3))");
$barcodes = array_column($db->query("SELECT ean FROM oc_product WHERE ean <> ''")->fetch_all(), 0);
foreach (array_chunk($barcodes, 50000) as $chunk) {
    $sandbox->control('POST', '/__sandbox/products/seed', ['barcodes' => $chunk, 'quantity' => 1]);
}
$path = '/integration/inventory/sellers/' . SELLER . '/products/price-and-inventory';
say(sprintf('%d products approved on the sandbox', count($barcodes)));

/** Successful price & inventory calls and their items since log sequence `$since`. */
$writes = static function (int $since) use ($sandbox, $path): array {
    $log = $sandbox->control('GET', "/__sandbox/requests?method=POST&limit=1000000&since=$since&path_prefix=" . rawurlencode($path))['requests'] ?? [];
    $calls = 0;
    $items = 0;
    $last = $since;
    foreach ($log as $entry) {
        $last = max($last, (int) $entry['seq']);
        if ((int) $entry['status'] === 200) {
            $calls++;
            $items += count((array) ($entry['bodyJson']['items'] ?? []));
        }
    }
    return [$calls, $items, $last];
};

// ---- 1. the baseline: one call per product ----
$started = now_ms();
$rows = $db->query("SELECT product_id, ean, quantity FROM oc_product WHERE ean <> '' ORDER BY product_id")->fetch_all(MYSQLI_ASSOC);
$h = curl_init();
curl_setopt_array($h, [
    CURLOPT_URL => $sandbox->url . $path,
    CURLOPT_POST => true,
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_USERPWD => KEY . ':' . SECRET,
    CURLOPT_USERAGENT => SELLER . ' - SelfIntegration',
    CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
    CURLOPT_TIMEOUT => 30,
]);
$failed = 0;
foreach ($rows as $row) {
    curl_setopt($h, CURLOPT_POSTFIELDS, json_encode(['items' => [['barcode' => $row['ean'], 'quantity' => (int) $row['quantity']]]]));
    curl_exec($h);
    if ((int) curl_getinfo($h, CURLINFO_RESPONSE_CODE) !== 200) {
        $failed++;
    }
}
curl_close($h);
$baselineS = (now_ms() - $started) / 1000;
[$baselineCalls, $baselineItems, $seq] = $writes(0);
say(sprintf('baseline: %d calls, %d items, %.2f s, %d failed', $baselineCalls, $baselineItems, $baselineS, $failed));

// The sandbox holds the shop's stock now; put Trendyol's old figure back in the shop's records,
// so MesChain has the same work to do.
$db->query("UPDATE oc_trendyol_products SET confirmed_quantity = confirmed_quantity + 1000");

// ---- 2. MesChain's stock job ----
$started = now_ms();
$run = $engine->run('stock_sync', ['force' => true, 'trigger' => 'bench']);
$meschainS = (now_ms() - $started) / 1000;
[$meschainCalls, $meschainItems] = $writes($seq);
say(sprintf('MesChain: %d calls, %d items, %.2f s (%s)', $meschainCalls, $meschainItems, $meschainS, (string) ($run['message'] ?? '')));

// Trendyol allows 50 price & inventory calls per 10 s (a first burst of 50 at once): no run can
// take less than this, whatever the wire.
$limited = static fn (int $calls, float $wall): float => max($wall, (ceil($calls / LIMIT_CALLS) - 1) * LIMIT_WINDOW_S);
$baselineLimitedS = $limited($baselineCalls, $baselineS);
$meschainLimitedS = $limited($meschainCalls, $meschainS);
$ratio = round($meschainLimitedS / $baselineLimitedS, 5);
$bareRatio = $baselineS > 0 ? round($meschainS / $baselineS, 3) : null;
$result = [
    'benchmark' => 'baseline',
    'products' => count($barcodes),
    'baseline' => ['calls' => $baselineCalls, 'items' => $baselineItems, 'seconds' => round($baselineS, 2), 'failed' => $failed],
    'meschain' => ['calls' => $meschainCalls, 'items' => $meschainItems, 'seconds' => round($meschainS, 2), 'message' => (string) ($run['message'] ?? '')],
    'baseline_at_trendyols_limit_s' => round($baselineLimitedS, 1),
    'meschain_at_trendyols_limit_s' => round($meschainLimitedS, 2),
    'meschain_to_baseline' => $ratio,
    'meschain_to_baseline_bare_wire' => $bareRatio,
    'calls_ratio' => $baselineCalls > 0 ? round($meschainCalls / $baselineCalls, 4) : null,
    'every_item_sent' => $baselineItems === count($barcodes) && $meschainItems === count($barcodes),
];
say(json_encode($result));
file_put_contents("$root/bench/baseline.json", json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
$md = "# Baseline: one call per product\n\n"
    . "A stock sync of {$result['products']} products that all changed, the way typical OpenCart marketplace modules\n"
    . "do it (plain PHP + curl, one price & inventory call per product, one reused keep-alive handle, no look at the\n"
    . "outcome) and MesChain's `stock_sync` run (⌈N/1000⌉ calls, then it reads each batch result and confirms the\n"
    . "items), against the same sandbox and database. `php bench/php/baseline_bench.php --products=$n` (from\n"
    . "`./run bench`), " . gmdate('Y-m-d H:i') . " UTC.\n\n"
    . "| | calls | items | wall time, bare wire | at Trendyol's limit (50 calls / 10 s) |\n|---|---:|---:|---:|---:|\n"
    . "| one call per product | $baselineCalls | $baselineItems | " . round($baselineS, 2) . " s | ≥ " . round($baselineLimitedS, 1) . " s |\n"
    . "| MesChain `stock_sync` | $meschainCalls | $meschainItems | " . round($meschainS, 2) . " s | " . round($meschainLimitedS, 2) . " s |\n"
    . "| **MesChain / baseline** | " . ($result['calls_ratio'] ?? '—') . " | | " . ($bareRatio ?? '—') . " | **$ratio** |\n\n"
    . "The sandbox ran with its rate limits off, so both sides met the bare loopback wire: there a call costs\n"
    . "about a tenth of a millisecond and MesChain's extra work (reading the batch results, confirming each item\n"
    . "in the database) is most of its time. Trendyol itself takes at most 50 price & inventory calls per 10 s\n"
    . "(a first burst of 50 at once); the last column is each run's wall time, or the least time that limit\n"
    . "allows for its calls when that is longer. `baseline_per_product_ratio` in bench/report.json is that\n"
    . "column's ratio.\n";
file_put_contents("$root/bench/baseline.md", $md);
echo $md;
