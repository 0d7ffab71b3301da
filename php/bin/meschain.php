<?php
/**
 * MesChain's command line for a shop:
 *
 *   php meschain.php migrate --opencart=/var/www/opencart/config.php
 *   php meschain.php status  --opencart=/var/www/opencart/config.php [--json]
 *   php meschain.php doctor  --opencart=/var/www/opencart/config.php [--json]
 *   php meschain.php run JOB [--force] [--dry-run] --opencart=/var/www/opencart/config.php
 *   php meschain.php replay [ID...] --opencart=/var/www/opencart/config.php
 *   php meschain.php register-webhook --opencart=/var/www/opencart/config.php [--url=URL]
 *   php meschain.php metrics --opencart=/var/www/opencart/config.php [--output=FILE]
 *   php meschain.php maintenance --opencart=/var/www/opencart/config.php
 *   php meschain.php webhook [status|register] --opencart=/var/www/opencart/config.php [--url=URL] [--json]
 *   php meschain.php monitor-settings --opencart=/var/www/opencart/config.php
 *   php meschain.php version
 *
 * The Debian package's `meschain` command runs this file with the shop from
 * /etc/meschain/meschain.conf (MESCHAIN_OPENCART), so --opencart may be left out there.
 *
 * Exit codes: 0 ok, 1 the engine reported an error or doctor found a problem, 2 bad usage or
 * configuration, 3 the extension is not loaded. Colours only when stdout is a terminal (and
 * NO_COLOR is not set).
 */
declare(strict_types=1);

// A command-line program: fetched through a web server it would run a job (or print its
// usage) for anyone who knows the URL, so any other SAPI gets a refusal and nothing else.
if (PHP_SAPI !== 'cli') {
    if (!headers_sent()) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "MesChain: meschain.php runs from the command line only (php meschain.php); it does nothing over the web.\n";
    exit(1);
}

const USAGE = <<<TXT
Usage: php meschain.php <command> [--opencart=/path/to/config.php] [--json] [--output=FILE]
       [--log-dir=DIR] [--url=URL]

Commands:
  migrate   create or upgrade MesChain's tables (safe to repeat)
  status    show version, schema, tables and settings (secrets shown only as set/unset), the
            jobs with their last runs, the queue, dead letters and the API quota used
  doctor    check the extension (cli, fpm), that it and the OpenCart module are one version,
            the tables, that cron ran recently, the webhook subscription and the clock against
            Trendyol's; every problem with its fix. Exit 1 when a check fails
  run JOB   run one job now: product_sync, order_sync, stock_sync, webhook_processor,
            question_sync, trendyol_sync (every due job); --force runs it even if off or not due, --dry-run
            writes nothing. Exit 1 when the run failed
  replay [ID...]
            send dead-letter jobs back to the queue (every one when no ID is given)
  register-webhook
            the same as webhook register
  metrics   print OpenMetrics text; --output=FILE writes it atomically (for node_exporter's
            textfile collector, e.g. --output=/var/lib/prometheus/node-exporter/meschain.prom)
  maintenance  delete logs and processed queue jobs past the retention (30 days), then
            OPTIMIZE TABLE the sync tables
  webhook [status]
            show the shop's order webhook as Trendyol has it: URL, id, active or passive,
            authentication, the order statuses it delivers
  webhook register
            register the shop's webhook with Trendyol (create it, or update the existing one
            with the credentials from Settings > Webhook) and switch a passive one back on.
            The URL is the shop's catalog route, index.php?route=extension/meschain/webhook/trendyol
            under config.php's HTTP_SERVER (admin/config.php: HTTP_CATALOG); --url=URL overrides it
  monitor-settings
            print what scripts/trendyol-cron-monitor needs from the settings as KEY=VALUE lines:
            alert_email, log_dir and max_age_<job> (minutes; 0 for a job switched off)
  version   print the extension's version

--log-dir=DIR logs to DIR instead of the Log Directory setting (as the cron scripts do).
--opencart defaults to \$MESCHAIN_OPENCART (set by the meschain command from its config file).

TXT;

