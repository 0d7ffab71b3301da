// The shop's public doors, tried from outside over HTTP against a real OpenCart 4.0.2.3: the
// catalog cron routes refuse an anonymous caller (403) and a GET (405) and change nothing, the
// per-installation cron secret opens them, and OpenCart's own cron — `index.php?route=cron/cron`
// and the admin's Run button, which call the action in-process — still runs the maintenance.
// The admin refuses a short secret with a clear message and generates a long one; the metrics
// address takes its token only as a Bearer header.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import { signIn, uploadModule, installModule, openAdmin, openFromMenu, act } from './lib/admin.mjs';
import { setField, save } from './lib/settings.mjs';

const SYNC_ROUTE = 'extension/meschain/cron/meschain';
const MAINTENANCE_ROUTE = 'extension/meschain/cron/meschain.maintenance';

describe('every door guarded', () => {
  let shop;
  let browser;
  let owner;
  let secret;

  before(async () => {
    shop = await spawnShop('doors');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'doors' });
    await signIn(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    secret = await shop.value("SELECT value FROM oc_setting WHERE store_id = 0 AND `key` = 'module_meschain_cron_secret'");
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  const route = (r) => `${shop.url}index.php?route=${r}`;
  /** Log rows the maintenance would delete: older than the 30-day retention. */
  async function oldRows(marker, n = 2) {
    for (let i = 0; i < n; i++) {
      await shop.query(`INSERT INTO oc_trendyol_webhook_logs (received_at, http_status, verdict, reason) VALUES (NOW(3) - INTERVAL 400 DAY, 200, 'accepted', '${marker}')`);
    }
  }
  const countMarked = (marker) => shop.value(`SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE reason = '${marker}'`);
  const snapshot = async () => ({
    webhookLogs: await shop.value('SELECT COUNT(*) FROM oc_trendyol_webhook_logs'),
    syncLogs: await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_logs'),
    crons: await shop.query("SELECT code, date_modified FROM oc_cron WHERE code LIKE 'meschain%' ORDER BY code"),
  });

  it('makes a per-installation cron secret at install', () => {
    assert.match(secret ?? '', /^[0-9a-f]{48}$/, 'a 48-character random secret');
  });

  it('refuses the cron routes to anyone without the secret (403) and to GET (405), changing nothing', async () => {
    await oldRows('doors-old');
    const before = await snapshot();
    const cases = [
      ['anonymous GET, maintenance', route(MAINTENANCE_ROUTE), {}, 403],
      ['anonymous POST, maintenance', route(MAINTENANCE_ROUTE), { method: 'POST' }, 403],
      ['anonymous GET, sync', route(SYNC_ROUTE), {}, 403],
      ['anonymous POST, sync', route(SYNC_ROUTE), { method: 'POST' }, 403],
      ['a wrong secret', route(MAINTENANCE_ROUTE), { method: 'POST', headers: { authorization: `Bearer ${secret.slice(0, -1)}0` } }, 403],
      ['the secret in the address', `${route(MAINTENANCE_ROUTE)}&secret=${secret}&token=${secret}`, { method: 'POST' }, 403],
      ['the right secret with GET, maintenance', route(MAINTENANCE_ROUTE), { headers: { authorization: `Bearer ${secret}` } }, 405],
      ['the right secret with GET, sync', route(SYNC_ROUTE), { headers: { 'x-meschain-cron-secret': secret } }, 405],
    ];
    for (const [what, url, init, status] of cases) {
      const response = await fetch(url, init);
      const text = await response.text();
      assert.equal(response.status, status, `${what}: ${text}`);
      assert.ok(!text.includes(secret), `${what}: the secret is not echoed`);
      if (status === 405) assert.equal(response.headers.get('allow'), 'POST');
    }
    assert.deepEqual(await snapshot(), before, 'no row changed, no job ran');
    assert.equal(await countMarked('doors-old'), '2');
  });

  it('runs the maintenance for a POST with the secret', async () => {
    const response = await fetch(route(MAINTENANCE_ROUTE), { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.status, 'done');
    assert.equal(await countMarked('doors-old'), '0', 'the old rows are gone');

    const sync = await fetch(route(SYNC_ROUTE), { method: 'POST', headers: { 'x-meschain-cron-secret': secret } });
    const report = await sync.json();
    assert.equal(sync.status, 200, JSON.stringify(report));
    assert.ok(typeof report.status === 'string' && report.status !== '', JSON.stringify(report));
  });

  it('still runs under OpenCart\'s own cron: index.php?route=cron/cron and the admin\'s Run button', async () => {
    // cron/cron runs what is switched on and due: make the daily maintenance due.
    await oldRows('doors-cron');
    await shop.query("UPDATE oc_cron SET date_modified = NOW() - INTERVAL 2 DAY WHERE code = 'meschain_maintenance'");
    const response = await fetch(route('cron/cron'));
    assert.equal(response.status, 200, await response.text());
    assert.equal(await countMarked('doors-cron'), '0', 'OpenCart\'s cron ran the maintenance');
    assert.equal(await shop.value("SELECT date_modified > NOW() - INTERVAL 1 HOUR FROM oc_cron WHERE code = 'meschain_maintenance'"), '1');

    // Extensions > Cron Jobs > Run, on the maintenance row.
    await oldRows('doors-run');
    await openAdmin(owner, shop, 'marketplace/cron');
    const row = owner.page.locator('#cron tbody tr', { hasText: 'meschain_maintenance' });
    const result = await act(owner.page, () => row.locator('button.btn-warning').click());
    assert.ok(result.success, result.text);
    assert.equal(await countMarked('doors-run'), '0', 'the Run button ran the maintenance');
  });

  it('refuses a short secret in Settings with a clear message, and generates a long one', async () => {
    await openFromMenu(owner, shop, 'Settings');
    const { page } = owner;
    await setField(page, 'metrics_token', 'short-token-123');
    const refused = await save(page);
    assert.equal(refused.success, false, refused.text);
    const error = page.locator('#error-metrics-token');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.innerText(), /at least 24 characters/);
    assert.equal(await shop.value("SELECT COUNT(*) FROM oc_setting WHERE `key` = 'module_meschain_metrics_token' AND value <> ''"), '0', 'nothing saved');

    await page.click('#generate-metrics-token');
    const generated = await page.inputValue('#field-metrics-token');
    assert.match(generated, /^[0-9a-f]{48}$/);
    await page.locator('#generated-metrics-token').waitFor({ state: 'visible' });
    const saved = await save(page);
    assert.ok(saved.success, saved.text);
    assert.equal(await shop.value("SELECT value FROM oc_setting WHERE `key` = 'module_meschain_metrics_token'"), generated);
    await owner.screenshot('settings-generated');

    // The metrics address takes it as a Bearer header only.
    const metrics = route('extension/meschain/metrics');
    const bearer = await fetch(metrics, { headers: { authorization: `Bearer ${generated}` } });
    assert.equal(bearer.status, 200, await bearer.text());
    const inAddress = await fetch(`${metrics}&token=${generated}`);
    assert.equal(inAddress.status, 400);
    assert.match(await inAddress.text(), /Authorization: Bearer/);
  });

  it('keeps a short secret stored before the rule working, and flags it', async () => {
    await shop.query("DELETE FROM oc_setting WHERE `key` = 'module_meschain_webhook_api_key'");
    await shop.query("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'module_meschain', 'module_meschain_webhook_api_key', 'old-short-key', 0)");
    await openFromMenu(owner, shop, 'Settings');
    await owner.page.click('a[href="#tab-webhook"]');
    const warning = owner.page.locator('#weak-webhook-api-key');
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), /shorter than 24 characters/);
    // Saving other settings keeps it (a blank secret keeps the stored one).
    const saved = await save(owner.page);
    assert.ok(saved.success, saved.text);
    assert.equal(await shop.value("SELECT value FROM oc_setting WHERE `key` = 'module_meschain_webhook_api_key'"), 'old-short-key');
    await owner.screenshot('settings-weak');
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});
