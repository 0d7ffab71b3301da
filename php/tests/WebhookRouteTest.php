<?php
/**
 * The catalog webhook route over real HTTP: PHP's built-in server runs the extension's
 * controller (through webhook_router.php) with the built extension, against a real OpenCart
 * database whose oc_setting holds the webhook credentials.
 */
declare(strict_types=1);

namespace MesChainTest;

use PHPUnit\Framework\TestCase;

final class WebhookRouteTest extends TestCase
{
    private const USER = 'trendyol-hook';
    private const PASSWORD = 'Wh&pass:7781<long>';
    // Strong (24 characters or more): let in even from a source cooling down.
    private const API_KEY = 'wh-key-5f0c2a9d41-0b7e66c3a8';

    private static string $database;
    private static string $shopDir;
    /** @var resource|null */
    private static $server = null;
    private static string $url;
    private string $lastRetryAfter = '';

    public static function setUpBeforeClass(): void
    {
        self::$database = TestShop::openCartDatabase('webhook');
        self::$shopDir = TestShop::tempDir('webhook-shop');
        $config = TestShop::writeConfigPhp(self::$shopDir, self::$database);
        \MesChain\Engine::fromOpenCart($config)->migrate();

        $so = getenv('MESCHAIN_EXTENSION_SO') ?: dirname(__DIR__, 2) . '/target/release/libmeschain.so';
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $env = getenv() + ['MESCHAIN_WEBHOOK_SHOP' => self::$shopDir];
        $env['MESCHAIN_WEBHOOK_SHOP'] = self::$shopDir;
        self::$server = proc_open(
            [PHP_BINARY, '-n', '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", __DIR__ . '/webhook_router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            $env
        );
        self::$url = "http://127.0.0.1:$port/index.php?route=extension/meschain/webhook/trendyol";
        for ($i = 0; $i < 200; $i++) {
            $socket = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(25_000);
        }
        self::stopServer();
        throw new \RuntimeException('PHP built-in server did not start');
    }

    public static function tearDownAfterClass(): void
    {
        self::stopServer();
    }

    private static function stopServer(): void
    {
        if (is_resource(self::$server)) {
            TestShop::stopProcessTree(self::$server);
        }
        self::$server = null;
    }

    /** @param array<string, string> $settings short keys */
    private function useSettings(array $settings): void
    {
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_setting WHERE code = 'module_meschain'");
        $insert = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', ?, ?, 0)");
        foreach ($settings + ['seller_id' => '2738'] as $key => $value) {
            $name = 'module_meschain_' . $key;
            $insert->bind_param('ss', $name, $value);
            $insert->execute();
        }
        // The route's worker keeps the credential in memory and reads it again on a refusal
        // once its copy is a second old (see the engine's inbox gate): wait that second, as an
        // owner's change is honoured from then on.
        usleep(1_100_000);
    }

    protected function setUp(): void
    {
        $this->useSettings(['webhook_auth' => 'basic', 'webhook_username' => self::USER, 'webhook_password' => self::PASSWORD]);
    }

    private static function package(int $id, string $status): string
    {
        return (string) json_encode([
            'shipmentPackageId' => $id,
            'orderNumber' => '10654411234',
            'lastModifiedDate' => 1718000000000,
            'status' => $status,
            'customerFirstName' => 'Ayşe',
            'customerLastName' => 'Yılmaz',
            'customerEmail' => 'pf+ayse.yilmaz@trendyolmail.com',
            'shipmentAddress' => ['address1' => 'Bağdat Caddesi No:12', 'phone' => '+90 532 123 45 67'],
            'lines' => [['barcode' => '8690000000011', 'quantity' => 1]],
        ]);
    }

    /**
     * @param list<string> $headers
     * @return array{0: int, 1: array<string, mixed>, 2: string}
     */
    private function post(string $body, array $headers = [], string $method = 'POST'): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => implode("\r\n", array_merge(['Content-Type: application/json'], $headers)) . "\r\n",
            'content' => $body,
            'ignore_errors' => true,
            'timeout' => 15,
        ]]);
        $text = (string) file_get_contents(self::$url, false, $context);
        /** @var list<string> $http_response_header */
        preg_match('{^HTTP/\S+ (\d{3})}', $http_response_header[0] ?? '', $m);
        $contentType = '';
        $this->lastRetryAfter = '';
        foreach ($http_response_header as $line) {
            if (stripos($line, 'Content-Type:') === 0) {
                $contentType = trim(substr($line, 13));
            } elseif (stripos($line, 'Retry-After:') === 0) {
                $this->lastRetryAfter = trim(substr($line, 12));
            }
        }
        return [(int) ($m[1] ?? 0), (array) json_decode($text, true), $contentType];
    }

    private static function basic(string $user, string $password): string
    {
        return 'Authorization: Basic ' . base64_encode("$user:$password");
    }

    private function queueRows(string $key): int
    {
        $db = TestShop::mysqli(self::$database);
        $stmt = $db->prepare('SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE dedupe_key = ?');
        $stmt->bind_param('s', $key);
        $stmt->execute();
        return (int) $stmt->get_result()->fetch_row()[0];
    }

    public function testMissingAndWrongCredentialsAre401(): void
    {
        [$status, $json, $type] = $this->post(self::package(100, 'Created'));
        $this->assertSame(401, $status);
        $this->assertSame('rejected_auth', $json['verdict']);
        $this->assertSame('missing credentials', $json['reason']);
        $this->assertSame('application/json', $type);

        [$status, $json] = $this->post(self::package(100, 'Created'), [self::basic(self::USER, 'nope')]);
        $this->assertSame(401, $status);
        $this->assertSame('wrong credentials', $json['reason']);

        // Refusals are logged as one row per interval, never one per request; nothing of the
        // presented credential is in it.
        $db = TestShop::mysqli(self::$database);
        $rows = $db->query("SELECT reason FROM oc_trendyol_webhook_logs WHERE verdict = 'rejected_auth'")->fetch_all();
        $this->assertLessThanOrEqual(1, count($rows));
        $this->assertStringNotContainsString('nope', (string) json_encode($rows));
    }

    public function testAnOversizedBodyIs413BeforeAnythingIsRead(): void
    {
        // Declared too long: refused from Content-Length, even without a credential (no 401).
        $limit = \MesChain\Engine::webhookBodyLimit();
        [$status, $json] = $this->post(str_repeat('x', $limit + 1));
        $this->assertSame(413, $status, json_encode($json));
        $this->assertSame('rejected_body', $json['verdict']);
        $this->assertStringContainsString((string) $limit, $json['reason']);
    }

    public function testTheBodyIsReadInBoundedChunks(): void
    {
        if (!class_exists('\Opencart\System\Engine\Controller')) {
            eval('namespace Opencart\System\Engine; class Controller { public function __construct($registry = null) {} }');
        }
        require_once dirname(__DIR__, 2) . '/opencart-module/catalog/controller/webhook/trendyol.php';
        $class = '\Opencart\Catalog\Controller\Extension\Meschain\Webhook\Trendyol';
        $file = TestShop::tempDir('webhook-body') . '/body';
        file_put_contents($file, str_repeat('a', 200_000));
        $this->assertSame(200_000, strlen((string) $class::readBody($file, 200_000)));
        $this->assertNull($class::readBody($file, 199_999), 'one byte over the limit');
        $this->assertNull($class::readBody($file, 10));
        $this->assertSame(null, $class::declaredLength([]));
        $this->assertSame(12, $class::declaredLength(['CONTENT_LENGTH' => '12']));
        $this->assertSame(PHP_INT_MAX, $class::declaredLength(['CONTENT_LENGTH' => '-1']));
        $this->assertSame(PHP_INT_MAX, $class::declaredLength(['CONTENT_LENGTH' => '99999999999999999999']));
    }

    public function testMalformedBodyIs400(): void
    {
        [$status, $json] = $this->post('{"shipmentPackageId": ', [self::basic(self::USER, self::PASSWORD)]);
        $this->assertSame(400, $status);
        $this->assertSame('rejected_body', $json['verdict']);
        $this->assertStringStartsWith('body is not JSON', $json['reason']);
    }

    public function testBasicDeliveryIsStoredOnceWhenRepeated(): void
    {
        $body = self::package(200, 'Created');
        $auth = [self::basic(self::USER, self::PASSWORD)];
        [$status, $json] = $this->post($body, $auth);
        $this->assertSame(200, $status, json_encode($json));
        $this->assertSame('accepted', $json['verdict']);
        for ($i = 0; $i < 2; $i++) {
            [$status, $json] = $this->post($body, $auth);
            $this->assertSame(200, $status);
            $this->assertSame('duplicate', $json['verdict']);
        }
        $this->assertSame(1, $this->queueRows('pkg:2738:200:Created:1718000000000'));
    }

    public function testApiKeyDeliveryIsStored(): void
    {
        $this->useSettings(['webhook_auth' => 'api_key', 'webhook_api_key' => self::API_KEY]);
        [$status] = $this->post(self::package(300, 'Shipped'), ['x-api-key: wrong-key-000']);
        $this->assertSame(401, $status);
        [$status, $json] = $this->post(self::package(300, 'Shipped'), ['X-Api-Key: ' . self::API_KEY]);
        $this->assertSame(200, $status, json_encode($json));
        $this->assertSame(1, $this->queueRows('pkg:2738:300:Shipped:1718000000000'));
    }

    public function testBrokenSettingsAre5xxWithoutInternalDetail(): void
    {
        $this->useSettings(['webhook_auth' => 'basic', 'webhook_username' => self::USER,
            'webhook_password' => self::PASSWORD, 'batch_size' => 'lots']);
        [$status, $json] = $this->post(self::package(400, 'Created'), [self::basic(self::USER, self::PASSWORD)]);
        $this->assertSame(500, $status, 'not stored: Trendyol must retry');
        $this->assertArrayNotHasKey('reason', $json);
        $this->assertStringNotContainsString('batch_size', (string) json_encode($json));
        // The reason is kept for the shop owner.
        $reason = TestShop::mysqli(self::$database)
            ->query("SELECT reason FROM oc_trendyol_webhook_logs ORDER BY webhook_log_id DESC LIMIT 1")
            ->fetch_row()[0];
        $this->assertStringContainsString('batch_size', (string) $reason);
    }

    /**
     * A source that keeps failing: 401 up to the limit, then 429 with Retry-After — and the
     * whole run adds at most one log row. The (short, pre-rule) password does not pass the
     * cool-down either. Last of the class: this server's only source is now cooling down.
     */
    public function testASourceThatKeepsFailingIsAnswered429AndLoggedOnce(): void
    {
        $db = TestShop::mysqli(self::$database);
        $before = (int) $db->query('SELECT COUNT(*) FROM oc_trendyol_webhook_logs')->fetch_row()[0];
        $statuses = [];
        $retryAfter = '';
        for ($i = 0; $i < 60; $i++) {
            [$status, $json] = $this->post(self::package(900, 'Created'), [self::basic(self::USER, "guess-$i")]);
            $statuses[] = $status;
            if ($status === 429) {
                $this->assertSame('throttled', $json['verdict']);
                $retryAfter = $this->lastRetryAfter;
            }
        }
        $this->assertSame(401, $statuses[0]);
        $this->assertContains(429, $statuses);
        $first429 = array_search(429, $statuses, true);
        $this->assertSame(array_fill(0, 60 - $first429, 429), array_slice($statuses, $first429), 'once cooling, always 429');
        $this->assertMatchesRegularExpression('/^[1-9][0-9]*$/', $retryAfter);
        $after = (int) $db->query('SELECT COUNT(*) FROM oc_trendyol_webhook_logs')->fetch_row()[0];
        $this->assertLessThanOrEqual(1, $after - $before, '60 refusals, at most one row');
        [$status] = $this->post(self::package(901, 'Created'), [self::basic(self::USER, self::PASSWORD)]);
        $this->assertSame(429, $status, 'a short password does not pass a cool-down');
        $this->assertSame(0, $this->queueRows('pkg:2738:901:Created:1718000000000'));
    }

    public function testOnlyPostIsAccepted(): void
    {
        [$status, $json] = $this->post('', [], 'GET');
        $this->assertSame(405, $status);
        $this->assertSame('rejected', $json['verdict']);
    }
}