require __DIR__ . '/meschain-doctor.php';
require __DIR__ . '/meschain-status.php';

// Options may stand before or after the command, so argv is read by hand (getopt stops at
// the first non-option).
$command = '';
$options = [];
$ids = [];
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--(opencart|output|log-dir|url)=(.*)$/s', $arg, $m)) {
        $options[$m[1]] = $m[2];
    } elseif (in_array($arg, ['--json', '--help', '--force', '--dry-run'], true)) {
        $options[substr($arg, 2)] = true;
    } elseif ($command === '' && !str_starts_with($arg, '-')) {
        $command = $arg;
    } elseif ($command === 'webhook' && !isset($options['action']) && in_array($arg, ['status', 'register'], true)) {
        $options['action'] = $arg;
    } elseif ($command === 'run' && !isset($options['job']) && preg_match('/^[a-z_]{1,32}$/', $arg)) {
        $options['job'] = $arg;
    } elseif ($command === 'replay' && preg_match('/^[1-9][0-9]{0,18}$/', $arg)) {
        $ids[] = (int)$arg;
    } else {
        fwrite(STDERR, "meschain: unexpected argument '$arg'\n" . USAGE);
        exit(2);
    }
}
if ($command === 'help') {
    echo USAGE;
    exit(0);
}
if ($command === '' || isset($options['help']) || str_starts_with($command, '-')) {
    fwrite($command === '' || str_starts_with($command, '-') ? STDERR : STDOUT, USAGE);
    exit(isset($options['help']) ? 0 : 2);
}
if ($command === 'run' && !isset($options['job'])) {
    fwrite(STDERR, "meschain: run needs a job: product_sync, order_sync, stock_sync, webhook_processor, question_sync or trendyol_sync\n");
    exit(2);
}
if ($command === 'register-webhook') {
    $command = 'webhook';
    $options['action'] = 'register';
}
$env = getenv('MESCHAIN_OPENCART');
if (!isset($options['opencart']) && is_string($env) && $env !== '') {
    $options['opencart'] = $env;
}

if (!extension_loaded('meschain')) {
    if ($command === 'doctor') {
        // A missing extension is the doctor's first finding, not a reason to say nothing.
        exit(meschain_print_checks(meschain_doctor(null, '', null), isset($options['json'])));
    }
    fwrite(STDERR, "meschain: the meschain PHP extension is not loaded (install the meschain package, or see scripts/install-extension.sh)\n");
    exit(3);
}

if ($command === 'version') {
    echo MesChain\Engine::version(), "\n";
    exit(0);
}

$configPath = $options['opencart'] ?? null;
if ($command === 'doctor' && (!is_string($configPath) || $configPath === '')) {
    // No shop named yet is a finding with its fix, as on a freshly installed package.
    exit(meschain_print_checks(meschain_doctor(null, '', null), isset($options['json'])));
}
if (!is_string($configPath) || $configPath === '') {
    fwrite(STDERR, "meschain: --opencart=/path/to/opencart/config.php is required\n" . USAGE);
    exit(2);
}
// The shop's root directory stands for its config.php, as for the cron scripts.
if (is_dir($configPath)) {
    $configPath = rtrim($configPath, '/') . '/config.php';
}

if ($command === 'doctor') {
    try {
        $engine = MesChain\Engine::fromOpenCart($configPath);
    } catch (MesChain\Exception $e) {
        fwrite(STDERR, 'meschain: ' . $e->getMessage() . "\n");
        $engine = null;
    }
    exit(meschain_print_checks(meschain_doctor($engine, $configPath, $options['url'] ?? meschain_webhook_url($configPath)), isset($options['json'])));
}

