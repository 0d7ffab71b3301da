<?php
/**
 * Folds the figures of one `./run bench` into bench/report.json and bench/report.md: machine
 * facts, then every figure beside its target with pass/fail. Reads only the JSON files the
 * benchmarks of this run wrote (a missing or stale file is reported as "not measured", never
 * filled in from an earlier run).
 *
 *   php bench/php/report.php --started=UNIX_SECONDS --timings=FILE [--catalog=SIZE=PATH ...]
 *
 * FILE holds one `name seconds exit_code` line per benchmark step. Each --catalog=SIZE=PATH is the
 * bench/catalog.json saved by the suite after that size's own run; only its SIZE row is read.
 */
declare(strict_types=1);

$opts = getopt('', ['started:', 'timings:', 'catalog:']);
$started = (int) ($opts['started'] ?? 0);
$root = dirname(__DIR__, 2);
$bench = $root . '/bench';

/** The JSON a benchmark wrote in this run, or null. */
function fresh(string $path, int $since): ?array
{
    if (!is_file($path) || filemtime($path) < $since) {
        return null;
    }
    $data = json_decode((string) file_get_contents($path), true);
    return is_array($data) ? $data : null;
}

function sh(string $cmd): string
{
    return trim((string) shell_exec($cmd . ' 2>/dev/null'));
}

$cpu = 'unknown';
foreach (file('/proc/cpuinfo') ?: [] as $line) {
    if (str_starts_with($line, 'model name')) {
        $cpu = trim(explode(':', $line, 2)[1]);
        break;
    }
}
$memKb = (int) preg_replace('/\D/', '', sh("grep MemTotal /proc/meminfo"));
$machine = [
    'cpu' => $cpu,
    'cores' => (int) sh('nproc'),
    'ram_gib' => round($memKb / 1048576, 1),
    'kernel' => php_uname('s') . ' ' . php_uname('r'),
    'mariadb' => sh("mariadb -h127.0.0.1 -uroot -N -e 'SELECT VERSION()'"),
    'php' => PHP_VERSION,
    'rustc' => sh('rustc --version'),
    'git_commit' => sh("git -C " . escapeshellarg($root) . " rev-parse --short HEAD"),
    // The reports this run has just written under bench/ do not count as changes.
    'git_dirty' => sh("git -C " . escapeshellarg($root) . " status --porcelain --untracked-files=no -- . ':!bench/*.json' ':!bench/*.md'") !== '',
    'load_average_at_end' => implode(' ', array_map(static fn ($x) => round($x, 2), sys_getloadavg() ?: [])),
    'date_utc' => gmdate('Y-m-d H:i:s'),
];

$steps = [];
foreach (is_file($opts['timings'] ?? '') ? file($opts['timings'], FILE_IGNORE_NEW_LINES) : [] as $line) {
    [$name, $secs, $code] = array_pad(explode(' ', $line), 3, '');
    $steps[$name] = ['seconds' => (int) $secs, 'exit_code' => (int) $code];
}

/** @var list<array{area:string, figure:string, value:mixed, unit:string, target:string, ok:?bool}> */
$rows = [];
$row = static function (string $area, string $figure, $value, string $unit, string $target, ?bool $ok) use (&$rows): void {
    $rows[] = compact('area', 'figure', 'value', 'unit', 'target', 'ok');
};
$missing = static function (string $area, string $why) use ($row): void {
    $row($area, 'not measured in this run', null, '', $why, false);
};

/** The headline figures, as top-level keys of report.json (null: not measured in this run). */
$keys = ['oversell_window_p99_ms' => null, 'order_import_vs_raw_insert' => null, 'push_engine_vs_wire' => null,
    'push_total_vs_wire' => null, 'delta_scan_100k_ms' => null, 'delta_scan_1m_ms' => null,
    'webhook_route_vs_floor' => null, 'webhook_p99_ms' => null, 'webhook_e2e_p99_ms' => null,
    'queue_jobs_per_s' => null, 'sandbox_rss_mib_1m' => null, 'baseline_per_product_ratio' => null];

// Sandbox ceiling.
if ($s = fresh("$bench/sandbox.json", $started)) {
    $rps = $s['total']['requestsPerSecond'] ?? 0;
    $row('sandbox ceiling', 'requests/s, cheap endpoints, 32 connections', $rps, 'req/s', '≥ 5000 (10× the order import target, so the sandbox never bounds a benchmark)', $rps >= 5000);
    $row('sandbox ceiling', 'p99 latency', round(($s['total']['p99Us'] ?? 0) / 1000, 2), 'ms', '—', null);
} else {
    $missing('sandbox ceiling', 'sandbox-bench did not write bench/sandbox.json');
}

