<?php
/**
 * One real process of the chaos suite (a worker, a cron script, the webhook route's server):
 * started in the background with its output appended to a log file, so the suite can kill it
 * at any moment and still read afterwards what it said.
 */
declare(strict_types=1);

namespace MesChainChaos;

final class ChaosProcess
{
    /** @var resource|null */
    private $process;
    private ?int $exitCode = null;
    private bool $killed = false;
    public readonly float $startedAt;

    /**
     * @param list<string> $command
     * @param array<string, string>|null $env
     */
    public function __construct(public readonly string $name, array $command, public readonly string $log, ?array $env = null)
    {
        file_put_contents($log, sprintf("--- %s %s\n", date('c'), implode(' ', array_map('basename', $command))), FILE_APPEND);
        $this->process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, null, $env);
        if (!is_resource($this->process)) {
            throw new \RuntimeException("could not start $name");
        }
        $this->startedAt = microtime(true);
    }

    public function pid(): int
    {
        return is_resource($this->process) ? (int) proc_get_status($this->process)['pid'] : 0;
    }

    /** Whether it still runs; records the exit code once it has ended. */
    public function running(): bool
    {
        if (!is_resource($this->process)) {
            return false;
        }
        $status = proc_get_status($this->process);
        if ($status['running']) {
            return true;
        }
        $this->exitCode = $status['signaled'] ? 128 + (int) $status['termsig'] : (int) $status['exitcode'];
        proc_close($this->process);
        $this->process = null;
        return false;
    }

    /** SIGKILL: no chance to hand anything back. */
    public function kill(): void
    {
        if ($this->running()) {
            $this->killed = true;
            $this->signalChildren('KILL');
            proc_terminate($this->process, 9);
            $this->wait(5);
        }
    }

    /** SIGTERM, then waits up to `$seconds` (SIGKILL after that); returns the exit code. */
    public function stop(float $seconds = 15): ?int
    {
        if ($this->running()) {
            $this->signalChildren('TERM');
            proc_terminate($this->process, 15);
            if (!$this->wait($seconds)) {
                $this->kill();
            }
        }
        return $this->exitCode;
    }

    /** Waits up to `$seconds` for the end; true if it ended. */
    public function wait(float $seconds): bool
    {
        $deadline = microtime(true) + $seconds;
        while ($this->running()) {
            if (microtime(true) > $deadline) {
                return false;
            }
            usleep(20_000);
        }
        return true;
    }

    /** `php -S` with PHP_CLI_SERVER_WORKERS forks workers that outlive a signal to it alone. */
    private function signalChildren(string $signal): void
    {
        $pid = $this->pid();
        if ($pid > 0) {
            exec("pkill -$signal -P $pid");
        }
    }

    public function exitCode(): ?int
    {
        return $this->exitCode;
    }

    public function wasKilled(): bool
    {
        return $this->killed;
    }
}
