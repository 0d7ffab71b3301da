<?php
/**
 * `meschain doctor`: is this server ready to sync? One finding per check, each with the fix.
 *
 * A shop breaks in a few known ways after an install or an upgrade: PHP-FPM still runs without
 * the extension (the admin says "not loaded" while the command line works), the extension and
 * the OpenCart module come from different releases, a migration never ran, cron was never set
 * up, Trendyol switched the webhook to passive after failed deliveries, or the server's clock
 * drifted (Trendyol's API and the shop's rate-limit windows both assume one time). Each check
 * here looks at one of them from the outside, the way the owner would, and says what to do.
 *
 * Required by meschain.php; on its own it defines functions and does nothing.
 */
declare(strict_types=1);

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit(1);
}

/** How long ago cron must have run at the latest: twice the orchestrator's 15-minute period. */
const MESCHAIN_CRON_MAX_AGE_S = 30 * 60;

/** The largest clock difference with Trendyol that passes. */
const MESCHAIN_MAX_SKEW_S = 30;

/**
 * Runs every check.
 *
 * @return list<array{check: string, status: string, detail: string, fix: string}>
 *         status is ok, warn (worth a look, not a failure), fail or skip
 */
function meschain_doctor(?MesChain\Engine $engine, string $configPath, ?string $webhookUrl): array
{
    $checks = [];
    $add = static function (string $check, string $status, string $detail, string $fix = '') use (&$checks): void {
        $checks[] = ['check' => $check, 'status' => $status, 'detail' => $detail, 'fix' => $fix];
    };

    $soVersion = extension_loaded('meschain') ? (string)phpversion('meschain') : '';
    if ($soVersion === '') {
        $add('extension (cli)', 'fail', 'the meschain extension is not loaded in ' . PHP_BINARY,
            'install the meschain package (apt install ./meschain_*.deb) or enable it: phpenmod -v 8.2 meschain');
    } else {
        $add('extension (cli)', 'ok', "meschain $soVersion in PHP " . PHP_VERSION);
    }
    meschain_doctor_fpm($add);
    meschain_doctor_module($add, $soVersion, $configPath);

    if ($engine === null) {
        $add('database', 'fail', 'no engine: ' . ($configPath === '' ? 'no shop configured' : "cannot open $configPath"),
            'set OPENCART in /etc/meschain/meschain.conf or pass --opencart=/path/to/opencart');
        return $checks;
    }

    try {
        $req = $engine->requirements();
    } catch (MesChain\Exception $e) {
        $add('database', 'fail', $e->getMessage(), 'check DB_* in ' . $configPath . ' and that MariaDB runs');
        return $checks;
    }
    $missing = array_keys(array_filter((array)$req['tables'], static fn ($present): bool => !$present));
    if ((int)$req['schema_version'] < (int)$req['latest_schema_version'] || $missing) {
        $add('tables', 'fail', sprintf('schema %d of %d%s', $req['schema_version'], $req['latest_schema_version'],
            $missing ? ', missing ' . implode(', ', $missing) : ''), 'meschain migrate');
    } else {
        $add('tables', 'ok', sprintf('schema %d, %d tables', $req['schema_version'], count((array)$req['tables'])));
    }
    if ($req['settings_error'] !== null) {
        $add('settings', 'fail', (string)$req['settings_error'], 'Extensions > MesChain > Settings');
    }
    if (!$req['log_dir_writable']) {
        $add('log dir', 'warn', $req['log_dir'] . ' is not writable by ' . (function_exists('posix_geteuid') ? (posix_getpwuid(posix_geteuid())['name'] ?? 'this user') : 'this user'),
            'the jobs run as www-data: chown www-data ' . $req['log_dir']);
    }

    meschain_doctor_cron($add, (array)$req['cron_last_seen']);
    meschain_doctor_webhook($add, $engine, $webhookUrl);
    meschain_doctor_clock($add, $engine);
    return $checks;
}

/** PHP-FPM serves the admin and the webhook: it must load the extension too (where installed). */
function meschain_doctor_fpm(callable $add): void
{
    $fpm = array_values(array_filter(glob('/usr/sbin/php-fpm8.2') ?: [], 'is_executable'));
    if (!$fpm) {
        $add('extension (fpm)', 'skip', 'php-fpm8.2 is not installed');
        return;
    }
    exec(escapeshellarg($fpm[0]) . ' -m 2>/dev/null', $modules, $code);
    if ($code === 0 && in_array('meschain', array_map('trim', $modules), true)) {
        $add('extension (fpm)', 'ok', 'php-fpm8.2 loads meschain (restart it after an upgrade: systemctl restart php8.2-fpm)');
    } else {
        $add('extension (fpm)', 'fail', 'php-fpm8.2 does not load meschain', 'phpenmod -v 8.2 -s fpm meschain && systemctl restart php8.2-fpm');
    }
}

/**
 * The module's version is in its install.json, which OpenCart's Installer extracts to
 * <shop>/extension/meschain/; it must be the extension's, or pages call what the other lacks.
 */
