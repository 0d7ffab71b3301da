// The real thing for every test file: a fresh OpenCart 4.0.2.3 installed from the upstream
// archive into a fresh database, served by `php -S` with the built `meschain` extension, and
// a Trendyol sandbox beside it — all on 127.0.0.1, all stopped and removed afterwards.
//
// Nothing of MesChain is put into the shop here: the module arrives the way a shop owner
// brings it, through Extensions > Installer in the browser (see admin.mjs).

import { mkdtempSync, mkdirSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, run, Service } from './process.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = process.env.MESCHAIN_ARTIFACTS ?? join(ROOT, 'tests/artifacts/opencart');

/** The upstream OpenCart 4.0.2.3 archive: beside the project, or where the environment says. */
export function openCartArchive() {
  const path = process.env.OPENCART_ARCHIVE ?? resolve(ROOT, '../shared/vendor/opencart-4.0.2.3.tar.gz');
  if (!existsSync(path)) {
    throw new Error(`OpenCart 4.0.2.3 archive not found at ${path}; set OPENCART_ARCHIVE to the upstream release archive`);
  }
  return path;
}

export const EXTENSION = process.env.MESCHAIN_EXTENSION ?? join(ROOT, 'target/release/libmeschain.so');
export const SANDBOX_BIN = process.env.MESCHAIN_SANDBOX_BIN ?? join(ROOT, 'target/release/trendyol-sandbox');
export const OCMOD_ZIP = process.env.MESCHAIN_OCMOD ?? join(ROOT, 'dist/meschain.ocmod.zip');

const DB = {
  host: process.env.MESCHAIN_TEST_DB_HOST ?? '127.0.0.1',
  port: process.env.MESCHAIN_TEST_DB_PORT ?? '3306',
  user: process.env.MESCHAIN_TEST_DB_USER ?? 'root',
  password: process.env.MESCHAIN_TEST_DB_PASSWORD ?? '',
};

export const ADMIN = { username: 'admin', password: 'Adm1n-accept', email: 'owner@example.com' };

/** Rows of a query as arrays of strings (NULL as null), through the `mariadb` client. */
export async function sql(database, query) {
  const args = ['-h', DB.host, '-P', DB.port, '-u', DB.user, '--batch', '--skip-column-names', '--raw', '-e', query];
  if (DB.password) args.splice(6, 0, `-p${DB.password}`);
  if (database) args.push(database);
  const { stdout } = await run('mariadb', args);
  return stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t').map((v) => (v === 'NULL' ? null : v)));
}

/** One value of a query (first column of the first row), or null. */
export async function sqlValue(database, query) {
  const rows = await sql(database, query);
  return rows.length ? rows[0][0] : null;
}

let shops = 0;

/**
 * Installs and serves a fresh shop. `name` labels its artifacts (screenshots, logs).
 * Returns a handle with `url`, `adminUrl`, `database`, `sandbox`, `query()`, `stop()`.
 */
