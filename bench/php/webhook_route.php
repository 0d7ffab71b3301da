<?php
/**
 * What the PHP benchmarks share: a clock, percentiles, progress lines, sandbox control calls,
 * and OpenCart's webhook route served by `php -S` with the extension and several workers, as a shop serves it.
 */
declare(strict_types=1);

function now_ms(): float
{
    return microtime(true) * 1000.0;
}

/** @param list<float> $xs */
function percentile(array $xs, float $p): float
{
    if ($xs === []) {
        return 0.0;
    }
    sort($xs);
    $i = (int) ceil($p / 100 * count($xs)) - 1;
    return round($xs[max(0, min(count($xs) - 1, $i))], 1);
}

/** A sandbox control call that must succeed (the benchmark stops with the sandbox's error). */
function control(\MesChainTest\SandboxProcess $sandbox, string $method, string $path, ?array $body = null): array
{
    $answer = $sandbox->control($method, $path, $body);
    if (isset($answer['error'])) {
        fwrite(STDERR, "sandbox $path: " . json_encode($answer['error']) . "\n");
        exit(1);
    }
    return $answer;
}

function say(string $line): void
{
    fwrite(STDOUT, $line . "\n");
}

/**
 * Starts the webhook route of the shop at $shop on a free loopback port with $workers PHP
 * workers, stopped when the script ends, and returns its URL once it accepts connections.
 */
function serve_webhook_route(string $root, string $so, string $shop, int $workers): string
{
    $probe = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
    fclose($probe);
    $env = getenv();
    $env['MESCHAIN_WEBHOOK_SHOP'] = $shop;
    $env['PHP_CLI_SERVER_WORKERS'] = (string) $workers;
    $server = proc_open(
        [PHP_BINARY, '-n', '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", $root . '/php/tests/webhook_router.php'],
        [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
        $pipes,
        null,
        $env
    );
    register_shutdown_function(static function () use ($server): void {
        // The server's forked workers first: a signal to the server alone leaves them running.
        exec('pkill -TERM -P ' . (int) proc_get_status($server)['pid']);
        proc_terminate($server, 15);
        proc_close($server);
    });
    for ($i = 0; $i < 200; $i++) {
        $socket = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
        if ($socket !== false) {
            fclose($socket);
            break;
        }
        usleep(25_000);
    }
    return "http://127.0.0.1:$port/index.php?route=extension/meschain/webhook/trendyol";
}

/**
 * Starts $n `php/cron/worker.php` processes (worker mode, the extension loaded) for the shop at
 * $shop; stop them with stop_workers().
 *
 * @return list<resource>
 */
function start_workers(string $root, string $so, string $shop, int $n): array
{
    $procs = [];
    for ($i = 0; $i < $n; $i++) {
        $procs[] = proc_open([PHP_BINARY, '-n', '-d', 'extension=' . $so, $root . '/php/cron/worker.php', '--opencart=' . $shop, '--max-runtime=600'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
    }
    return $procs;
}

/** SIGTERM to every worker (they finish the batch in hand), then waits for them. @param list<resource> $procs */
function stop_workers(array $procs): void
{
    foreach ($procs as $p) {
        proc_terminate($p, 15);
    }
    foreach ($procs as $p) {
        proc_close($p);
    }
}
