<?php
/**
 * The local MariaDB server as the chaos suite sees it: something that can be stopped in the
 * middle of a sync and must always come back. Stopping affects every database on the server,
 * which is why the suite runs alone and keeps the downtime to a few seconds; `ensureUp()` runs
 * at exit whatever happened.
 */
declare(strict_types=1);

namespace MesChainChaos;

final class MariaDbServer
{
    private bool $down = false;

    public function __construct(private readonly string $root)
    {
    }

    public function ping(): bool
    {
        exec('mariadb-admin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1', $out, $code);
        return $code === 0;
    }

    /** Shuts the server down and waits until it no longer answers. */
    public function stop(): void
    {
        $this->down = true;
        exec('mariadb-admin --protocol=tcp -h127.0.0.1 -P3306 -uroot shutdown 2>&1', $out, $code);
        for ($i = 0; $i < 200 && $this->ping(); $i++) {
            usleep(50_000);
        }
        // The process may still be writing its last pages after the port closed.
        for ($i = 0; $i < 200 && trim((string) shell_exec('pgrep -x mariadbd')) !== ''; $i++) {
            usleep(50_000);
        }
    }

    /** Starts the server (`./run db`) and waits until it answers. */
    public function start(): void
    {
        exec(escapeshellarg($this->root . '/run') . ' db 2>&1', $out, $code);
        if ($code !== 0 || !$this->ping()) {
            throw new \RuntimeException("MariaDB did not come back:\n" . implode("\n", $out));
        }
        $this->down = false;
    }

    /** Brings the server back if the suite left it down (an exception, a signal). */
    public function ensureUp(): void
    {
        if ($this->down || !$this->ping()) {
            try {
                $this->start();
            } catch (\Throwable $e) {
                fwrite(STDERR, 'chaos: ' . $e->getMessage() . "\n");
            }
        }
    }
}
