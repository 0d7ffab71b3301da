<?php
/**
 * `meschain status`: what MesChain is doing on this shop, in one screen.
 *
 * The owner asks "is it running, is anything stuck, how close are we to Trendyol's limits?"
 * before asking anything else, so this puts the answers side by side: each job with its last
 * run and when it is due, the queue by priority, the dead letters (jobs that gave up and wait
 * for `meschain replay`), and the API calls against the shop's per-hour quota. It reads only
 * (the engine's dashboard, requirements and sync log), so it is safe at any time.
 *
 * Required by meschain.php; on its own it defines functions and does nothing.
 */
declare(strict_types=1);

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit(1);
}

/**
 * Everything `status` shows, as one array (the --json output).
 *
 * @return array<string, mixed>
 */
function meschain_status(MesChain\Engine $engine): array
{
    $status = $engine->status();
    $base = [
        'version'               => $status['version'],
        'schema_version'        => $status['schema_version'],
        'latest_schema_version' => $status['latest_schema_version'],
        'database'              => $status['database'],
        'prefix'                => $status['prefix'],
        'tables'                => $status['tables'],
        'settings_error'        => $status['settings_error'],
        'log_dir'               => $status['log_dir'],
    ];
    // A shop half set up (tables not migrated, not OpenCart's database) still gets the part
    // above, which says what is missing, and the reason the rest cannot be read.
    try {
        return $base + meschain_activity($engine);
    } catch (MesChain\Exception $e) {
        return $base + ['activity_error' => $e->getMessage()];
    }
}

/**
 * The jobs, the queue, the dead letters and the quota.
 *
 * @return array<string, mixed>
 */
function meschain_activity(MesChain\Engine $engine): array
{
    $board = $engine->dashboard();

    $jobs = [];
    foreach ((array)$board['jobs'] as $name => $job) {
        $today = (array)($board['today'][$name] ?? []);
        $jobs[(string)$name] = [
            'enabled'     => (bool)($job['enabled'] ?? false),
            'running'     => (bool)($job['running'] ?? false),
            'last_run'    => $job['last_run']['started_at'] ?? null,
            'last_status' => $job['last_run']['status'] ?? null,
            'next_due_at' => $job['next_due_at'] ?? null,
            'runs_today'  => (int)($today['runs'] ?? 0),
            'failed_today' => (int)($today['failed'] ?? 0),
        ];
    }

    $queue = ['pending' => 0, 'processing' => 0, 'failed' => 0, 'dead' => 0, 'oldest_pending_age_s' => null];
    foreach ((array)($board['queue']['priorities'] ?? []) as $p) {
        foreach (['pending', 'processing', 'failed', 'dead'] as $k) {
            $queue[$k] += (int)($p[$k] ?? 0);
        }
        $age = $p['oldest_pending_age_s'] ?? null;
        if ($age !== null && ($queue['oldest_pending_age_s'] === null || $age > $queue['oldest_pending_age_s'])) {
            $queue['oldest_pending_age_s'] = (int)$age;
        }
    }

    $dead = $engine->deadJobs(10, 0);

    return [
        'enabled'               => (bool)($board['status_enabled'] ?? false),
        'jobs'                  => $jobs,
        'queue'                 => $queue,
        'dead_letters'          => ['total' => (int)($board['queue']['dead_total'] ?? 0), 'newest' => $dead],
        'quota'                 => meschain_quota($engine, $board),
        'alerts_open'           => (int)($board['alerts_open'] ?? 0),
    ];
}

/**
 * API calls against the shop's quota: today's total (the dashboard's count per job) and the last
 * hour's, from the newest sync-log rows, beside the per-hour and per-minute limits.
 *
 * @param array<string, mixed> $board
 * @return array<string, mixed>
 */