function meschain_doctor_module(callable $add, string $soVersion, string $configPath): void
{
    $module = meschain_module_version($configPath);
    if ($module === null) {
        $add('module', 'warn', 'no extension/meschain/install.json beside ' . ($configPath === '' ? 'the shop' : $configPath),
            'upload meschain.ocmod.zip in Extensions > Installer, then install MesChain Trendyol under Extensions > Modules');
        return;
    }
    if ($soVersion === '' || $module === $soVersion) {
        $add('module', $soVersion === '' ? 'skip' : 'ok', "OpenCart module $module");
        return;
    }
    $fix = version_compare($soVersion, $module, '<')
        ? "install the extension of $module: apt install ./meschain_{$module}_amd64.deb, then systemctl restart php8.2-fpm"
        : "upload meschain.ocmod.zip of $soVersion in Extensions > Installer (settings and data are kept)";
    $add('module', 'fail', "the extension is $soVersion but the OpenCart module is $module", $fix);
}

/** The installed module's version, or null when the module is not there. */
function meschain_module_version(string $configPath): ?string
{
    if ($configPath === '') {
        return null;
    }
    $dir = dirname($configPath);
    // The shop's config.php sits in its root, the admin's in admin/.
    foreach ([$dir, dirname($dir)] as $root) {
        $text = @file_get_contents($root . '/extension/meschain/install.json');
        if (is_string($text)) {
            $json = json_decode($text, true);
            return is_array($json) && is_string($json['version'] ?? null) ? $json['version'] : null;
        }
    }
    return null;
}

/** @param array<string, ?string> $lastSeen job => UTC time of its newest run */
function meschain_doctor_cron(callable $add, array $lastSeen): void
{
    $times = array_filter(array_map(
        static fn ($t): ?int => is_string($t) && $t !== '' ? (strtotime($t . ' UTC') ?: null) : null,
        $lastSeen
    ));
    if (!$times) {
        $add('cron', 'fail', 'no job has ever run',
            'set OPENCART in /etc/meschain/meschain.conf (the package\'s /etc/cron.d/meschain then runs the jobs), or install the crontab from the Setup tab');
        return;
    }
    $job = (string)array_search(max($times), $times, true);
    $age = time() - max($times);
    $detail = sprintf('last run %s (%s), %s ago', gmdate('Y-m-d H:i:s', max($times)) . ' UTC', $job, meschain_duration($age));
    if ($age > MESCHAIN_CRON_MAX_AGE_S) {
        $add('cron', 'fail', $detail, 'is cron running (systemctl status cron) and OPENCART set in /etc/meschain/meschain.conf?');
    } else {
        $add('cron', 'ok', $detail);
    }
}

function meschain_doctor_webhook(callable $add, MesChain\Engine $engine, ?string $url): void
{
    try {
        $sub = $engine->webhookSubscription($url ?? '');
    } catch (MesChain\Exception $e) {
        $add('webhook', 'fail', 'cannot ask Trendyol: ' . $e->getMessage(), 'check the API credentials in Extensions > MesChain > Settings > API');
        return;
    }
    if (empty($sub['registered'])) {
        $add('webhook', 'fail', 'no webhook registered at Trendyol for ' . ($url ?? 'this shop'), 'meschain register-webhook');
    } elseif (empty($sub['active'])) {
        $add('webhook', 'fail', 'Trendyol has the webhook passive (' . ($sub['status'] ?: 'unknown') . ')', 'meschain register-webhook');
    } else {
        $add('webhook', 'ok', 'active at ' . $sub['url']);
    }
}

/** Compares this server's clock with the Date header of the Trendyol API the settings name. */
function meschain_doctor_clock(callable $add, MesChain\Engine $engine): void
{
    try {
        // A shop not yet connected to Trendyol is not sent there, not even for the time.
        if ((string)($engine->settings()['seller_id'] ?? '') === '') {
            $add('clock', 'skip', 'no Trendyol seller id in Settings yet');
            return;
        }
        $base = $engine->apiBaseUrl();
    } catch (MesChain\Exception $e) {
        $add('clock', 'skip', 'no Trendyol address: ' . $e->getMessage());
        return;
    }
    $context = stream_context_create(['http' => ['method' => 'HEAD', 'timeout' => 5, 'ignore_errors' => true, 'follow_location' => 0]]);
    $before = microtime(true);
    $headers = @get_headers($base, true, $context);
    $after = microtime(true);
    $date = is_array($headers) ? ($headers['Date'] ?? $headers['date'] ?? null) : null;
    if (is_array($date)) {
        $date = end($date);
    }
    $theirs = is_string($date) ? strtotime($date) : false;
    if ($theirs === false) {
        $add('clock', 'warn', "$base did not answer with a Date header", 'check that this server reaches ' . $base);
        return;
    }
    // Date has whole seconds and was stamped somewhere between the request and the answer.
    $skew = (int)round(($before + $after) / 2 - $theirs);
    $detail = sprintf('%+d s against %s', $skew, $base);
    if (abs($skew) > MESCHAIN_MAX_SKEW_S) {
        $add('clock', 'fail', $detail, 'synchronise the clock: timedatectl set-ntp true (systemd-timesyncd or chrony)');
    } else {
        $add('clock', 'ok', $detail);
    }
}

function meschain_duration(int $seconds): string
{
    if ($seconds < 120) {
        return $seconds . ' s';
    }
    if ($seconds < 7200) {
        return intdiv($seconds, 60) . ' min';
    }
    return intdiv($seconds, 3600) . ' h';
}
