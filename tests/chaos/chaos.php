<?php
/**
 * The chaos suite (`./run chaos`): runs the storm of ChaosRun once per seed and checks that
 * nothing was lost or doubled. Each run prints its seed first, so a failure replays with
 * `./run chaos --seed S`.
 *
 *   php -d extension=target/release/libmeschain.so tests/chaos/chaos.php [--runs=N] [--seed=S] [--short] [--report=FILE]
 *
 * --short is CI's form: one run, a small shop, a short storm. Seeds of a multi-run go S, S+1, ...
 * Exit code: 0 when every run held, 1 when one did not, 2 on bad usage.
 *
 * MariaDB is restarted inside every run: run the suite alone on the server.
 */
declare(strict_types=1);

namespace MesChainChaos;

use MesChainTest\TestShop;

require dirname(__DIR__, 2) . '/php/tests/TestShop.php';
require dirname(__DIR__, 2) . '/php/tests/SandboxProcess.php';
require __DIR__ . '/ChaosProcess.php';
require __DIR__ . '/MariaDbServer.php';
require __DIR__ . '/ChaosRun.php';

$usage = "Usage: php tests/chaos/chaos.php [--runs=N] [--seed=S] [--short] [--report=FILE]\n";
$runs = 1;
$seed = null;
$short = false;
$report = null;
$args = array_slice($argv, 1);
while ($args !== []) {
    $arg = array_shift($args);
    // Both --runs=N and --runs N.
    if (preg_match('/^--(runs|seed|report)$/', $arg) && $args !== []) {
        $arg .= '=' . array_shift($args);
    }
    if (preg_match('/^--runs=([0-9]+)$/', $arg, $m) && (int) $m[1] >= 1) {
        $runs = (int) $m[1];
    } elseif (preg_match('/^--seed=([0-9]+)$/', $arg, $m)) {
        $seed = (int) $m[1];
    } elseif ($arg === '--short') {
        $short = true;
    } elseif (preg_match('/^--report=(.+)$/', $arg, $m)) {
        $report = $m[1];
    } elseif ($arg === '--help' || $arg === '-h') {
        fwrite(STDOUT, $usage);
        exit(0);
    } else {
        fwrite(STDERR, "chaos: unexpected argument '$arg'\n$usage");
        exit(2);
    }
}
if (!extension_loaded('meschain')) {
    fwrite(STDERR, "chaos: load the extension: php -d extension=\$PWD/target/release/libmeschain.so tests/chaos/chaos.php\n");
    exit(2);
}
$seed ??= random_int(1, 999_999);
$size = $short
    ? ['products' => 150, 'waves' => 2, 'per_wave' => 30, 'storm' => 40, 'kills' => 2]
    : ['products' => 600, 'waves' => 5, 'per_wave' => 80, 'storm' => 120, 'kills' => 6];
if ($short) {
    $runs = 1;
}

$root = dirname(__DIR__, 2);
$mariadb = new MariaDbServer($root);
// Whatever happens (an exception, Ctrl-C), MariaDB is up again when the suite ends.
register_shutdown_function([$mariadb, 'ensureUp']);
pcntl_async_signals(true);
foreach ([SIGINT, SIGTERM] as $signal) {
    pcntl_signal($signal, static function () use ($mariadb): void {
        $mariadb->ensureUp();
        exit(130);
    });
}
TestShop::createRunDatabase();
register_shutdown_function([TestShop::class, 'dropRunDatabase']);

