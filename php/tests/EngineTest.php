<?php
/**
 * The bridge, end to end through real PHP: construction from config.php and from arrays,
 * migrations, status, the exception hierarchy and bad input.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChain\ConfigException;
use MesChain\DatabaseException;
use MesChain\Engine;
use PHPUnit\Framework\TestCase;

final class EngineTest extends TestCase
{
    private const SEED_TABLES = [
        'trendyol_products', 'trendyol_orders', 'trendyol_sync_logs', 'trendyol_webhook_logs',
        'trendyol_sync_queue', 'trendyol_stock_history', 'trendyol_alerts',
    ];

    public function testVersionIsTheEnginesVersion(): void
    {
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Engine::version());
        $this->assertSame(phpversion('meschain'), Engine::version());
        $info = Engine::buildInfo();
        $this->assertSame(Engine::version(), $info['version']);
        // The PHP API the extension was compiled for; PHP only loads it if it matches its own.
        $this->assertMatchesRegularExpression('/^\d{8}$/', $info['php_api']);
    }

    public function testMigrationsCreateEveryTableAndAreIdempotent(): void
    {
        $database = TestShop::freshDatabase('migrate');
        $engine = Engine::fromArray(TestShop::config([], $database));

        $first = $engine->migrate();
        $this->assertNotEmpty($first['applied']);
        $this->assertSame(max($first['applied']), $first['schema_version']);

        $tables = array_column(TestShop::mysqli($database)->query('SHOW TABLES')->fetch_all(), 0);
        foreach (self::SEED_TABLES as $table) {
            $this->assertContains('oc_' . $table, $tables);
        }

        $second = $engine->migrate();
        $this->assertSame([], $second['applied']);
        $this->assertSame($first['schema_version'], $second['schema_version']);

        $status = $engine->status();
        $this->assertSame($first['schema_version'], $status['schema_version']);
        $this->assertSame($database, $status['database']);
        foreach ($status['tables'] as $table) {
            $this->assertTrue($table['present'], $table['name']);
        }
    }

    public function testFromOpenCartReadsARealLookingConfigPhp(): void
    {
        $database = TestShop::freshDatabase('configphp');
        $dir = TestShop::tempDir('shop');
        $path = TestShop::writeConfigPhp($dir, $database, 'oc_');
        $engine = Engine::fromOpenCart($path);
        $engine->migrate();
        $status = $engine->status();
        $this->assertSame($database, $status['database']);
        $this->assertSame('oc_', $status['prefix']);
    }

    public function testAMissingConfigPhpIsAConfigException(): void
    {
        try {
            Engine::fromOpenCart('/nonexistent/opencart/config.php');
            $this->fail('expected an exception');
        } catch (\MesChain\InternalException $e) {
            $this->assertStringContainsString('/nonexistent/opencart/config.php', $e->getMessage());
            $this->assertSame(400, $e->getCode());
        }
    }

    public function testAConfigPhpWithoutDatabaseSettingsNamesWhatIsMissing(): void
    {
        $dir = TestShop::tempDir('badconfig');
        file_put_contents("$dir/config.php", "<?php\ndefine('DB_HOSTNAME', 'localhost');\ndefine('DB_DATABASE', 'shop');\n");
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('DB_USERNAME');
        Engine::fromOpenCart("$dir/config.php");
    }

    public function testBadSettingsAreRejectedWithTheKeyAndTheAllowedValues(): void
    {
        try {
            Engine::fromArray(TestShop::config(['settings' => ['batch_size' => 'lots']]));
            $this->fail('expected an exception');
        } catch (ConfigException $e) {
            $this->assertSame(110, $e->getCode());
            $this->assertStringContainsString("'batch_size'", $e->getMessage());
            $this->assertStringContainsString('1 to 1000', $e->getMessage());
        }
        try {
            Engine::fromArray(TestShop::config(['settings' => ['environment' => 'live']]));
            $this->fail('expected an exception');
        } catch (ConfigException $e) {
            $this->assertStringContainsString('production, stage or sandbox', $e->getMessage());
        }
    }

    public function testABadSettingStoredInOcSettingIsReported(): void
    {
        $database = TestShop::openCartDatabase('settings');
        $db = TestShop::mysqli($database);
        $db->query("INSERT INTO oc_setting (store_id, code, `key`, value) VALUES (0, 'module_meschain', 'module_meschain_memory_limit', '256 megs')");
        $engine = Engine::fromArray(TestShop::config([], $database));

        $status = $engine->status();
        $this->assertNull($status['settings']);
        $this->assertStringContainsString('memory_limit', $status['settings_error']);

        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage("'memory_limit'");
        $engine->settings();
    }

    public function testUnknownConfigKeysAndWrongShapesAreRejected(): void
    {
        foreach ([
            [['hostnmae' => 'x', 'username' => 'u', 'database' => 'd'], "unknown config key 'hostnmae'"],
            [['username' => 'u', 'database' => 'd', 'port' => 'abc'], 'port'],
            [['username' => 'u', 'database' => 'd', 'prefix' => 'oc`;'], 'DB_PREFIX'],
            [['username' => 'u', 'database' => 'd', 'settings' => 'batch_size=5'], "'settings'"],
            [['username' => 'u', 'database' => 'd', 'settings' => ['batch_sise' => 5]], 'batch_sise'],
            [['username' => 'u'], 'DB_DATABASE'],
            [['x', 'y'], 'associative array'],
            [['username' => new \stdClass()], 'stdClass'],
        ] as [$config, $needle]) {
            try {
                Engine::fromArray($config);
                $this->fail('accepted: ' . json_encode($config));
            } catch (ConfigException $e) {
                $this->assertStringContainsString($needle, $e->getMessage());
            }
        }
    }

    public function testSecretsAreNeverEchoedBack(): void
    {
        $engine = Engine::fromArray(TestShop::config(['settings' => [
            'api_key' => 'demo-key-abc123', 'api_secret' => 'demo-secret-xyz789', 'seller_id' => '1001',
        ]]));
        $engine->migrate();
        $status = $engine->status();
        $text = json_encode($status);
        $this->assertStringNotContainsString('demo-secret-xyz789', $text);
        $this->assertStringNotContainsString('demo-key-abc123', $text);
    }

    public function testADatabaseThatIsDownGivesAClearExceptionNotAHang(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket); // nothing listens there now
        $engine = Engine::fromArray(TestShop::config(['port' => $port, 'connect_timeout' => 1]));
        try {
            $engine->migrate();
            $this->fail('expected an exception');
        } catch (DatabaseException $e) {
            $this->assertSame(200, $e->getCode());
            $this->assertStringContainsString("127.0.0.1:$port", $e->getMessage());
        }
    }

    public function testASilentDatabaseTimesOutWithinTheConnectTimeout(): void
    {
        // Accepts the TCP connection and never speaks: the handshake never starts.
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($server, false), ':'), 1);
        $engine = Engine::fromArray(TestShop::config(['port' => $port, 'connect_timeout' => 1]));
        try {
            $engine->status();
            $this->fail('expected an exception');
        } catch (DatabaseException $e) {
            $this->assertStringContainsString('connect timeout', $e->getMessage());
        } finally {
            fclose($server);
        }
    }

    public function testExceptionsFormAHierarchyPhpCanUse(): void
    {
        foreach (['ConfigException', 'DatabaseException', 'TimeoutException', 'ApiException', 'InternalException'] as $name) {
            $class = "MesChain\\$name";
            $this->assertTrue(is_subclass_of($class, \MesChain\Exception::class), $class);
        }
        $this->assertTrue(is_subclass_of(\MesChain\Exception::class, \Exception::class));
        $e = new ConfigException('made in PHP', 7);
        $this->assertSame(7, $e->getCode());
        $this->assertSame(__LINE__ - 2, $e->getLine());
        try {
            Engine::fromArray(['username' => 'u']);
        } catch (\MesChain\Exception $e) {
            $this->assertSame(__LINE__ - 2, $e->getLine(), 'thrown exceptions carry the calling line');
        }
    }
}
