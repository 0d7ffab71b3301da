<?php
/**
 * What one kernel request answered: the output, the headers, and which route produced it
 * (the requested one, or common/login / error/permission when a startup guard refused).
 */
declare(strict_types=1);

namespace MesChainTest\OpenCart;

final class Result
{
    /** @param list<string> $headers */
    public function __construct(
        public readonly string $output,
        public readonly array $headers,
        public readonly string $route,
    ) {
    }

    /** @return array<string, mixed> */
    public function json(): array
    {
        $data = json_decode($this->output, true);
        if (!is_array($data)) {
            throw new \RuntimeException("not a JSON object from {$this->route}: " . substr($this->output, 0, 500));
        }
        return $data;
    }

    public function isJson(): bool
    {
        return in_array('Content-Type: application/json', $this->headers, true);
    }
}
