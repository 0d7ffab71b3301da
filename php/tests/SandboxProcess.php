<?php
/**
 * Starts the real `trendyol-sandbox` binary on 127.0.0.1 (a free port) for a test class and
 * stops it afterwards. The binary comes from MESCHAIN_SANDBOX_BIN or target/release.
 */
declare(strict_types=1);

namespace MesChainTest;

final class SandboxProcess
{
    /** @var resource */
    private $process;
    public readonly string $url;

    /**
     * @param list<string> $args extra sandbox flags
     * @param int $seed the seed of every random choice the sandbox makes (fault draws included)
     */
    public function __construct(array $args = [], int $seed = 7)
    {
        $bin = getenv('MESCHAIN_SANDBOX_BIN') ?: dirname(__DIR__, 2) . '/target/release/trendyol-sandbox';
        if (!is_executable($bin)) {
            throw new \RuntimeException("trendyol-sandbox not found at $bin (cargo build --release)");
        }
        $portFile = tempnam(sys_get_temp_dir(), 'sandbox-port-');
        unlink($portFile);
        $command = array_merge([$bin, '--port', '0', '--port-file', $portFile, '--seed', (string) $seed], $args);
        $this->process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        for ($i = 0; $i < 200 && !(is_file($portFile) && filesize($portFile) > 0); $i++) {
            usleep(25_000);
        }
        $port = is_file($portFile) ? trim((string) file_get_contents($portFile)) : '';
        @unlink($portFile);
        if (!ctype_digit($port)) {
            $this->stop();
            throw new \RuntimeException('trendyol-sandbox did not start');
        }
        $this->url = "http://127.0.0.1:$port";
    }

    /** A control call (`/__sandbox/...`), decoded. */
    public function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
        ]]);
        $text = file_get_contents($this->url . $path, false, $context);
        return $text === '' || $text === false ? [] : (array) json_decode($text, true);
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
    }

    public function __destruct()
    {
        $this->stop();
    }
}
