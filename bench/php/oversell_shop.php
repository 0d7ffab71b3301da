<?php
/**
 * A real OpenCart 4.0.2.3 shop for a benchmark: the upstream archive unpacked into a temporary
 * folder, installed with its own install/cli_install.php into a fresh database, served by
 * `php -S` with the extension, and MesChain brought in as an owner brings it — the module zip
 * unpacked where Extensions > Installer puts it, then Extensions > Modules > Install through the
 * admin's own route, signed in as the admin (which registers the module's events).
 */
declare(strict_types=1);

use MesChainTest\TestShop;

final class OversellShop
{
    private const ADMIN_USER = 'admin';
    private const ADMIN_PASSWORD = 'Adm1n-bench';

    private function __construct(
        public readonly string $dir,
        public readonly string $web,
        public readonly string $url,
        public readonly string $database,
    ) {
    }

    public static function install(string $root, string $so, int $workers = 4): self
    {
        $archive = getenv('OPENCART_ARCHIVE') ?: dirname($root) . '/shared/vendor/opencart-4.0.2.3.tar.gz';
        if (!is_file($archive)) {
            throw new RuntimeException("OpenCart 4.0.2.3 archive not found at $archive; set OPENCART_ARCHIVE");
        }
        $dir = TestShop::tempDir('oversell-shop');
        self::run(['tar', '-xzf', $archive, '-C', $dir]);
        $web = "$dir/opencart-4.0.2.3/upload";
        copy("$web/config-dist.php", "$web/config.php");
        copy("$web/admin/config-dist.php", "$web/admin/config.php");
        $database = TestShop::freshDatabase('oc');
        $port = self::freePort();
        $url = "http://127.0.0.1:$port/";
        $out = self::run([PHP_BINARY, 'cli_install.php', 'install',
            '--username', self::ADMIN_USER, '--password', self::ADMIN_PASSWORD, '--email', 'owner@example.com',
            '--http_server', $url, '--db_driver', 'mysqli', '--db_hostname', TestShop::host(),
            '--db_username', TestShop::user(), '--db_password', TestShop::password(), '--db_database', $database,
            '--db_port', (string) TestShop::port(), '--db_prefix', 'oc_'], "$web/install");
        if (!str_contains($out, 'SUCCESS')) {
            throw new RuntimeException("OpenCart's cli_install did not succeed:\n$out");
        }
        rename("$web/install", "$dir/install-done");

        // What Extensions > Installer extracts: the zip's files under extension/meschain/.
        self::run(['bash', "$root/scripts/build-ocmod.sh", "$dir/dist"]);
        self::run(['unzip', '-q', "$dir/dist/meschain.ocmod.zip", '-d', "$web/extension/meschain"]);
        // The benchmark's own checkout route (not part of the module).
        mkdir("$web/catalog/controller/bench", 0755, true);
        copy(__DIR__ . '/oversell_checkout.php', "$web/catalog/controller/bench/checkout.php");

        $env = getenv();
        $env['PHP_CLI_SERVER_WORKERS'] = (string) $workers;
        $server = proc_open([PHP_BINARY, '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", '-t', $web],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/php-server.log", 'a'], 2 => ['file', "$dir/php-server.log", 'a']],
            $pipes, $web, $env);
        register_shutdown_function(static fn () => TestShop::stopProcessTree($server));
        for ($i = 0; $i < 200 && @file_get_contents($url . 'index.php?route=common/home') === false; $i++) {
            usleep(50_000);
        }

        $shop = new self($dir, $web, $url, $database);
        $shop->installModule();
        return $shop;
    }

    /** Signs in on the admin's login form and presses Install on Extensions > Modules > MesChain. */
    private function installModule(): void
    {
        $jar = $this->dir . '/cookies.txt';
        $admin = $this->url . 'admin/index.php?route=';
        $form = self::http($admin . 'common/login', null, $jar);
        if (!preg_match('/login_token=([A-Za-z0-9]+)/', $form, $m)) {
            throw new RuntimeException('the admin login form has no login token');
        }
        $answer = self::http($admin . 'common/login.login&login_token=' . $m[1],
            ['username' => self::ADMIN_USER, 'password' => self::ADMIN_PASSWORD], $jar);
        $login = json_decode($answer, true);
        if (!preg_match('/user_token=([A-Za-z0-9]+)/', (string) ($login['redirect'] ?? ''), $t)) {
            throw new RuntimeException('admin sign-in failed: ' . substr($answer, 0, 500));
        }
        $installed = json_decode(self::http($admin . 'extension/module.install&extension=meschain&code=meschain&user_token=' . $t[1], null, $jar), true);
        if (!isset($installed['success'])) {
            throw new RuntimeException('installing the module failed: ' . json_encode($installed));
        }
    }

    /** @param array<string, string>|null $post */
    private static function http(string $url, ?array $post, string $jar): string
    {
        $h = curl_init($url);
        curl_setopt_array($h, [CURLOPT_RETURNTRANSFER => true, CURLOPT_USERAGENT => 'Mozilla/5.0 (oversell benchmark)', CURLOPT_COOKIEJAR => $jar, CURLOPT_COOKIEFILE => $jar, CURLOPT_TIMEOUT => 120]);
        if ($post !== null) {
            curl_setopt_array($h, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => http_build_query($post)]);
        }
        $body = (string) curl_exec($h);
        curl_close($h);
        return $body;
    }

    /** @param list<string> $command */
    private static function run(array $command, ?string $cwd = null): string
    {
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        if (proc_close($process) !== 0) {
            throw new RuntimeException(implode(' ', $command) . " failed:\n$out");
        }
        return $out;
    }

    private static function freePort(): int
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        return $port;
    }
}
