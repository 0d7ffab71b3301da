// Trendyol's order webhook against a real OpenCart 4.0.2.3: Trendyol (the sandbox) delivers to
// the shop's catalog route with the credentials the owner registered, the deliveries are
// taken (200), "Process Webhooks" turns them into orders, and what Trendyol never sends
// correctly is refused with the documented status — 401, 400, 413, 405 — storing nothing.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import { signIn, uploadModule, installModule, openAdmin } from './lib/admin.mjs';
import { saveSettings, sandboxSettings, DEMO_SELLER } from './lib/settings.mjs';
import { pressSync } from './lib/panels.mjs';

const HOOK = { username: 'trendyol-hook', password: 'Hook-pass-2026-long-enough' };

function basic(username, password) {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

describe('Trendyol\'s order webhook', () => {
  let shop;
  let browser;
  let owner;
  let route;

  before(async () => {
    shop = await spawnShop('webhook');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'webhook' });
    await signIn(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    await saveSettings(owner, shop, sandboxSettings(shop, {
      webhook_auth: 'basic', webhook_username: HOOK.username, webhook_password: HOOK.password,
    }));
    // The address the Settings page tells the owner to register with Trendyol.
    await owner.page.click('a[href="#tab-webhook"]');
    route = (await owner.page.locator('#tab-webhook code').first().innerText()).trim();
    assert.match(route, /^http:\/\/127\.0\.0\.1:\d+\/index\.php\?route=extension\/meschain\/webhook\/trendyol$/);
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('takes Trendyol\'s deliveries and turns them into orders', async () => {
    // The seller's subscription, as Trendyol's webhook API records it.
    const created = await fetch(`${shop.sandbox.url}/integration/webhook/sellers/${DEMO_SELLER.id}/webhooks`, {
      method: 'POST',
      headers: {
        authorization: basic(DEMO_SELLER.key, DEMO_SELLER.secret),
        'user-agent': `${DEMO_SELLER.id} - SelfIntegration`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ url: route, authenticationType: 'BASIC_AUTHENTICATION', username: HOOK.username, password: HOOK.password, subscribedStatuses: [] }),
    });
    assert.equal(created.status, 200, await created.text());
    await shop.control('POST', '/__sandbox/products/seed', { count: 3 });
    await shop.control('POST', '/__sandbox/orders/generate', { count: 2, maxLines: 1, splitShare: 0, cancelShare: 0, awaitingShare: 0 });

    let report;
    for (let i = 0; i < 100; i++) {
      report = await shop.control('GET', '/__sandbox/webhooks/deliveries');
      if (report.pending === 0 && report.attempts.length >= 2) break;
      await sleep(100);
    }
    assert.ok(report.attempts.length >= 2, JSON.stringify(report));
    for (const attempt of report.attempts) {
      assert.equal(attempt.httpStatus, 200, `delivery answered ${attempt.httpStatus}: ${attempt.error ?? ''}`);
      assert.equal(attempt.ok, true);
    }
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE http_status = 200'), String(report.attempts.length));

    const result = await pressSync(owner, shop, 'Process Webhooks');
    assert.equal(result.status, 'done', result.text);
    const packages = report.attempts.map((a) => a.packageId);
    for (const id of packages) {
      assert.equal(await shop.value(`SELECT COUNT(*) FROM oc_trendyol_orders WHERE package_id = ${Number(id)}`), '1', `package ${id} became an order`);
    }
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_webhook_logs WHERE http_status = 200 AND processed = 0'), '0',
      'every taken delivery is marked processed');
    await openAdmin(owner, shop, 'sale/order');
    await owner.screenshot('orders');
    assert.equal(await owner.page.locator('#order tbody tr').count(), packages.length);
  });

  it('answers 401 to wrong credentials, 400 to a body it cannot read, 413 to an oversized one, 405 to a GET', async () => {
    const orders = await shop.value('SELECT COUNT(*) FROM oc_trendyol_orders');
    const queued = await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue');
    const post = (headers, body) => fetch(route, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const good = { authorization: basic(HOOK.username, HOOK.password) };

    const cases = [
      ['no credentials', await post({}, '{"shipmentPackageId": 1}'), 401],
      ['a wrong password', await post({ authorization: basic(HOOK.username, 'wrong') }, '{"shipmentPackageId": 1}'), 401],
      ['JSON cut in half', await post(good, '{"shipmentPackageId": 12, "lines": ['), 400],
      ['JSON without a package', await post(good, '{"hello": "world"}'), 400],
      ['a body over 5 MiB', await post(good, JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024 + 10) })), 413],
      ['a GET', await fetch(route), 405],
    ];
    for (const [what, response, status] of cases) {
      const body = await response.json();
      assert.equal(response.status, status, `${what}: ${JSON.stringify(body)}`);
      assert.equal(body.status, status);
      assert.ok(!JSON.stringify(body).includes(HOOK.password));
    }
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_orders'), orders, 'no order from a refused delivery');
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue'), queued, 'nothing queued');
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems().filter((line) => !/MesChain webhook/.test(line)), []);
    assert.deepEqual(owner.problems, []);
  });
});