// Quota, 3 processes.
if ($q = fresh("$bench/quota.json", $started)) {
    $use = $q['quota_use_percent'] ?? 0;
    $row('quota, ' . ($q['processes'] ?? '?') . ' PHP processes', 'quota use', $use, '%', '≥ 95 %', $use >= 95);
    $row('quota, ' . ($q['processes'] ?? '?') . ' PHP processes', 'responses 429', $q['responses_429'] ?? null, '', '0', ($q['responses_429'] ?? 1) === 0);
} else {
    $missing('quota', 'quota-bench did not write bench/quota.json');
}

// Catalog (written by engine/examples/catalog_bench.rs).
$catalogFiles = (array) ($opts['catalog'] ?? []);
$catalogResults = [];
foreach ($catalogFiles as $sizeAndFile) {
    // SIZE=PATH: the file also keeps the rows of sizes measured in other runs; only this
    // size's row was measured by this run.
    [$size, $file] = str_contains($sizeAndFile, '=') ? explode('=', $sizeAndFile, 2) : ['', $sizeAndFile];
    foreach ((fresh($file, $started) ?? [])['results'] ?? [] as $r) {
        if ($size === '' || (string) ($r['products'] ?? '') === $size) {
            $catalogResults[] = $r;
        }
    }
}
foreach ($catalogResults as $r) {
    $n = (int) ($r['products'] ?? 0);
    $area = 'catalog ' . number_format($n) . ' products';
    if ($n === 100000) {
        $keys['delta_scan_100k_ms'] = $r['delta_scan_ms'] ?? null;
    }
    if ($n === 1000000) {
        $keys['delta_scan_1m_ms'] = $r['delta_scan_ms'] ?? null;
        $keys['push_engine_vs_wire'] = $r['push_engine_vs_wire'] ?? null;
        $keys['push_total_vs_wire'] = $r['push_total_vs_wire'] ?? null;
    }
    $row($area, 'write calls for a full push', $r['push_write_calls'] ?? null, '', '= ⌈N/1000⌉ = ' . ($r['push_write_calls_target'] ?? (int) ceil($n / 1000)), (bool) ($r['push_ok'] ?? false));
    $row($area, 'stock delta scan, nothing changed (write calls: ' . ($r['delta_scan_writes'] ?? '?') . ')', $r['delta_scan_ms'] ?? null, 'ms', '≤ ' . ($r['delta_scan_target_ms'] ?? '?') . ' ms, 0 writes', (bool) ($r['delta_ok'] ?? false));
    $row($area, 'peak RSS of the engine', $r['peak_rss_mib'] ?? null, 'MiB', '≤ ' . ($r['peak_rss_target_mib'] ?? '?') . ' MiB', (bool) ($r['rss_ok'] ?? false));
    $row($area, 'full push time (on the wire / engine + SQL not hidden behind it: ' . ($r['push_wire_s'] ?? '?') . ' s / ' . ($r['push_engine_and_sql_s'] ?? '?') . ' s)', $r['push_s'] ?? null, 's', '— (recorded)', null);
    // Engine + SQL is the push's time beyond the time its calls spent on the wire: the reading,
    // mapping and recording that overlap a call are not counted (see bench/catalog.md).
    if (isset($r['push_engine_vs_wire'])) {
        $row($area, 'full push: engine + SQL / time on the wire', $r['push_engine_vs_wire'], '×', '≤ ' . ($r['push_engine_vs_wire_target'] ?? 0.5), (bool) ($r['push_engine_vs_wire_ok'] ?? false));
        $row($area, 'full push: total / time on the wire', $r['push_total_vs_wire'] ?? null, '×', '≤ ' . ($r['push_total_vs_wire_target'] ?? 1.25), (bool) ($r['push_total_vs_wire_ok'] ?? false));
    } else {
        $row($area, 'full push: engine + SQL / time on the wire', null, '×', 'not in this catalog.json (an older catalog_bench)', false);
    }
    $row($area, 'product change scan, nothing changed (write calls: ' . ($r['product_rescan_writes'] ?? '?') . ')', $r['product_rescan_ms'] ?? null, 'ms', '— (recorded)', null);
    $row($area, 'MariaDB buffer pool', $r['buffer_pool_mib'] ?? null, 'MiB', '—', null);
}
// Sandbox memory holding a million products: the sandbox's peak RSS during the 1,000,000-product
// catalog run (its full push creates every product and keeps the batch items), or a standalone
// `sandbox-bench --memory 1000000` run of this suite's time when there is one.
$sandboxMib = null;
$sandboxHow = '';
if ($m = fresh("$bench/sandbox_memory.json", $started)) {
    $sandboxMib = $m['sandbox_rss_mib_1m'] ?? null;
    $sandboxHow = 'sandbox-bench --memory';
}
foreach ($catalogResults as $r) {
    if ($sandboxMib === null && (int) ($r['products'] ?? 0) === 1000000 && isset($r['sandbox_peak_rss_mib'])) {
        $sandboxMib = $r['sandbox_peak_rss_mib'];
        $sandboxHow = 'during the catalog push';
    }
}
if ($sandboxMib !== null) {
    $row('sandbox memory', "peak RSS holding 1,000,000 products and their batches ($sandboxHow)", $sandboxMib, 'MiB', '≤ 2048 MiB', $sandboxMib <= 2048);
    $keys['sandbox_rss_mib_1m'] = $sandboxMib;
} else {
    $missing('sandbox memory', 'no 1,000,000-product catalog run and no sandbox-bench --memory run');
}
foreach (['100000', '1000000'] as $size) {
    $measured = array_filter($catalogResults, static fn (array $r): bool => (string) ($r['products'] ?? '') === $size);
    if ($measured === []) {
        $step = $steps["catalog_$size"] ?? null;
        $missing('catalog ' . number_format((int) $size) . ' products', 'catalog_bench did not finish'
            . ($step === null ? '' : " (exit {$step['exit_code']} after {$step['seconds']} s" . ($step['exit_code'] === 124 ? ': out of the 15-minute budget' : '') . ')'));
    }
}