try {
    $logDir = $options['log-dir'] ?? null;
    $engine = MesChain\Engine::fromOpenCart($configPath, ['log_dir' => is_string($logDir) && $logDir !== '' ? $logDir : null]);
    switch ($command) {
        case 'migrate':
            $report = $engine->migrate();
            printf("schema version %d (applied: %s)\n", $report['schema_version'],
                $report['applied'] ? implode(', ', $report['applied']) : 'none');
            break;
        case 'status':
            $status = meschain_status($engine);
            if (isset($options['json'])) {
                echo json_encode($status, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
                break;
            }
            meschain_print_status($status);
            break;
        case 'run':
            $report = $engine->run($options['job'], ['trigger' => 'manual', 'force' => isset($options['force']), 'dry_run' => isset($options['dry-run'])]);
            if (isset($options['json'])) {
                echo json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
            } else {
                printf("%s: %s, %d ok, %d failed, %d API calls, %.1f s%s\n", $report['job'],
                    meschain_paint($report['status'], $report['status'] === 'failed' ? 'red' : ($report['status'] === 'ok' ? 'green' : 'yellow')),
                    $report['items_ok'], $report['items_failed'], $report['api_calls'], $report['duration_ms'] / 1000,
                    $report['message'] !== '' ? ' — ' . $report['message'] : '');
            }
            exit($report['status'] === 'failed' ? 1 : 0);
        case 'replay':
            if (!$ids) {
                // Every dead job, a page at a time (replayed jobs leave the dead letter).
                $count = 0;
                while ($page = array_column($engine->deadJobs(500, 0), 'id')) {
                    $done = $engine->replayJobs($page);
                    $count += $done;
                    if ($done === 0) {
                        break;
                    }
                }
            } else {
                $count = $engine->replayJobs($ids);
            }
            if (isset($options['json'])) {
                echo json_encode(['replayed' => $count]), "\n";
            } else {
                printf("%d dead job(s) sent back to the queue\n", $count);
            }
            if ($ids && $count < count($ids)) {
                fwrite(STDERR, sprintf("meschain: %d of the ids given were not dead jobs\n", count($ids) - $count));
                exit(1);
            }
            break;
        case 'metrics':
            $text = $engine->metrics();
            $output = $options['output'] ?? null;
            if (!is_string($output) || $output === '') {
                echo $text;
                break;
            }
            // Atomic: the collector never reads a half-written file.
            $tmp = $output . '.' . getmypid() . '.tmp';
            if (@file_put_contents($tmp, $text) !== strlen($text) || !@rename($tmp, $output)) {
                @unlink($tmp);
                fwrite(STDERR, "meschain: cannot write $output\n");
                exit(1);
            }
            break;
        case 'maintenance':
            $report = $engine->maintenance();
            foreach ($report['deleted'] as $table => $rows) {
                printf("deleted %d row(s) from %s\n", $rows, $table);
            }
            printf("optimized %s (%.1f s)\n", implode(', ', $report['optimized']), $report['duration_ms'] / 1000);
            break;
        case 'webhook':
            $url = $options['url'] ?? meschain_webhook_url($configPath);
            if (($options['action'] ?? 'status') === 'register') {
                if ($url === null) {
                    fwrite(STDERR, "meschain: $configPath defines neither HTTP_SERVER nor HTTP_CATALOG; pass --url=https://shop.example/index.php?route=extension/meschain/webhook/trendyol\n");
                    exit(2);
                }
                $subscription = $engine->registerWebhook($url);
            } else {
                $subscription = $engine->webhookSubscription($url ?? '');
            }
            if (isset($options['json'])) {
                echo json_encode($subscription, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
                break;
            }
            if (!$subscription['registered']) {
                printf("no webhook registered at Trendyol for %s\nregister it with: php %s webhook register --opencart=%s\n",
                    $url ?? 'this shop', $argv[0], $configPath);
                exit(1);
            }
            if ($subscription['action'] !== '') {
                printf("webhook %s\n", $subscription['action']);
            }
            printf("url:            %s\n", $subscription['url']);
            printf("id:             %s\n", $subscription['id']);
            printf("status:         %s\n", $subscription['active'] ? 'active' : 'passive (' . ($subscription['status'] ?: 'unknown') . ')');
            printf("authentication: %s\n", $subscription['authentication_type'] ?: '-');
            printf("events:         %s\n", $subscription['events'] ? implode(', ', $subscription['events']) : 'all order statuses');
            if (!$subscription['active']) {
                printf("switch it back on with: php %s webhook register --opencart=%s\n", $argv[0], $configPath);
                exit(1);
            }
            break;
        case 'monitor-settings':
            $settings = $engine->settings();
            printf("alert_email=%s\n", $settings['alert_email']);
            printf("log_dir=%s\n", is_string($logDir) && $logDir !== '' ? $logDir : $settings['log_dir']);
            // From the engine's job registry: the crontab's period of each job and the settings
            // that switch it and may make it run less often than its line; the log is due
            // within twice the longer.
            foreach (MesChain\Engine::registry()['jobs'] as $spec) {
                $job = $spec['name'];
                $switch = $spec['role'] === 'orchestrator' ? 'status' : $spec['switch'];
                $interval = $spec['interval_setting'];
                $on = $switch === null || (!empty($settings['status']) && !empty($settings[$switch]));
                $every = max($spec['cron_minutes'], $interval === null ? 0 : (int)$settings[$interval]);
                printf("max_age_%s=%d\n", $job, $on ? 2 * $every : 0);
            }
            break;
        default:
            fwrite(STDERR, "meschain: unknown command '$command'\n" . USAGE);
            exit(2);
    }
} catch (MesChain\ConfigException $e) {
    fwrite(STDERR, 'meschain: ' . $e->getMessage() . "\n");
    exit(2);
} catch (MesChain\Exception $e) {
    fwrite(STDERR, 'meschain: ' . $e->getMessage() . "\n");
    exit(1);
}

/**
 * The shop's public webhook address: the catalog's base URL from config.php (HTTP_SERVER), or
 * from admin/config.php (HTTP_CATALOG), plus the webhook route. The file is read as text, never
 * executed, as the engine reads it.
 */
function meschain_webhook_url(string $configPath): ?string
{
    $file = is_dir($configPath) ? rtrim($configPath, '/') . '/config.php' : $configPath;
    $text = @file_get_contents($file);
    if (!is_string($text)) {
        return null;
    }
    foreach (['HTTP_CATALOG', 'HTTP_SERVER'] as $name) {
        if (preg_match('/define\(\s*[\'"]' . $name . '[\'"]\s*,\s*[\'"]([^\'"]+)[\'"]\s*\)/', $text, $m)) {
            return rtrim($m[1], '/') . '/index.php?route=extension/meschain/webhook/trendyol';
        }
    }
    return null;
}

/** Colours a word when stdout is a terminal (and NO_COLOR is unset); plain text otherwise. */
function meschain_paint(string $text, string $colour): string
{
    static $tty = null;
    $tty ??= function_exists('stream_isatty') && stream_isatty(STDOUT) && getenv('NO_COLOR') === false;
    $codes = ['red' => '31', 'green' => '32', 'yellow' => '33', 'grey' => '90'];
    return $tty && isset($codes[$colour]) ? "\033[{$codes[$colour]}m$text\033[0m" : $text;
}

/**
 * Prints the doctor's findings and returns the exit code: 1 when a check failed, else 0.
 *
 * @param list<array{check: string, status: string, detail: string, fix: string}> $checks
 */
function meschain_print_checks(array $checks, bool $json): int
{
    $failed = count(array_filter($checks, static fn (array $c): bool => $c['status'] === 'fail'));
    if ($json) {
        echo json_encode(['ok' => $failed === 0, 'problems' => $failed, 'checks' => $checks], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
        return $failed > 0 ? 1 : 0;
    }
    $colours = ['ok' => 'green', 'warn' => 'yellow', 'fail' => 'red', 'skip' => 'grey'];
    foreach ($checks as $c) {
        printf("%s %-16s %s\n", meschain_paint(str_pad($c['status'], 4), $colours[$c['status']] ?? ''), $c['check'], $c['detail']);
        if ($c['fix'] !== '' && $c['status'] !== 'ok') {
            printf("     %-16s fix: %s\n", '', $c['fix']);
        }
    }
    echo $failed === 0 ? "no problems found\n" : meschain_paint("$failed problem(s) found", 'red') . "\n";
    return $failed > 0 ? 1 : 0;
}
