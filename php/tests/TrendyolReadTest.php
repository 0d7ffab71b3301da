<?php
/**
 * Read-only Trendyol lookups from PHP, against the real sandbox over HTTP: what the admin's
 * pickers and diagnostics use, through the shop-wide rate limiter.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChain\ApiException;
use MesChain\ConfigException;
use MesChain\Engine;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/SandboxProcess.php';

final class TrendyolReadTest extends TestCase
{
    private static SandboxProcess $sandbox;
    private static string $database;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = new SandboxProcess();
        self::$database = TestShop::openCartDatabase('trendyol');
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    /** @param array<string, string> $settings */
    private function engine(array $settings = []): Engine
    {
        return Engine::fromArray(TestShop::config(['settings' => $settings + [
            'environment' => 'sandbox',
            'sandbox_url' => self::$sandbox->url,
            'seller_id' => '1001',
            'api_key' => 'demo-api-key',
            'api_secret' => 'demo-api-secret',
        ]], self::$database));
    }

    public function testReferenceDataForThePickers(): void
    {
        $engine = $this->engine();
        $categories = $engine->trendyolRead('categories');
        $this->assertNotEmpty($categories['categories']);

        $brands = $engine->trendyolRead('brands', ['page' => 0, 'size' => 10]);
        $this->assertNotEmpty($brands['brands']);
        $name = $brands['brands'][0]['name'];
        $byName = $engine->trendyolRead('brand_by_name', ['name' => $name]);
        $this->assertSame($name, $byName[0]['name']);

        $providers = $engine->trendyolRead('cargo_providers');
        $this->assertNotEmpty($providers);
        $this->assertArrayHasKey('code', $providers[0]);
    }

    public function testOrdersPageRoundTrips(): void
    {
        self::$sandbox->control('POST', '/__sandbox/products/seed', ['count' => 5]);
        self::$sandbox->control('POST', '/__sandbox/orders/generate', ['count' => 3]);
        $page = $this->engine()->trendyolRead('orders', ['size' => 50]);
        $this->assertGreaterThanOrEqual(3, $page['totalElements']);
        $this->assertNotEmpty($page['content'][0]['shipmentPackageId'] ?? $page['content'][0]['id'] ?? null);
    }

    public function testEveryCallIsCountedByTheSharedLimiter(): void
    {
        $engine = $this->engine();
        $engine->trendyolRead('cargo_providers');
        $engine->trendyolRead('cargo_providers');
        $grants = (int) TestShop::mysqli(self::$database)
            ->query("SELECT COALESCE(MAX(grants), 0) FROM oc_trendyol_rate_limits WHERE bucket LIKE '1001:ep:%cargo%'")
            ->fetch_row()[0];
        $this->assertGreaterThanOrEqual(2, $grants);
    }

    public function testBadOperationsAndParametersAreNamed(): void
    {
        $engine = $this->engine();
        try {
            $engine->trendyolRead('delete_everything');
            $this->fail('expected an exception');
        } catch (ConfigException $e) {
            $this->assertStringContainsString("unknown Trendyol read 'delete_everything'", $e->getMessage());
            $this->assertStringContainsString('brand_by_name', $e->getMessage());
        }
        try {
            $engine->trendyolRead('category_attributes', ['categoryId' => 411]);
            $this->fail('expected an exception');
        } catch (ConfigException $e) {
            $this->assertStringContainsString("'categoryId'", $e->getMessage());
        }
        try {
            $engine->trendyolRead('category_attributes', ['category_id' => 'four hundred']);
            $this->fail('expected an exception');
        } catch (ConfigException $e) {
            $this->assertStringContainsString("'category_id'", $e->getMessage());
        }
    }

    public function testMissingCredentialsAreAConfigurationError(): void
    {
        $engine = Engine::fromArray(TestShop::config(['settings' => [
            'environment' => 'sandbox', 'sandbox_url' => self::$sandbox->url,
        ]], self::$database));
        $this->expectException(ConfigException::class);
        $this->expectExceptionMessage('seller id is not set');
        $engine->trendyolRead('categories');
    }

    public function testWrongCredentialsAreAnAuthErrorWithoutTheSecret(): void
    {
        $engine = $this->engine(['api_secret' => 'not-the-demo-secret-41']);
        try {
            $engine->trendyolRead('cargo_providers');
            $this->fail('expected an exception');
        } catch (ApiException $e) {
            $this->assertSame(530, $e->getCode(), $e->getMessage());
            $this->assertStringNotContainsString('not-the-demo-secret-41', $e->getMessage());
        }
    }
}