// Orders.
if ($o = fresh("$bench/orders.json", $started)) {
    $row('order import', 'packages/s (' . $o['packages_imported'] . ' packages, real order_sync)', $o['packages_per_s'], '/s', '≥ 500', (bool) $o['packages_per_s_ok']);
    $ratio = $o['order_import_vs_raw_insert'] ?? null;
    $keys['order_import_vs_raw_insert'] = $ratio;
    $row('order import', 'import time / raw multi-row INSERT of the same rows', $ratio, '×', '≤ 3', $ratio !== null && $ratio <= 3);
} else {
    $missing('order import', 'orders_bench did not write bench/orders.json');
}

// Webhooks and queue.
if ($w = fresh("$bench/webhooks.json", $started)) {
    $i = $w['intake'];
    $row('webhook intake', 'requests/s: webhook route ' . $i['requests_per_s'] . ' / OpenCart floor `' . $w['floor']['route'] . '` ' . $w['floor']['requests_per_s'] . ' (real OpenCart 4.0.2.3, ' . $i['server_workers'] . ' server workers)', $w['webhook_route_vs_floor'], '×', '≥ ' . $i['vs_floor_target'] . ', every request 2xx', (bool) $i['vs_floor_ok']);
    $row('webhook intake', 'p99 latency of the webhook route', $w['webhook_p99_ms'], 'ms', '≤ ' . $i['p99_target_ms'] . ' ms, every request 2xx', (bool) $i['p99_ok']);
    $row('webhook end to end', 'p99 delivery → OpenCart order (worker mode)', $w['webhook_e2e_p99_ms'], 'ms', '≤ ' . $w['end_to_end']['p99_target_ms'] . ' ms', (bool) $w['end_to_end']['p99_ok']);
    $keys['webhook_route_vs_floor'] = $w['webhook_route_vs_floor'];
    $keys['webhook_p99_ms'] = $w['webhook_p99_ms'];
    $keys['webhook_e2e_p99_ms'] = $w['webhook_e2e_p99_ms'];
} else {
    $missing('webhooks', 'webhook_bench did not write bench/webhooks.json');
}
if ($qu = fresh("$bench/queue.json", $started)) {
    $keys['queue_jobs_per_s'] = $qu['queue_jobs_per_s'];
    $row('queue', 'jobs/s with 2 workers (' . $qu['jobs'] . ' stored order events, each an OpenCart order)', $qu['queue_jobs_per_s'], 'jobs/s', '≥ 1000, every job done exactly once', (bool) $qu['queue_jobs_per_s_ok']);
} else {
    $missing('queue', 'queue_bench did not write bench/queue.json');
}

// The webhook route under a junk-credential flood.
if ($f = fresh("$bench/webhook_flood.json", $started)) {
    $fl = $f['flood'];
    $row('webhook flood', 'log rows added by ' . $fl['bad_requests'] . ' bad-credential requests (' . $fl['server_workers'] . ' server workers)', $fl['log_rows_from_the_flood'], 'rows', '≤ ' . $fl['log_rows_target'] . ', every request 401/429', (bool) $fl['rows_ok'] && (bool) $fl['refused_ok']);
    $row('webhook flood', 'p99 of good deliveries during the flood (alone: ' . $f['baseline']['p99_ms'] . ' ms)', $fl['good_p99_ms'], 'ms', '≤ 1000 ms, every one 2xx', (bool) $fl['good_ok']);
    $row('webhook flood', 'bad requests refused per second', $fl['bad_per_s'], 'req/s', '— (recorded)', null);
} else {
    $missing('webhook flood', 'webhook_flood_bench did not write bench/webhook_flood.json');
}

