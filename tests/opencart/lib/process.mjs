// Child processes of the suite: the shop's `php -S`, the Trendyol sandbox, command-line tools.
//
// `php -S` with PHP_CLI_SERVER_WORKERS forks its workers; a SIGTERM to the server alone leaves
// them running (and holding the port) after the run, so every process is started in a group of
// its own and the whole group is stopped.

import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) {
        error.message = `${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`;
        reject(error);
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/**
 * A long-running process whose stdout and stderr go to `logFile`, in a process group of its own.
 */
export class Service {
  constructor(name, command, args, { env = {}, cwd, logFile }) {
    this.name = name;
    this.logFile = logFile;
    const fd = openSync(logFile, 'a');
    this.child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    this.exited = false;
    this.child.on('exit', () => { this.exited = true; });
  }

  /** Waits until `probe()` resolves true, or fails with the log's tail. */
  async waitUntil(probe, what, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`${this.name} exited while waiting for ${what} (see ${this.logFile})`);
      }
      try {
        if (await probe()) return;
      } catch {
        // not up yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms (see ${this.logFile})`);
  }

  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
  async stop() {
    if (this.exited) return;
    const group = -this.child.pid;
    try { process.kill(group, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 50 && !this.exited; i++) await sleep(100);
    if (!this.exited) {
      try { process.kill(group, 'SIGKILL'); } catch { /* gone */ }
    }
  }
}
