<?php
/**
 * One shop PHP process for the shared-quota benchmark: calls one Trendyol endpoint through
 * the extension as fast as the shop-wide limiter allows, from a common start time, and prints
 * one JSON line with its counts. Started by `quota-bench --php`.
 *
 *   php -d extension=libmeschain.so bench/php/quota_worker.php \
 *       --database=NAME --base-url=http://127.0.0.1:PORT --start-ms=EPOCH_MS --seconds=60 \
 *       [--limit=50 --window=10]
 */
declare(strict_types=1);

$o = getopt('', ['database:', 'base-url:', 'start-ms:', 'seconds:', 'limit:', 'window:', 'db-host:', 'db-port:']);
foreach (['database', 'base-url', 'start-ms', 'seconds'] as $required) {
    if (!isset($o[$required])) {
        fwrite(STDERR, "quota_worker: --$required is required\n");
        exit(2);
    }
}

$engine = MesChain\Engine::fromArray([
    'hostname' => $o['db-host'] ?? '127.0.0.1',
    'port' => (int) ($o['db-port'] ?? 3306),
    'username' => 'root',
    'database' => $o['database'],
    'prefix' => 'oc_',
    'log_dir' => sys_get_temp_dir() . '/meschain-bench-logs',
    'settings' => [
        'environment' => 'sandbox',
        'sandbox_url' => $o['base-url'],
        'seller_id' => '1001',
        'api_key' => 'demo-api-key',
        'api_secret' => 'demo-api-secret',
        'integrator_name' => 'MesChainBench',
        'api_endpoint_limit' => (string) ($o['limit'] ?? 50),
        'api_endpoint_window' => (string) ($o['window'] ?? 10),
    ],
]);
// Warm up the connection and the client before the common start.
$engine->status();

$startMs = (int) $o['start-ms'];
$waitUs = ($startMs - (int) floor(microtime(true) * 1000)) * 1000;
if ($waitUs > 0) {
    usleep($waitUs);
}
$until = microtime(true) + (float) $o['seconds'];
$calls = $succeeded = $rateLimited = 0;
$latency = 0.0;
$errors = [];
while (microtime(true) < $until) {
    $t = microtime(true);
    $calls++;
    try {
        $engine->trendyolRead('orders', ['size' => 1]);
        $succeeded++;
    } catch (MesChain\ApiException $e) {
        if ($e->getCode() === 510) {
            $rateLimited++; // our own limiter said "not before the deadline", or a 429
        }
        if (microtime(true) < $until) {
            $errors[] = $e->getMessage();
        }
    }
    $latency += microtime(true) - $t;
}
echo json_encode([
    'pid' => getmypid(),
    'php' => PHP_VERSION,
    'calls' => $calls,
    'succeeded' => $succeeded,
    'rate_limited' => $rateLimited,
    'mean_call_ms' => $calls ? round($latency / $calls * 1000, 1) : 0,
    'errors_during_run' => count($errors),
    'first_errors' => array_slice($errors, 0, 3),
]), "\n";
