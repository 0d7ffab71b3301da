<?php
/**
 * Shared by MesChain's cron scripts (installed at <shop>/system/library/meschain/cron/): flags,
 * finding the shop, running the job through the meschain extension, and exit codes that cron,
 * the monitor and a shell can act on.
 *
 * Exit codes:
 *   0  ok, or skipped (switched off, not due yet)
 *   1  failed (see the job's log in the log directory), or the extension is not loaded
 *   2  bad usage or configuration (unknown flag, config.php not found, unknown job option)
 *   3  locked: another run of the job holds its lock (on this host or another)
 *   4  partial: stopped by the time or memory limit; the next run resumes
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else. The
// job scripts require this file before anything else, so this one guard covers them all.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    $meschain_script = basename((string)($_SERVER['SCRIPT_FILENAME'] ?? __FILE__));
    echo "MesChain: $meschain_script runs from the command line only (php $meschain_script); it does nothing over the web.\n";
    exit(1);
}

const MESCHAIN_EXIT_OK = 0;
const MESCHAIN_EXIT_FAILED = 1;
const MESCHAIN_EXIT_USAGE = 2;
const MESCHAIN_EXIT_LOCKED = 3;
const MESCHAIN_EXIT_PARTIAL = 4;

/**
 * Runs `$job` with the command line in `$argv` and returns the exit code.
 *
 * @param list<string> $argv
 */
function meschain_cron_main(string $job, string $purpose, array $argv, string $scriptDir): int
{
    $script = basename($argv[0] ?? $job . '.php');
    $usage = <<<TXT
Usage: php $script [--opencart=/path/to/opencart] [--log-dir=DIR] [--dry-run] [--force] [--max-seconds=N] [--verbose] [--help]

$purpose

Options:
  --opencart=PATH   the shop's root directory (or its config.php); default: four levels up from
                    this script, where the module installs it (system/library/meschain/cron/)
  --log-dir=DIR     write the job's log to DIR (default: Log Directory from the settings);
                    setup_cron_jobs.sh passes its own --log-dir here, so the monitor and
                    logrotate look where the jobs write
  --dry-run         read and compute, write nothing (no lock, no log row, no change)
  --force           run even if switched off in the admin or not due by its interval
  --max-seconds=N   stop cleanly after N seconds (default: Max Execution Time from the settings)
  --verbose         print the run's report
  --help            this text

Exit codes: 0 ok or skipped, 1 failed, 2 bad usage, 3 locked (another run holds the lock),
4 partial (stopped by the time or memory limit; the next run resumes).

TXT;
    $opencart = dirname($scriptDir, 4);
    $options = ['trigger' => 'cron'];
    $logDir = null;
    $verbose = false;
    foreach (array_slice($argv, 1) as $arg) {
        if ($arg === '--help' || $arg === '-h') {
            fwrite(STDOUT, $usage);
            return MESCHAIN_EXIT_OK;
        } elseif ($arg === '--dry-run') {
            $options['dry_run'] = true;
        } elseif ($arg === '--force') {
            $options['force'] = true;
        } elseif ($arg === '--verbose' || $arg === '-v') {
            $verbose = true;
        } elseif (preg_match('/^--opencart=(.+)$/s', $arg, $m)) {
            $opencart = $m[1];
        } elseif (preg_match('/^--log-dir=(\/.*)$/s', $arg, $m)) {
            $logDir = $m[1];
        } elseif (preg_match('/^--max-seconds=([0-9]+)$/', $arg, $m) && (int)$m[1] >= 1 && (int)$m[1] <= 86400) {
            $options['max_seconds'] = (int)$m[1];
        } else {
            fwrite(STDERR, "$script: unexpected argument '$arg'\n\n" . $usage);
            return MESCHAIN_EXIT_USAGE;
        }
    }
    $config = is_file($opencart) ? $opencart : rtrim($opencart, '/') . '/config.php';
    if (!is_file($config)) {
        fwrite(STDERR, "$script: $config not found: pass --opencart=/path/to/opencart\n");
        return MESCHAIN_EXIT_USAGE;
    }
    if (!extension_loaded('meschain') || !class_exists('\MesChain\Engine')) {
        fwrite(STDERR, "$script: the meschain PHP extension is not loaded for " . PHP_BINARY
            . " (install it with scripts/install-extension.sh, or run php -d extension=/path/to/libmeschain.so)\n");
        return MESCHAIN_EXIT_FAILED;
    }

    try {
        $engine = \MesChain\Engine::fromOpenCart($config, ['log_dir' => $logDir]);
        $report = $job === 'maintenance' ? meschain_maintenance($engine, $options) : $engine->run($job, $options);
    } catch (\MesChain\ConfigException $e) {
        fwrite(STDERR, "$script: " . $e->getMessage() . "\n");
        return MESCHAIN_EXIT_USAGE;
    } catch (\Throwable $e) {
        fwrite(STDERR, "$script: " . get_class($e) . ': ' . $e->getMessage() . "\n");
        return MESCHAIN_EXIT_FAILED;
    }

    $code = match ($report['status']) {
        'ok', 'skipped' => MESCHAIN_EXIT_OK,
        'locked' => MESCHAIN_EXIT_LOCKED,
        'partial' => MESCHAIN_EXIT_PARTIAL,
        default => MESCHAIN_EXIT_FAILED,
    };
    $line = sprintf(
        "%s%s %s: %s (%d ok, %d failed, %d API calls, %d API errors, %.1f s)\n",
        isset($options['dry_run']) ? '[dry run] ' : '',
        $job,
        $report['status'],
        $report['message'],
        $report['items_ok'],
        $report['items_failed'],
        $report['api_calls'],
        $report['api_errors'],
        $report['duration_ms'] / 1000
    );
    // Quiet when all is well (cron mails or logs whatever a job prints); loud otherwise.
    if ($code === MESCHAIN_EXIT_FAILED) {
        fwrite(STDERR, $line);
    } elseif ($verbose || isset($options['dry_run']) || $code !== MESCHAIN_EXIT_OK) {
        fwrite(STDOUT, $line);
    }
    if ($verbose) {
        foreach ($report as $key => $value) {
            fwrite(STDOUT, sprintf("  %-18s %s\n", $key, is_bool($value) ? ($value ? 'true' : 'false') : (string)$value));
        }
    }
    return $code;
}

/**
 * The daily maintenance as a cron job: it has no switch, interval, lock or dry run of its own
 * (deleting rows past the retention twice deletes nothing the second time), so only --force and
 * --max-seconds are accepted and ignored; the report has the shape run() returns.
 *
 * @param array<string, mixed> $options
 * @return array<string, mixed>
 */
function meschain_maintenance(\MesChain\Engine $engine, array $options): array
{
    if (!empty($options['dry_run'])) {
        return ['status' => 'skipped', 'message' => 'maintenance has no dry run: nothing was deleted', 'items_ok' => 0,
            'items_failed' => 0, 'api_calls' => 0, 'api_errors' => 0, 'duration_ms' => 0];
    }
    $report = $engine->maintenance();
    $rows = array_sum($report['deleted']);
    return [
        'status' => 'ok',
        'message' => sprintf('deleted %d row(s) older than %d days, optimized %d table(s)', $rows, $report['retention_days'], count($report['optimized'])),
        'items_ok' => $rows,
        'items_failed' => 0,
        'api_calls' => 0,
        'api_errors' => 0,
        'duration_ms' => $report['duration_ms'],
    ];
}
