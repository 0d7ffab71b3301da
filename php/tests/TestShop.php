<?php
/**
 * Shared fixtures for the PHP tests: the run's database, temporary folders, and engines
 * pointed at them.
 */
declare(strict_types=1);

namespace MesChainTest;

final class TestShop
{
    private static ?string $database = null;
    /** @var list<string> */
    private static array $tempDirs = [];

    public static function host(): string { return getenv('MESCHAIN_TEST_DB_HOST') ?: '127.0.0.1'; }
    public static function port(): int { return (int) (getenv('MESCHAIN_TEST_DB_PORT') ?: 3306); }
    public static function user(): string { return getenv('MESCHAIN_TEST_DB_USER') ?: 'root'; }
    public static function password(): string { return getenv('MESCHAIN_TEST_DB_PASSWORD') ?: ''; }

    public static function mysqli(?string $database = null): \mysqli
    {
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        return new \mysqli(self::host(), self::user(), self::password(), $database ?? '', self::port());
    }

    /** A database for this test run, unique per process. */
    public static function createRunDatabase(): void
    {
        self::ownerPid();
        self::$database = sprintf('meschain_php_%d_%d', getmypid(), hrtime(true) % 1000000000);
        self::mysqli()->query('CREATE DATABASE `' . self::$database . '` CHARACTER SET utf8mb4');
    }

    /**
     * Stops a process started with proc_open, and its children first: `php -S` with
     * PHP_CLI_SERVER_WORKERS forks workers, and SIGTERM to the server alone leaves them running
     * (and holding its port) after the test.
     *
     * @param resource $process
     */
    public static function stopProcessTree($process): void
    {
        if (!is_resource($process)) {
            return;
        }
        $pid = (int) proc_get_status($process)['pid'];
        if ($pid > 0) {
            exec('pkill -TERM -P ' . $pid);
        }
        proc_terminate($process);
        proc_close($process);
    }

    /**
     * Starts PHP's built-in server on a free loopback port with the built extension and `$router`
     * as its front controller, `$env` added to the environment; returns the process (stop it with
     * stopProcessTree()) and its base URL once it accepts connections.
     *
     * @param array<string, string> $env
     * @return array{0: resource, 1: string}
     */
    public static function startPhpServer(string $router, array $env): array
    {
        $so = getenv('MESCHAIN_EXTENSION_SO') ?: dirname(__DIR__, 2) . '/target/release/libmeschain.so';
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $server = proc_open(
            [PHP_BINARY, '-n', '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", $router],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            $env + getenv()
        );
        for ($i = 0; $i < 200; $i++) {
            $socket = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($socket !== false) {
                fclose($socket);
                return [$server, "http://127.0.0.1:$port"];
            }
            usleep(25_000);
        }
        self::stopProcessTree($server);
        throw new \RuntimeException('PHP built-in server did not start');
    }

    public static function dropRunDatabase(): void
    {
        if (self::$database !== null && getmypid() === self::ownerPid()) {
            self::mysqli()->query('DROP DATABASE IF EXISTS `' . self::$database . '`');
            self::$database = null;
        }
        foreach (self::$tempDirs as $dir) {
            self::removeTree($dir);
        }
    }

    private static ?int $owner = null;

    private static function ownerPid(): int
    {
        return self::$owner ??= getmypid();
    }

    public static function database(): string
    {
        self::ownerPid();
        return (string) self::$database;
    }

    /** Creates another empty database (for tests that need a pristine one); dropped at the end. */
    public static function freshDatabase(string $label): string
    {
        $name = self::database() . '_' . $label;
        $db = self::mysqli();
        $db->query("DROP DATABASE IF EXISTS `$name`");
        $db->query("CREATE DATABASE `$name` CHARACTER SET utf8mb4");
        register_shutdown_function(static function () use ($name): void {
            if (getmypid() === self::ownerPid()) {
                self::mysqli()->query("DROP DATABASE IF EXISTS `$name`");
            }
        });
        return $name;
    }

    /**
     * A database holding a real OpenCart 4.0.2.3 schema and base data (built by
     * `meschain-tool shop`), with `$products` generated products; dropped at the end.
     */
    public static function openCartDatabase(string $label, int $products = 0): string
    {
        $name = self::freshDatabase($label);
        $tool = getenv('MESCHAIN_TOOL_BIN') ?: dirname(__DIR__, 2) . '/target/release/meschain-tool';
        $url = sprintf('mysql://%s%s@%s:%d/%s', self::user(), self::password() === '' ? '' : ':' . self::password(),
            self::host(), self::port(), $name);
        exec(escapeshellarg($tool) . ' shop --db-url ' . escapeshellarg($url) . ' --products ' . $products . ' 2>&1', $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("meschain-tool shop failed:\n" . implode("\n", $out));
        }
        return $name;
    }

    public static function tempDir(string $label): string
    {
        $dir = sys_get_temp_dir() . '/meschain-php-' . $label . '-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($dir, 0700, true);
        self::$tempDirs[] = $dir;
        return $dir;
    }

    /** @param array<string, mixed> $extra */
    public static function config(array $extra = [], ?string $database = null): array
    {
        return $extra + [
            'hostname' => self::host(),
            'port' => self::port(),
            'username' => self::user(),
            'password' => self::password(),
            'database' => $database ?? self::database(),
            'prefix' => 'oc_',
            'log_dir' => self::tempDir('logs'),
        ];
    }

    /** Writes an OpenCart-style config.php and returns its path. */
    public static function writeConfigPhp(string $dir, string $database, string $prefix = 'oc_'): string
    {
        $q = static fn (string $v): string => "'" . addcslashes($v, "'\\") . "'";
        $php = "<?php\n// APPLICATION\ndefine('APPLICATION', 'Catalog');\n\n// HTTP\n"
            . "define('HTTP_SERVER', 'http://127.0.0.1/');\n\n// DIR\n"
            . "define('DIR_OPENCART', " . $q($dir . '/') . ");\n"
            . "define('DIR_APPLICATION', DIR_OPENCART . 'catalog/');\n\n// DB\n"
            . "define('DB_DRIVER', 'mysqli');\n"
            . "define( \"DB_HOSTNAME\" , " . $q(self::host()) . " );\n"
            . "define('DB_USERNAME', " . $q(self::user()) . ");\n"
            . "define('DB_PASSWORD', " . $q(self::password()) . ");\n"
            . "define('DB_DATABASE', " . $q($database) . ");\n"
            . "define('DB_PORT', '" . self::port() . "');\n"
            . "define('DB_PREFIX', " . $q($prefix) . ");\n";
        $path = $dir . '/config.php';
        file_put_contents($path, $php);
        return $path;
    }

    public static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $items = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST
        );
        foreach ($items as $item) {
            $item->isDir() ? rmdir($item->getPathname()) : unlink($item->getPathname());
        }
        rmdir($dir);
    }
}