export async function spawnShop(name, { workers = 4, timezone = 'Europe/Istanbul' } = {}) {
  for (const [what, path] of [['extension', EXTENSION], ['sandbox', SANDBOX_BIN], ['module zip', OCMOD_ZIP]]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}: build first (./run build, scripts/build-ocmod.sh)`);
  }
  shops += 1;
  const dir = mkdtempSync(join(tmpdir(), `meschain-oc-${name}-`));
  // The pid in the name lets `./run` drop the databases of interrupted runs.
  const database = `meschain_t_${process.pid}_oc_${name.replace(/\W/g, '_')}_${shops}`;
  const artifacts = join(ARTIFACTS, name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  await run('tar', ['-xzf', openCartArchive(), '-C', dir]);
  const web = join(dir, 'opencart-4.0.2.3/upload');
  copyFileSync(join(web, 'config-dist.php'), join(web, 'config.php'));
  copyFileSync(join(web, 'admin/config-dist.php'), join(web, 'admin/config.php'));

  await sql(null, `DROP DATABASE IF EXISTS \`${database}\``);
  await sql(null, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const { stdout } = await run('php', [
    'cli_install.php', 'install',
    '--username', ADMIN.username, '--password', ADMIN.password, '--email', ADMIN.email,
    '--http_server', url,
    '--db_driver', 'mysqli', '--db_hostname', DB.host, '--db_username', DB.user,
    '--db_password', DB.password, '--db_database', database, '--db_port', DB.port, '--db_prefix', 'oc_',
  ], { cwd: join(web, 'install') });
  if (!stdout.includes('SUCCESS')) throw new Error(`OpenCart's cli_install did not succeed:\n${stdout}`);
  // The admin warns while install/ is reachable; a real owner deletes it.
  renameSync(join(web, 'install'), join(dir, 'install-done'));

  // A Turkish shop: the store's time zone is Istanbul (the admin shows every time in it).
  await sql(database, `UPDATE oc_setting SET value = '${timezone}' WHERE \`key\` = 'config_timezone' AND store_id = 0`);

  const sandboxPortFile = join(dir, 'sandbox.port');
  const sandbox = new Service('trendyol-sandbox', SANDBOX_BIN,
    ['--port', '0', '--port-file', sandboxPortFile, '--seed', '19', '--approval-delay-ms', '200', '--batch-delay-ms', '100'],
    { logFile: join(artifacts, 'sandbox.log') });
  await sandbox.waitUntil(() => existsSync(sandboxPortFile) && readFileSync(sandboxPortFile, 'utf8').trim() !== '', 'port file');
  const sandboxUrl = `http://127.0.0.1:${readFileSync(sandboxPortFile, 'utf8').trim()}`;

  const phpLog = join(artifacts, 'php-server.log');
  const server = new Service('php -S', 'php', [
    '-d', `extension=${EXTENSION}`,
    '-d', 'error_reporting=E_ALL',
    '-d', 'display_errors=stderr',
    '-d', 'log_errors=1',
    '-d', 'upload_max_filesize=32M', '-d', 'post_max_size=32M',
    '-S', `127.0.0.1:${port}`, '-t', web,
  ], { cwd: web, env: { PHP_CLI_SERVER_WORKERS: String(workers) }, logFile: phpLog });
  await server.waitUntil(async () => (await fetch(url + 'index.php?route=common/home')).ok, 'storefront answer');

  const shop = {
    name, dir, web, url, adminUrl: `${url}admin/`, database, artifacts, phpLog,
    sandbox: { url: sandboxUrl, service: sandbox },
    server,
    query: (q) => sql(database, q),
    value: (q) => sqlValue(database, q),
    /** A call to the sandbox's control surface (`/__sandbox/...`), decoded. */
    async control(method, path, body) {
      const response = await fetch(sandboxUrl + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : {};
    },
    /** PHP errors, warnings, notices and deprecations the shop logged so far. */
    phpProblems() {
      const problems = [];
      const pattern = /(PHP )?(Fatal error|Parse error|Warning|Notice|Deprecated|Uncaught|Exception)\b/;
      for (const file of [phpLog, join(web, 'system/storage/logs/error.log')]) {
        if (!existsSync(file)) continue;
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          // php -S logs each request as "[date] 127.0.0.1:port [status]: GET /…"; those lines
          // are not problems (a status is checked where it matters).
          if (/^\[[^\]]+\] 127\.0\.0\.1:\d+ (Accepted|Closing|\[\d{3}\]:)/.test(line)) continue;
          if (pattern.test(line)) problems.push(line);
        }
      }
      return problems;
    },
    async stop({ keep = process.env.MESCHAIN_KEEP_SHOP === '1' } = {}) {
      await server.stop();
      await sandbox.stop();
      if (!keep) {
        await sql(null, `DROP DATABASE IF EXISTS \`${database}\``);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  writeFileSync(join(artifacts, 'shop.json'), JSON.stringify({ url, database, sandbox: sandboxUrl, dir }, null, 2));
  return shop;
}
