<?php
/**
 * The metrics route over real HTTP (PHP's built-in server with the extension): off without a
 * token (404), 401 without or with a wrong token, OpenMetrics with the right one as a Bearer
 * header, and a token in the address refused (400) whether right or wrong.
 */
declare(strict_types=1);

use MesChainTest\TestShop;
use PHPUnit\Framework\TestCase;

final class MetricsRouteTest extends TestCase
{
    private const TOKEN = 'metrics-token-5d1f0c9a-7e3b41d2a6';
    private static string $database;
    /** @var resource|null */
    private static $server = null;
    private static string $url;

    public static function setUpBeforeClass(): void
    {
        self::$database = TestShop::openCartDatabase('metrics');
        $shop = TestShop::tempDir('metrics-shop');
        \MesChain\Engine::fromOpenCart(TestShop::writeConfigPhp($shop, self::$database))->migrate();
        $so = getenv('MESCHAIN_EXTENSION_SO') ?: dirname(__DIR__, 2) . '/target/release/libmeschain.so';
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $env = getenv();
        $env['MESCHAIN_SHOP'] = $shop;
        // Without -n: the router reads settings with mysqli, as OpenCart's startup does.
        self::$server = proc_open(
            [PHP_BINARY, '-d', 'extension=' . $so, '-S', "127.0.0.1:$port", __DIR__ . '/metrics_router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            $env
        );
        self::$url = "http://127.0.0.1:$port/index.php?route=extension/meschain/metrics";
        for ($i = 0; $i < 200; $i++) {
            $socket = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(25_000);
        }
        throw new \RuntimeException('PHP built-in server did not start');
    }

    public static function tearDownAfterClass(): void
    {
        if (is_resource(self::$server)) {
            proc_terminate(self::$server);
            proc_close(self::$server);
        }
    }

    private function token(string $token): void
    {
        $db = TestShop::mysqli(self::$database);
        $db->query("DELETE FROM oc_setting WHERE `key` = 'module_meschain_metrics_token'");
        if ($token !== '') {
            $stmt = $db->prepare("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', 'module_meschain_metrics_token', ?, 0)");
            $stmt->bind_param('s', $token);
            $stmt->execute();
        }
    }

    /** @return array{int, string, string} status, content type, body */
    private function get(string $query = '', array $headers = []): array
    {
        $context = stream_context_create(['http' => [
            'header' => implode("\r\n", $headers),
            'ignore_errors' => true,
            'timeout' => 15,
        ]]);
        $body = (string) file_get_contents(self::$url . $query, false, $context);
        /** @var list<string> $http_response_header */
        preg_match('{^HTTP/\S+ (\d{3})}', $http_response_header[0] ?? '', $m);
        $type = '';
        foreach ($http_response_header as $line) {
            if (stripos($line, 'Content-Type:') === 0) {
                $type = trim(substr($line, 13));
            }
        }
        return [(int) ($m[1] ?? 0), $type, $body];
    }

    public function testWithoutATokenSetTheRouteIsOff(): void
    {
        $this->token('');
        [$status] = $this->get('', ['Authorization: Bearer anything']);
        $this->assertSame(404, $status);
    }

    public function testAMissingOrWrongTokenIs401(): void
    {
        $this->token(self::TOKEN);
        [$status, , $body] = $this->get();
        $this->assertSame(401, $status);
        $this->assertStringNotContainsString('meschain_', $body);
        [$status] = $this->get('', ['Authorization: Bearer ' . self::TOKEN . 'x']);
        $this->assertSame(401, $status);
    }

    public function testTheRightTokenGetsOpenMetrics(): void
    {
        $this->token(self::TOKEN);
        [$status, $type, $body] = $this->get('', ['Authorization: Bearer ' . self::TOKEN]);
        $this->assertSame(200, $status, $body);
        $this->assertSame('application/openmetrics-text; version=1.0.0; charset=utf-8', $type);
        $this->assertStringContainsString("# TYPE meschain_queue_depth gauge\n", $body);
        $this->assertStringEndsWith("# EOF\n", $body);
        $this->assertStringContainsString('meschain_queue_depth{priority="1"} 0', $body);
    }

    public function testATokenInTheAddressIsRefusedEvenWhenRight(): void
    {
        $this->token(self::TOKEN);
        foreach (['&token=' . self::TOKEN, '&token=wrong'] as $query) {
            [$status, $type, $body] = $this->get($query);
            $this->assertSame(400, $status, $query);
            $this->assertStringStartsWith('text/plain', $type);
            $this->assertStringContainsString('Authorization: Bearer', $body);
            $this->assertStringNotContainsString('meschain_queue_depth', $body);
        }
        // Not even beside a right header: the address already went into a log.
        [$status] = $this->get('&token=x', ['Authorization: Bearer ' . self::TOKEN]);
        $this->assertSame(400, $status);
    }
}
