<?php
/**
 * MesChain's command line for a shop:
 *
 *   php meschain.php migrate --opencart=/var/www/opencart/config.php
 *   php meschain.php status  --opencart=/var/www/opencart/config.php [--json]
 *   php meschain.php metrics --opencart=/var/www/opencart/config.php [--output=FILE]
 *   php meschain.php maintenance --opencart=/var/www/opencart/config.php
 *   php meschain.php webhook [status|register] --opencart=/var/www/opencart/config.php [--url=URL] [--json]
 *   php meschain.php monitor-settings --opencart=/var/www/opencart/config.php
 *   php meschain.php version
 *
 * Exit codes: 0 ok, 1 the engine reported an error, 2 bad usage or configuration,
 * 3 the extension is not loaded.
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
  status    show version, schema, tables and settings (secrets shown only as set/unset)
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

TXT;

if (!extension_loaded('meschain')) {
    fwrite(STDERR, "meschain: the meschain PHP extension is not loaded (see scripts/install-extension.sh)\n");
    exit(3);
}

// Options may stand before or after the command, so argv is read by hand (getopt stops at
// the first non-option).
$command = '';
$options = [];
foreach (array_slice($argv, 1) as $arg) {
    if (preg_match('/^--(opencart|output|log-dir|url)=(.*)$/s', $arg, $m)) {
        $options[$m[1]] = $m[2];
    } elseif ($arg === '--json' || $arg === '--help') {
        $options[substr($arg, 2)] = true;
    } elseif ($command === '' && !str_starts_with($arg, '-')) {
        $command = $arg;
    } elseif ($command === 'webhook' && !isset($options['action']) && in_array($arg, ['status', 'register'], true)) {
        $options['action'] = $arg;
    } else {
        fwrite(STDERR, "meschain: unexpected argument '$arg'\n" . USAGE);
        exit(2);
    }
}
if ($command === '' || isset($options['help']) || str_starts_with($command, '-')) {
    fwrite($command === '' || str_starts_with($command, '-') ? STDERR : STDOUT, USAGE);
    exit(isset($options['help']) ? 0 : 2);
}

if ($command === 'version') {
    echo MesChain\Engine::version(), "\n";
    exit(0);
}

$configPath = $options['opencart'] ?? null;
if (!is_string($configPath) || $configPath === '') {
    fwrite(STDERR, "meschain: --opencart=/path/to/opencart/config.php is required\n" . USAGE);
    exit(2);
}
// The shop's root directory stands for its config.php, as for the cron scripts.
if (is_dir($configPath)) {
    $configPath = rtrim($configPath, '/') . '/config.php';
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
            $status = $engine->status();
            if (isset($options['json'])) {
                echo json_encode($status, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
                break;
            }
            printf("MesChain %s, schema %d/%d, database %s (prefix %s)\n", $status['version'],
                $status['schema_version'], $status['latest_schema_version'], $status['database'], $status['prefix']);
            foreach ($status['tables'] as $table) {
                printf("  %-32s %s\n", $table['name'], $table['present'] ? 'present' : 'MISSING');
            }
            echo $status['settings_error'] !== null
                ? "  settings: {$status['settings_error']}\n"
                : "  settings: ok\n";
            printf("  log dir: %s\n", $status['log_dir'] ?? '-');
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
            // The crontab's period of each job (scripts/setup_cron_jobs.sh) and the setting that
            // may make a job run less often than its line: the log is due within twice the longer.
            $jobs = [
                'trendyol_sync'     => [15, 'status', null],
                'product_sync'      => [60, 'product_sync', 'product_sync_interval'],
                'order_sync'        => [10, 'order_sync', 'order_sync_interval'],
                'stock_sync'        => [30, 'stock_sync', 'stock_sync_interval'],
                'webhook_processor' => [5, 'webhook_processing', 'webhook_interval'],
                'question_sync'     => [15, 'question_sync', 'question_sync_interval'],
                'maintenance'       => [1440, null, null],
            ];
            printf("alert_email=%s\n", $settings['alert_email']);
            printf("log_dir=%s\n", is_string($logDir) && $logDir !== '' ? $logDir : $settings['log_dir']);
            foreach ($jobs as $job => [$cron, $switch, $interval]) {
                $on = $switch === null || (!empty($settings['status']) && !empty($settings[$switch]));
                $every = max($cron, $interval === null ? 0 : (int)$settings[$interval]);
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
