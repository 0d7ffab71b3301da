<?php
/**
 * MesChain's queue worker: processes Trendyol webhook events and status pushes as they arrive
 * (well under a second), instead of waiting for the five-minute webhook_processor cron run.
 * Several workers may run, on one host or several: the queue hands each job to one of them.
 *
 *   php system/library/meschain/cron/worker.php [--opencart=/path/to/opencart] [--max-runtime=SECONDS]
 *
 * Runs until SIGTERM or SIGINT (systemd: scripts/meschain-worker.service), or until
 * --max-runtime passes. Each call into the extension lasts at most a few seconds, so a stop
 * signal is answered within that time; a job in hand when the process is killed harder is
 * handed to another worker once its lease expires, and its import is idempotent.
 *
 * Exit codes: 0 stopped cleanly, 1 failed, 2 bad usage.
 */
declare(strict_types=1);

// First: the command-line guard of _bootstrap.php refuses a web request before anything runs.
require __DIR__ . '/_bootstrap.php';

$usage = "Usage: php worker.php [--opencart=/path/to/opencart] [--log-dir=DIR] [--max-runtime=SECONDS] [--verbose] [--help]\n";
$opencart = dirname(__DIR__, 4);
$maxRuntime = 0;
$logDir = null;
$verbose = false;
foreach (array_slice($argv, 1) as $arg) {
    if ($arg === '--help' || $arg === '-h') {
        fwrite(STDOUT, $usage);
        exit(0);
    } elseif ($arg === '--verbose' || $arg === '-v') {
        $verbose = true;
    } elseif (str_starts_with($arg, '--opencart=')) {
        $opencart = substr($arg, strlen('--opencart='));
    } elseif (str_starts_with($arg, '--log-dir=/')) {
        // The unit written by setup_cron_jobs.sh passes the directory the cron jobs log to.
        $logDir = substr($arg, strlen('--log-dir='));
    } elseif (str_starts_with($arg, '--max-runtime=')) {
        $value = substr($arg, strlen('--max-runtime='));
        if (preg_match('/^[0-9]+$/', $value) !== 1 || (int)$value < 1) {
            fwrite(STDERR, "worker: --max-runtime needs a whole number of seconds\n" . $usage);
            exit(2);
        }
        $maxRuntime = (int)$value;
    } else {
        fwrite(STDERR, "worker: unknown argument {$arg}\n" . $usage);
        exit(2);
    }
}
if (!extension_loaded('meschain')) {
    fwrite(STDERR, "worker: the meschain PHP extension is not loaded (see scripts/install-extension.sh)\n");
    exit(1);
}
$config = is_file($opencart) ? $opencart : rtrim($opencart, '/') . '/config.php';
if (!is_file($config)) {
    fwrite(STDERR, "worker: {$config} not found: pass --opencart=/path/to/opencart\n");
    exit(2);
}

$stop = false;
if (function_exists('pcntl_async_signals')) {
    pcntl_async_signals(true);
    $onSignal = static function () use (&$stop): void {
        $stop = true;
    };
    pcntl_signal(SIGTERM, $onSignal);
    pcntl_signal(SIGINT, $onSignal);
}

try {
    $engine = MesChain\Engine::fromOpenCart($config, ['log_dir' => $logDir]);
} catch (MesChain\Exception $e) {
    fwrite(STDERR, 'worker: ' . $e->getMessage() . "\n");
    exit(2);
}
$started = time();
$processed = 0;
$failures = 0;
while (!$stop && ($maxRuntime === 0 || time() - $started < $maxRuntime)) {
    try {
        $slice = $maxRuntime === 0 ? 5 : max(1, min(5, $maxRuntime - (time() - $started)));
        $outcome = $engine->work($slice);
        $processed += (int)($outcome['items_ok'] ?? 0);
        $failures = 0;
        if ($verbose && (int)($outcome['items_ok'] ?? 0) + (int)($outcome['items_failed'] ?? 0) > 0) {
            fwrite(STDOUT, date('c') . ' ' . ($outcome['message'] ?? '') . "\n");
        }
    } catch (MesChain\ConfigException $e) {
        fwrite(STDERR, 'worker: ' . $e->getMessage() . "\n");
        exit(2);
    } catch (MesChain\Exception $e) {
        // The database or Trendyol is away: wait and try again, a little longer each time.
        $failures++;
        fwrite(STDERR, date('c') . ' worker: ' . $e->getMessage() . "\n");
        sleep(min(60, 2 ** min($failures, 6)));
    }
}
if ($verbose) {
    fwrite(STDOUT, "worker: stopped after {$processed} jobs\n");
}
exit(0);