function meschain_quota(MesChain\Engine $engine, array $board): array
{
    $today = 0;
    foreach ((array)($board['today'] ?? []) as $job) {
        $today += (int)($job['api_calls'] ?? 0);
    }
    $settings = $engine->settings();
    $perHour = (int)($settings['calls_per_hour'] ?? 0);
    $since = gmdate('Y-m-d H:i:s', time() - 3600);
    $lastHour = 0;
    $logs = $engine->syncLogs(['limit' => 100]);
    foreach ((array)($logs['rows'] ?? []) as $row) {
        // The orchestrator's tick counts the calls of the runs it started: counted once, there.
        if (($row['sync_type'] ?? '') !== 'trendyol_sync' && (string)($row['started_at'] ?? '') >= $since) {
            $lastHour += (int)($row['api_calls'] ?? 0);
        }
    }
    return [
        'calls_today'      => $today,
        'calls_last_hour'  => $lastHour,
        'calls_per_hour'   => $perHour,
        'calls_per_minute' => (int)($settings['calls_per_minute'] ?? 0),
        'hour_used_percent' => $perHour > 0 ? round(100 * $lastHour / $perHour, 1) : null,
    ];
}

/** @param array<string, mixed> $s what meschain_status() returned */
function meschain_print_status(array $s): void
{
    printf("MesChain %s, schema %d/%d, database %s (prefix %s)%s\n", $s['version'], $s['schema_version'],
        $s['latest_schema_version'], $s['database'], $s['prefix'], ($s['enabled'] ?? true) ? '' : ', ' . meschain_paint('switched off in Settings', 'yellow'));
    foreach ($s['tables'] as $table) {
        printf("  %-32s %s\n", $table['name'], $table['present'] ? 'present' : meschain_paint('MISSING', 'red'));
    }
    echo $s['settings_error'] !== null ? '  settings: ' . meschain_paint((string)$s['settings_error'], 'red') . "\n" : "  settings: ok\n";
    printf("  log dir: %s\n", $s['log_dir'] ?? '-');
    if (isset($s['activity_error'])) {
        echo "\nJobs, queue and quota: ", meschain_paint('unavailable', 'red'), " ({$s['activity_error']})\n";
        return;
    }

    echo "\nJobs (times UTC)\n";
    printf("  %-18s %-8s %-28s %-20s %s\n", 'job', 'state', 'last run', 'next due', 'today');
    foreach ($s['jobs'] as $name => $job) {
        $state = $job['running'] ? meschain_paint('running', 'green') : ($job['enabled'] ? 'idle' : meschain_paint('off', 'yellow'));
        $today = $job['runs_today'] . ' runs' . ($job['failed_today'] ? ', ' . meschain_paint($job['failed_today'] . ' failed', 'red') : '');
        $last = $job['last_run'] === null ? 'never' : $job['last_run'] . ' ' . meschain_paint((string)$job['last_status'], $job['last_status'] === 'failed' ? 'red' : ($job['last_status'] === 'ok' ? 'green' : 'yellow'));
        printf("  %-18s %-8s %-28s %-20s %s\n", $name, $state, $last, $job['next_due_at'] ?? '-', $today);
    }

    $q = $s['queue'];
    printf("\nQueue: %d pending, %d processing, %d failed (retrying)%s\n", $q['pending'], $q['processing'], $q['failed'],
        $q['oldest_pending_age_s'] !== null ? ', oldest waiting ' . $q['oldest_pending_age_s'] . ' s' : '');
    $dead = $s['dead_letters']['total'];
    echo 'Dead letters: ', $dead === 0 ? '0' : meschain_paint((string)$dead, 'red') . ' (send them back with: meschain replay)', "\n";
    $quota = $s['quota'];
    printf("API quota: %d calls in the last hour of %d allowed (%s %%), %d today; %d per minute\n", $quota['calls_last_hour'],
        $quota['calls_per_hour'], $quota['hour_used_percent'] ?? '-', $quota['calls_today'], $quota['calls_per_minute']);
    if ($s['alerts_open'] > 0) {
        echo 'Open alerts: ', meschain_paint((string)$s['alerts_open'], 'yellow'), " (Extensions > MesChain > Cron Management)\n";
    }
}