$results = [];
$failed = 0;
for ($i = 0; $i < $runs; $i++) {
    $runSeed = $seed + $i;
    fwrite(STDOUT, sprintf("chaos: run %d/%d, seed %d%s\n", $i + 1, $runs, $runSeed, $short ? ' (short)' : ''));
    try {
        $result = (new ChaosRun($runSeed, $size, $root, $mariadb))->run();
    } catch (\Throwable $e) {
        $result = ['failures' => [get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine()], 'figures' => []];
    }
    $f = $result['figures'];
    $deliveries = array_sum(array_filter($f, fn ($v, $k) => str_starts_with((string) $k, 'delivered_'), ARRAY_FILTER_USE_BOTH));
    $line = sprintf(
        'seed %d: %s | %d s | %d products (%d approved, %d rejected, %d invalid, %d failed) | %d packages → %d orders, %d units | '
        . '%d route deliveries (%d accepted), %d sandbox webhook deliveries | %d kills, %d DB restarts, %d status changes, %d owner edits | '
        . 'faults in %d API requests: %d×500, %d×429, %d hang/reset | queue: %d done, %d dead | settled in %d rounds',
        $runSeed, $result['failures'] === [] ? 'ok' : 'FAILED', $f['seconds'] ?? 0, $f['products'] ?? 0,
        $f['products_approved'] ?? 0, $f['products_rejected'] ?? 0, $f['products_invalid'] ?? 0, $f['products_failed'] ?? 0,
        $f['packages'] ?? 0, $f['orders'] ?? 0, $f['units_sold'] ?? 0, $deliveries, $f['delivered_200'] ?? 0,
        $f['sandbox_webhooks'] ?? 0, $f['kills'] ?? 0, $f['db_restarts'] ?? 0, $f['status_changes'] ?? 0, $f['owner_edits'] ?? 0,
        $f['sandbox_requests'] ?? 0, $f['sandbox_500'] ?? 0, $f['sandbox_429'] ?? 0, $f['sandbox_0'] ?? 0, $f['queue_done'] ?? 0, $f['queue_dead'] ?? 0,
        $f['settle_rounds'] ?? 0,
    );
    fwrite(STDOUT, $line . "\n");
    $codes = array_filter($f, fn ($v, $k) => str_starts_with((string) $k, 'delivered_'), ARRAY_FILTER_USE_BOTH);
    fwrite(STDOUT, '  route answers: ' . implode(' ', array_map(fn ($k, $v) => substr($k, 10) . "×$v", array_keys($codes), $codes)) . "\n");
    if (($f['dead_reasons'] ?? '') !== '') {
        fwrite(STDOUT, "  dead letters: {$f['dead_reasons']}\n");
    }
    foreach (['exit_product_sync', 'exit_stock_sync', 'exit_order_sync', 'exit_webhook_processor', 'exit_worker'] as $k) {
        if (isset($f[$k])) {
            fwrite(STDOUT, "  $k: {$f[$k]}\n");
        }
    }
    foreach (array_slice($result['failures'], 0, 30) as $failure) {
        fwrite(STDOUT, "  FAIL $failure\n");
    }
    if (count($result['failures']) > 30) {
        fwrite(STDOUT, sprintf("  ... and %d more\n", count($result['failures']) - 30));
    }
    if ($result['failures'] !== []) {
        $failed++;
        fwrite(STDOUT, "  replay: ./run chaos --seed $runSeed" . ($short ? ' --short' : '') . ' (logs kept in ' . ($f['logs'] ?? '?') . ")\n");
    }
    $results[] = $line;
}

if ($report !== null) {
    $md = "# Chaos suite\n\n" . sprintf("%s UTC, %d run(s)%s, %d failed.\n\n", gmdate('Y-m-d H:i'), $runs, $short ? ' (short)' : '', $failed)
        . "Storm: sandbox 20 % 5xx, 10 % 429, 5 % hangs (" . '4.5 s, engine timeout 2 s' . "), 3 % connection resets; every package state\n"
        . "delivered 3× shuffled to the webhook route plus the sandbox's own deliveries (30 % duplicated, 20 % reordered);\n"
        . "two workers SIGKILLed at random moments and restarted; MariaDB shut down and started mid-sync.\n\n"
        . implode("\n", array_map(fn ($l) => "- $l", $results)) . "\n";
    file_put_contents($report, $md);
}
fwrite(STDOUT, sprintf("chaos: %d of %d run(s) held\n", $runs - $failed, $runs));
exit($failed === 0 ? 0 : 1);
