<?php
/**
 * One engine per PHP worker and configuration: requests a `php -S` worker serves for the same
 * shop reuse the engine (its pool and Trendyol client) the first one built, a different
 * configuration gets an engine of its own, and a setting changed in the database between two
 * requests is what the second one reads.
 */
declare(strict_types=1);

namespace MesChainTest;

use PHPUnit\Framework\TestCase;

final class EngineReuseTest extends TestCase
{
    /** @var resource|null */
    private static $server = null;
    private static string $url;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        self::$database = TestShop::openCartDatabase('reuse');
        $shop = TestShop::writeConfigPhp(TestShop::tempDir('reuse-a'), self::$database);
        // The same database under another table prefix: another configuration.
        $other = TestShop::writeConfigPhp(TestShop::tempDir('reuse-b'), self::$database, 'oc2_');
        self::setSellerId('4711');

        // Two forked workers: each builds its own engine after the fork.
        [self::$server, $base] = TestShop::startPhpServer(__DIR__ . '/engine_reuse_router.php', [
            'MESCHAIN_REUSE_CONFIGS' => "$shop,$other",
            'PHP_CLI_SERVER_WORKERS' => '2',
        ]);
        self::$url = "$base/index.php";
    }

    public static function tearDownAfterClass(): void
    {
        if (is_resource(self::$server)) {
            TestShop::stopProcessTree(self::$server);
        }
        self::$server = null;
    }

    private static function setSellerId(string $id): void
    {
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_setting WHERE code = 'module_meschain' AND `key` = 'module_meschain_seller_id'");
        $db->query("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', 'module_meschain_seller_id', '$id', 0)");
    }

    /** @return array<string, mixed> */
    private function get(int $shop): array
    {
        $text = (string) file_get_contents(self::$url . '?shop=' . $shop, false, stream_context_create(['http' => ['ignore_errors' => true, 'timeout' => 15]]));
        $answer = json_decode($text, true);
        $this->assertIsArray($answer, $text);
        $this->assertArrayNotHasKey('error', $answer, $text);
        return $answer;
    }

    public function testAWorkerBuildsOneEnginePerConfigurationAndReadsFreshSettings(): void
    {
        // Per worker: what its first request for the first shop found.
        $seen = [];
        for ($i = 0; $i < 12; $i++) {
            $r = $this->get(0);
            $this->assertSame('4711', (string) $r['seller_id']);
            if (!isset($seen[$r['pid']])) {
                $this->assertSame(0, $r['before'], 'a worker starts without engines, whatever its parent built');
                $this->assertSame(1, $r['built']);
                $seen[$r['pid']] = true;
            } else {
                $this->assertSame(1, $r['before'], "worker {$r['pid']} built another engine for the same shop");
                $this->assertSame(1, $r['built'], "worker {$r['pid']} built another engine for the same shop");
            }
        }

        // Another configuration: its own engine, in whichever worker serves it.
        $other = $this->get(1);
        $this->assertSame($other['before'] + 1, $other['built']);
        $again = $this->get(1);
        if ($again['pid'] === $other['pid']) {
            $this->assertSame($other['built'], $again['built'], 'the second shop\'s engine was not reused');
        }

        // The engine is kept, the settings are not: a change in the database is read at once.
        self::setSellerId('4712');
        for ($i = 0; $i < 6; $i++) {
            $this->assertSame('4712', (string) $this->get(0)['seller_id']);
        }
    }
}
