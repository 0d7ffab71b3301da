// Upgrading the module through OpenCart 4.0.2.3's Installer, as an owner does it: the shop runs
// an older meschain.ocmod.zip with its settings saved and its history and queue filled; the
// Settings page warns that the loaded extension is newer than the module and names the fix.
// OpenCart takes no zip over an installed one, so the owner uninstalls the module (tables kept,
// as by default), uninstalls and deletes the old zip in the Installer, uploads the new one and
// installs the module again: every setting, every row of MesChain's tables is as it was, and
// the warning is gone.
//
// The older zip is this release's module stamped with an older version: what the Installer,
// install() and uninstall() do with a shop's data does not depend on anything else, and the
// schema's own upgrade from the previous release is engine/tests/upgrade.rs's.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { spawnShop, OCMOD_ZIP } from './lib/shop.mjs';
import { run } from './lib/process.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import {
  signIn, uploadModule, installModule, uninstallModule, openFromMenu, openAdmin, alertText, MODULE_NAME,
} from './lib/admin.mjs';
import { saveSettings, sandboxSettings, DEMO_SELLER } from './lib/settings.mjs';
import { pressSync } from './lib/panels.mjs';

const OLD_VERSION = '0.0.1';

/** The module zip with install.json saying `version` (same name: OpenCart takes its code from it). */
async function stampedZip(version) {
  const dir = mkdtempSync(join(tmpdir(), 'meschain-old-zip-'));
  mkdirSync(join(dir, 'old'));
  const zip = join(dir, 'old', 'meschain.ocmod.zip');
  copyFileSync(OCMOD_ZIP, zip);
  const { stdout } = await run('unzip', ['-p', zip, 'install.json']);
  const json = JSON.parse(stdout);
  json.version = version;
  writeFileSync(join(dir, 'install.json'), JSON.stringify(json, null, 4));
  await run('zip', ['-q', '-X', zip, 'install.json'], { cwd: dir });
  return { zip, dir };
}

/** Every row of MesChain's tables and its settings, to compare before and after. */
async function snapshot(shop) {
  const tables = (await shop.query(
    "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%' ORDER BY TABLE_NAME",
  )).map(([name]) => name);
  const rows = {};
  for (const table of tables) {
    rows[table] = (await shop.query(`CHECKSUM TABLE \`${table}\``))[0][1];
    rows[`${table} rows`] = await shop.value(`SELECT COUNT(*) FROM \`${table}\``);
  }
  const settings = await shop.query("SELECT `key`, `value` FROM oc_setting WHERE code = 'module_meschain' ORDER BY `key`");
  return { tables, rows, settings };
}

/** Extensions > Installer: the module's row Uninstall (files out), then Delete (the zip). */
async function removeFromInstaller(session, shop) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/installer');
  const row = page.locator('#extension tr', { hasText: MODULE_NAME });
  await row.locator('a.btn-warning').click();
  await row.locator('a.btn-success').waitFor({ timeout: 60_000 });
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('#alert').first().evaluate((el) => { el.innerHTML = ''; });
  await row.locator('a.btn-danger').click();
  const deleted = await alertText(page);
  assert.ok(deleted.success, `delete: ${deleted.text}`);
  await page.locator('#extension tr', { hasText: MODULE_NAME }).waitFor({ state: 'detached' });
}

describe('upgrading the MesChain module through OpenCart\'s Installer', () => {
  let shop;
  let browser;
  let owner;
  let old;
  let kept;
  let newVersion;

  before(async () => {
    shop = await spawnShop('upgrade');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'owner' });
    await signIn(owner, shop);
    old = await stampedZip(OLD_VERSION);
    newVersion = JSON.parse((await run('unzip', ['-p', OCMOD_ZIP, 'install.json'])).stdout).version;
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
    if (old) rmSync(old.dir, { recursive: true, force: true });
  });

  it('runs the older module with settings, history and a queue', async () => {
    await uploadModule(owner, shop, old.zip);
    assert.ok((await installModule(owner, shop)).success);
    await saveSettings(owner, shop, sandboxSettings(shop, { batch_size: '77', stock_buffer: '3' }));
    const result = await pressSync(owner, shop, 'Process Webhooks');
    assert.equal(result.status, 'done', result.text);
    assert.ok(Number(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_logs')) > 0, 'history');
    assert.ok(Number(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue')) > 0, 'queue');
    kept = await snapshot(shop);
  });

  it('warns on the Settings page that the module is older than the extension, with the fix', async () => {
    await openFromMenu(owner, shop, 'Settings');
    const warning = owner.page.locator('#meschain-version-warning');
    await owner.screenshot('version-warning');
    const text = await warning.innerText();
    assert.match(text, new RegExp(`extension is ${newVersion.replace(/\./g, '\\.')} but this module is ${OLD_VERSION.replace(/\./g, '\\.')}`));
    assert.match(text, /Upload meschain\.ocmod\.zip of version/);
    assert.ok((await warning.getAttribute('class')).includes('alert-warning'));
  });

  it('upgrades: uninstall, replace the zip in the Installer, install; every setting and row survives', async () => {
    assert.ok((await uninstallModule(owner, shop)).success);
    await removeFromInstaller(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    await owner.screenshot('upgraded');

    const now = await snapshot(shop);
    assert.deepEqual(now.tables, kept.tables, 'the same tables');
    assert.deepEqual(now.rows, kept.rows, 'every row of every MesChain table as it was');
    assert.deepEqual(now.settings, kept.settings, 'every setting as it was');
    assert.equal(await shop.value("SELECT version FROM oc_extension_install WHERE code = 'meschain'"), newVersion);
  });

  it('shows no warning once both are one version, and the saved settings', async () => {
    await openFromMenu(owner, shop, 'Settings');
    assert.equal(await owner.page.locator('#meschain-version-warning').count(), 0);
    await owner.page.click('a[href="#tab-api"]');
    assert.equal(await owner.page.locator('#field-seller-id').inputValue(), DEMO_SELLER.id);
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});