// The oversell window: a sale in OpenCart → Trendyol's stock (bench/php/oversell_bench.php).
if ($v = fresh("$bench/oversell.json", $started)) {
    $row('oversell window', 'p99 sale in OpenCart → Trendyol stock (' . $v['checkouts'] . ' checkouts with webhooks beside; p50 ' . $v['window_p50_ms'] . ' ms)', $v['window_p99_ms'], 'ms', '≤ ' . $v['window_p99_target_ms'] . ' ms, every sale pushed', (bool) $v['p99_ok']);
    $row('oversell window', 'sales per coalesced price & inventory write', $v['sales_per_write'], '', '— (recorded)', null);
    $keys['oversell_window_p99_ms'] = $v['window_p99_ms'];
} else {
    $missing('oversell window', 'oversell_bench did not write bench/oversell.json');
}

// The baseline a user would otherwise pick (bench/php/baseline_bench.php).
if ($b = fresh("$bench/baseline.json", $started)) {
    $row('baseline, ' . number_format($b['products']) . ' products', 'MesChain stock_sync / one call per product, at Trendyol\'s 50 calls per 10 s (' . $b['meschain_at_trendyols_limit_s'] . ' s / ≥ ' . $b['baseline_at_trendyols_limit_s'] . ' s)', $b['meschain_to_baseline'], '×', '< 1, every item sent', $b['meschain_to_baseline'] < 1 && $b['every_item_sent']);
    $row('baseline, ' . number_format($b['products']) . ' products', 'the same on the bare wire, sandbox limits off (' . $b['meschain']['seconds'] . ' s / ' . $b['baseline']['seconds'] . ' s)', $b['meschain_to_baseline_bare_wire'], '×', '— (recorded)', null);
    $row('baseline, ' . number_format($b['products']) . ' products', 'calls: MesChain / one call per product', $b['meschain']['calls'] . ' / ' . $b['baseline']['calls'], '', '— (recorded)', null);
    $keys['baseline_per_product_ratio'] = $b['meschain_to_baseline'];
} else {
    $missing('baseline', 'baseline_bench did not write bench/baseline.json');
}

$total = $started > 0 ? time() - $started : null;
$report = [
    'benchmark' => 'suite',
    'machine' => $machine,
    'total_seconds' => $total,
    'total_target_seconds' => 900,
    'steps' => $steps,
] + $keys + [
    'figures' => $rows,
    'all_targets_met' => array_reduce($rows, static fn (bool $acc, array $r): bool => $acc && $r['ok'] !== false, true),
];
file_put_contents("$bench/report.json", json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");

$fmt = static function ($v): string {
    if ($v === null) {
        return '—';
    }
    if (is_float($v)) {
        // Small ratios (the baseline's) keep their digits.
        $decimals = $v !== 0.0 && abs($v) < 0.1 ? 5 : 2;
        return rtrim(rtrim(number_format($v, $decimals, '.', ''), '0'), '.');
    }
    return is_bool($v) ? ($v ? 'yes' : 'no') : (string) $v;
};
$md = "# MesChain benchmark report\n\n"
    . "Made by `./run bench` on {$machine['date_utc']} UTC, commit `{$machine['git_commit']}`" . ($machine['git_dirty'] ? ' (with uncommitted changes)' : '') . ".\n\n"
    . "| machine | |\n|---|---|\n"
    . "| CPU | {$machine['cpu']} |\n| cores | {$machine['cores']} |\n| RAM | {$machine['ram_gib']} GiB |\n"
    . "| kernel | {$machine['kernel']} |\n| MariaDB | {$machine['mariadb']} |\n| PHP | {$machine['php']} |\n"
    . "| Rust | {$machine['rustc']} |\n| load average at the end | {$machine['load_average_at_end']} |\n\n"
    . "| area | figure | measured | target | |\n|---|---|---:|---|---|\n";
foreach ($rows as $r) {
    $md .= sprintf("| %s | %s | %s %s | %s | %s |\n", $r['area'], $r['figure'], $fmt($r['value']), $r['unit'], $r['target'],
        $r['ok'] === null ? '' : ($r['ok'] ? '✓' : '✗'));
}
$md .= "\n| step | seconds | exit |\n|---|---:|---:|\n";
foreach ($steps as $name => $s) {
    $md .= "| $name | {$s['seconds']} | {$s['exit_code']} |\n";
}
$md .= sprintf("| **total** | **%s** | target ≤ 900 s %s |\n\n", $total ?? '?', $total !== null && $total <= 900 ? '✓' : '✗');
$md .= "Details: bench/sandbox.md, bench/quota.md, bench/catalog.md, bench/orders.md, bench/queue.md, bench/webhooks.md, bench/webhook_flood.md, bench/oversell.md, bench/baseline.md.
";
file_put_contents("$bench/report.md", $md);
echo $md;
