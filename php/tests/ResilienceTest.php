<?php
/**
 * The promises that keep a shop's PHP alive: a Rust panic becomes a catchable exception and
 * the process goes on; a forked child (php-fpm, pcntl) can use the engine; logs hold no secret.
 */
declare(strict_types=1);

namespace MesChainTest;

use MesChain\Engine;
use MesChain\InternalException;
use PHPUnit\Framework\TestCase;

final class ResilienceTest extends TestCase
{
    public function testAPanicOnTheCallingThreadIsACatchableException(): void
    {
        try {
            \MesChain\Testing::diagnosePanic('call');
            $this->fail('expected an exception');
        } catch (InternalException $e) {
            $this->assertSame(900, $e->getCode());
            $this->assertStringContainsString('diagnostic panic on the calling thread', $e->getMessage());
        }
        // The process and the extension live on.
        $engine = Engine::fromArray(TestShop::config());
        $this->assertSame([], array_diff_key(['applied' => 1], $engine->migrate()));
    }

    public function testAPanicInsideAnAsyncTaskIsACatchableException(): void
    {
        for ($i = 0; $i < 3; $i++) {
            try {
                \MesChain\Testing::diagnosePanic('worker');
                $this->fail('expected an exception');
            } catch (InternalException $e) {
                $this->assertStringContainsString('panic', $e->getMessage());
            }
        }
        $engine = Engine::fromArray(TestShop::config());
        $this->assertIsArray($engine->status());
    }

    public function testDiagnosePanicRejectsUnknownPlaces(): void
    {
        $this->expectException(\MesChain\ConfigException::class);
        \MesChain\Testing::diagnosePanic('elsewhere');
    }

    public function testAForkedChildCanUseTheEngineAndTheParentStillCan(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl is not available');
        }
        $engine = Engine::fromArray(TestShop::config());
        $engine->migrate();
        // The parent has a live pool and runtime before the fork, as php-fpm's master would.
        $before = $engine->status();

        $children = [];
        for ($i = 0; $i < 2; $i++) {
            $pid = pcntl_fork();
            $this->assertNotSame(-1, $pid, 'fork failed');
            if ($pid === 0) {
                // Child: use the inherited object, then a new one. Exit code tells the parent.
                $code = 0;
                try {
                    $inherited = $engine->status();
                    $fresh = Engine::fromArray(TestShop::config())->status();
                    if ($inherited['pid'] !== getmypid() || $fresh['schema_version'] !== $before['schema_version']) {
                        $code = 3;
                    }
                    $engine->migrate();
                } catch (\Throwable $e) {
                    fwrite(STDERR, 'child failed: ' . $e->getMessage() . "\n");
                    $code = 2;
                }
                // Skip PHP's shutdown (and PHPUnit's): the parent owns the test run.
                posix_kill(getmypid(), $code === 0 ? SIGUSR1 : SIGUSR2);
                exit($code);
            }
            $children[] = $pid;
        }
        foreach ($children as $pid) {
            pcntl_waitpid($pid, $status);
            $this->assertTrue(
                pcntl_wifsignaled($status) && pcntl_wtermsig($status) === SIGUSR1,
                'child did not finish cleanly (status ' . $status . ')'
            );
        }
        // The parent's connections were not closed by the children.
        $after = $engine->status();
        $this->assertSame(getmypid(), $after['pid']);
        $this->assertSame($before['schema_version'], $after['schema_version']);
    }

    public function testLogFilesHoldNoSecretAfterARunThatUsedThem(): void
    {
        $logDir = TestShop::tempDir('secretlogs');
        $secrets = [
            'api_key' => 'demo-api-key-7d41c2',
            'api_secret' => 'demo-api-secret-93be0f',
            'webhook_password' => 'demo-hook-pass-55a1',
            'webhook_api_key' => 'demo-hook-key-0c9e',
        ];
        $engine = Engine::fromArray(TestShop::config([
            'log_dir' => $logDir,
            'settings' => $secrets + ['seller_id' => '1001', 'debug' => '1'],
        ], TestShop::freshDatabase('secretlogs')));
        $engine->migrate();
        $engine->status();
        try {
            \MesChain\Testing::diagnosePanic('call');
        } catch (InternalException) {
        }
        // A failing connection with the secrets configured, so error paths log too.
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        try {
            Engine::fromArray(TestShop::config(['port' => $port, 'connect_timeout' => 1, 'log_dir' => $logDir,
                'settings' => $secrets]))->migrate();
        } catch (\MesChain\DatabaseException) {
        }

        $files = glob("$logDir/*.log");
        $this->assertNotEmpty($files, 'the run wrote logs');
        $all = implode("\n", array_map('file_get_contents', $files));
        $this->assertStringContainsString('migration applied', $all, 'the logs tell the story');
        $this->assertStringContainsString('panic', $all);
        foreach ($secrets as $name => $value) {
            $this->assertStringNotContainsString($value, $all, "$name leaked into the logs");
        }
    }
}
