<?php
/**
 * MesChain's command line for a shop:
 *
 *   php meschain.php migrate --opencart=/var/www/opencart/config.php
 *   php meschain.php status  --opencart=/var/www/opencart/config.php [--json]
 *   php meschain.php metrics --opencart=/var/www/opencart/config.php [--output=FILE]
 *   php meschain.php maintenance --opencart=/var/www/opencart/config.php
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

Commands:
  migrate   create or upgrade MesChain's tables (safe to repeat)
  status    show version, schema, tables and settings (secrets shown only as set/unset)
  metrics   print OpenMetrics text; --output=FILE writes it atomically (for node_exporter's
            textfile collector, e.g. --output=/var/lib/prometheus/node-exporter/meschain.prom)
  maintenance  delete logs and processed queue jobs past the retention (30 days), then
            OPTIMIZE TABLE the sync tables
  version   print the extension's version

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
    if (preg_match('/^--(opencart|output)=(.*)$/s', $arg, $m)) {
        $options[$m[1]] = $m[2];
    } elseif ($arg === '--json' || $arg === '--help') {
        $options[substr($arg, 2)] = true;
    } elseif ($command === '' && !str_starts_with($arg, '-')) {
        $command = $arg;
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

try {
    $engine = MesChain\Engine::fromOpenCart($configPath);
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
