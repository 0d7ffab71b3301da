// Settings > Webhook > Register webhook in a real OpenCart 4.0.2.3: the owner's click creates
// the shop's subscription at Trendyol (the sandbox) with the shop's webhook URL and the saved
// credentials, the page shows it, and after Trendyol switched it off (passive) the same button
// switches it back on.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import { signIn, uploadModule, installModule, act } from './lib/admin.mjs';
import { saveSettings, sandboxSettings, DEMO_SELLER } from './lib/settings.mjs';

const HOOK = { username: 'trendyol-hook', password: 'Hook-pass-2026-long-enough' };

function trendyol(shop, method, path) {
  return fetch(`${shop.sandbox.url}/integration/webhook/sellers/${DEMO_SELLER.id}/webhooks${path}`, {
    method,
    headers: {
      authorization: 'Basic ' + Buffer.from(`${DEMO_SELLER.key}:${DEMO_SELLER.secret}`).toString('base64'),
      'user-agent': `${DEMO_SELLER.id} - SelfIntegration`,
    },
  });
}

describe('Register webhook on the Settings page', () => {
  let shop;
  let browser;
  let owner;

  before(async () => {
    shop = await spawnShop('webhook-register');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'webhook-register' });
    await signIn(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    await saveSettings(owner, shop, sandboxSettings(shop, {
      webhook_auth: 'basic', webhook_username: HOOK.username, webhook_password: HOOK.password,
    }));
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('creates the subscription, shows it, and switches a passive one back on', async () => {
    const { page } = owner;
    await page.click('a[href="#tab-webhook"]');
    const route = (await page.locator('#tab-webhook code').first().innerText()).trim();
    const state = page.locator('#webhook-state');

    // Nothing at Trendyol yet.
    await page.click('#button-webhook-status');
    await page.locator('#webhook-state[data-state="none"]').waitFor();

    const created = await act(page, () => page.click('#button-webhook-register'));
    assert.ok(created.success, created.text);
    assert.match(created.text, /registered at Trendyol/);
    await page.locator('#webhook-state[data-state="active"]').waitFor();
    assert.equal((await state.innerText()).trim(), 'Active');
    assert.equal((await page.locator('#webhook-auth').innerText()).trim(), 'BASIC_AUTHENTICATION');

    // Trendyol has exactly one webhook: the shop's, with the saved credentials' type.
    let list = await (await trendyol(shop, 'GET', '')).json();
    list = Array.isArray(list) ? list : (list.webhooks ?? list.content ?? []);
    assert.equal(list.length, 1, JSON.stringify(list));
    assert.equal(list[0].url, route);
    const id = list[0].id;
    assert.equal((await page.locator('#webhook-id').innerText()).trim(), String(id));

    // Trendyol switches it off (as after 13 failed deliveries); the page shows it passive.
    const off = await trendyol(shop, 'PUT', `/${id}/deactivate`);
    assert.ok(off.ok, `deactivate answered ${off.status}`);
    await page.click('#button-webhook-status');
    await page.locator('#webhook-state[data-state="passive"]').waitFor();

    const again = await act(page, () => page.click('#button-webhook-register'));
    assert.ok(again.success, again.text);
    assert.match(again.text, /switched back on/);
    await page.locator('#webhook-state[data-state="active"]').waitFor();
    list = await (await trendyol(shop, 'GET', '')).json();
    list = Array.isArray(list) ? list : (list.webhooks ?? list.content ?? []);
    assert.equal(list.length, 1, 'still one subscription');
    assert.equal(String(list[0].status).toUpperCase(), 'ACTIVE');
    await owner.screenshot("registered");
    assert.deepEqual(owner.problems, []);
  });
});
