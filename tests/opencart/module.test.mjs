// The module's life in a real OpenCart 4.0.2.3: uploaded through Extensions > Installer,
// installed under Extensions > Extensions > Modules, configured on its Settings page, refused
// to a user without its permissions, uninstalled and installed again.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import {
  signIn, uploadModule, moduleRows, installModule, uninstallModule, openFromMenu, openAdmin, act,
  MODULE_NAME,
} from './lib/admin.mjs';
import { saveSettings, sandboxSettings, setField, save, DEMO_SELLER } from './lib/settings.mjs';

describe('the MesChain module in OpenCart 4.0.2.3', () => {
  let shop;
  let browser;
  let owner;
  /** MesChain's pages as the owner's menu links them. */
  const pages = {};

  before(async () => {
    shop = await spawnShop('module');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'owner' });
    await signIn(owner, shop);
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('uploads through Extensions > Installer and lists exactly one MesChain module', async () => {
    await uploadModule(owner, shop);
    await owner.screenshot('installer');
    const rows = await moduleRows(owner, shop);
    await owner.screenshot('modules');
    assert.deepEqual(rows, [MODULE_NAME], 'Extensions > Modules lists MesChain once');
  });

  it('installs under Extensions > Modules and adds Extensions > MesChain to the menu', async () => {
    const result = await installModule(owner, shop);
    assert.ok(result.success, result.text);
    for (const entry of ['Cron Management', 'Settings', 'Mappings']) {
      pages[entry] = await openFromMenu(owner, shop, entry);
      await owner.screenshot(`page-${entry.toLowerCase().replace(/ /g, '-')}`);
    }
    assert.equal(await shop.value("SELECT COUNT(*) FROM oc_extension WHERE extension = 'meschain'"), '1');
    assert.ok(Number(await shop.value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%'")) >= 7,
      'the migrations created MesChain tables');
  });

  it('saves the settings and never puts a secret into the page', async () => {
    await saveSettings(owner, shop, sandboxSettings(shop, {
      webhook_auth: 'basic', webhook_username: 'trendyol-hook', webhook_password: 'hook-Secret-42-long-enough',
    }));
    await openFromMenu(owner, shop, 'Settings');
    const html = await owner.page.content();
    for (const secret of [DEMO_SELLER.secret, DEMO_SELLER.key, 'hook-Secret-42-long-enough']) {
      assert.ok(!html.includes(secret), 'a stored secret is not in the settings page');
    }
    await owner.page.click('a[href="#tab-api"]');
    assert.ok(await owner.page.locator('#field-api-secret').evaluate((el) => el.closest('.input-group').querySelector('.badge.bg-success') !== null),
      'the API secret shows as set');
    assert.equal(await owner.page.locator('#field-seller-id').inputValue(), DEMO_SELLER.id);
    await owner.screenshot('settings-saved');
  });

  it('refuses a bad value with the field\'s own error and keeps what was stored', async () => {
    await openFromMenu(owner, shop, 'Settings');
    const before = await shop.value("SELECT value FROM oc_setting WHERE `key` = 'module_meschain_batch_size'");
    await setField(owner.page, 'batch_size', '0');
    await setField(owner.page, 'seller_id', '2002');
    const result = await save(owner.page);
    assert.equal(result.success, false, 'a bad batch size is refused');
    const fieldError = await owner.page.locator('#error-batch-size').innerText();
    assert.match(fieldError, /\S/, 'the batch size field says what is wrong');
    await owner.screenshot('settings-refused');
    assert.equal(await shop.value("SELECT value FROM oc_setting WHERE `key` = 'module_meschain_batch_size'"), before);
    assert.equal(await shop.value("SELECT value FROM oc_setting WHERE `key` = 'module_meschain_seller_id'"), DEMO_SELLER.id,
      'nothing of a refused form is stored');
  });

  it('refuses a user without MesChain permissions on every page and action', async () => {
    const { page } = owner;
    // System > Users > User Groups > Add: a sales clerk who may only see orders.
    await openAdmin(owner, shop, 'user/user_permission.form');
    await page.fill('#input-name', 'Sales clerk');
    await page.check('input[name="permission[access][]"][value="sale/order"]');
    assert.ok((await act(page, () => page.click('button[form="form-user-group"]'))).success);
    await openAdmin(owner, shop, 'user/user.form');
    await page.fill('#input-username', 'clerk');
    await page.selectOption('#input-user-group', { label: 'Sales clerk' });
    await page.fill('#input-firstname', 'Sales');
    await page.fill('#input-lastname', 'Clerk');
    await page.fill('#input-email', 'clerk@example.com');
    await page.fill('#input-password', 'Clerk-pass-1');
    await page.fill('#input-confirm', 'Clerk-pass-1');
    await page.check('#input-status');
    assert.ok((await act(page, () => page.click('button[form="form-user"]'))).success);

    const clerk = await openSession(browser, { artifacts: shop.artifacts, label: 'clerk' });
    try {
      await signIn(clerk, shop, { username: 'clerk', password: 'Clerk-pass-1' });
      const menu = await clerk.page.locator('#menu').innerText();
      assert.ok(!/MesChain/.test(menu), 'the clerk sees no MesChain menu');
      const queued = await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue');
      const settingsBefore = await shop.value("SELECT GROUP_CONCAT(`key`, '=', value ORDER BY `key`) FROM oc_setting WHERE code = 'module_meschain'");
      for (const href of Object.values(pages)) {
        const route = new URL(href).searchParams.get('route');
        const own = (suffix) => `${shop.adminUrl}index.php?route=${route}${suffix}&user_token=${clerk.token}`;
        const response = await clerk.page.goto(own(''));
        assert.match(await clerk.page.content(), /Permission Denied/, `${route} is refused`);
        assert.equal(response.status(), 200);
        // Every action the pages post to, posted the way the page would.
        for (const method of ['save', 'sync', 'job', 'logs', 'monitoring', 'chart', 'cleanup', 'replay', 'discard', 'save_mapping', 'delete', 'approve', 'reject']) {
          const answer = await clerk.context.request.post(own(`.${method}`), { form: { job: 'order_sync', days: '1', 'queue_id[]': '1' } });
          const text = await answer.text();
          assert.ok(/Permission Denied|permission/i.test(text), `${route}.${method} is refused: ${text.slice(0, 200)}`);
        }
      }
      await clerk.screenshot('refused');
      assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue'), queued, 'nothing was queued');
      assert.equal(await shop.value("SELECT GROUP_CONCAT(`key`, '=', value ORDER BY `key`) FROM oc_setting WHERE code = 'module_meschain'"), settingsBefore,
        'no setting changed');
      assert.deepEqual(clerk.problems, []);
    } finally {
      await clerk.close();
    }
  });

  it('keeps the data and the settings over an uninstall and a reinstall', async () => {
    const mappings = await shop.value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%'");
    const uninstalled = await uninstallModule(owner, shop);
    assert.ok(uninstalled.success, uninstalled.text);
    await owner.screenshot('uninstalled');
    assert.equal(await shop.value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%'"), mappings,
      'tables are kept (the drop switch is off)');
    const menu = await owner.page.locator('#menu').innerText();
    assert.ok(!/MesChain/.test(menu), 'no MesChain menu after uninstall');

    const reinstalled = await installModule(owner, shop);
    assert.ok(reinstalled.success, reinstalled.text);
    await openFromMenu(owner, shop, 'Settings');
    await owner.page.click('a[href="#tab-api"]');
    assert.equal(await owner.page.locator('#field-seller-id').inputValue(), DEMO_SELLER.id, 'the seller id survived');
    assert.ok(await owner.page.locator('#field-api-secret').evaluate((el) => el.closest('.input-group').querySelector('.badge.bg-success') !== null),
      'the API secret survived');
    await owner.page.click('a[href="#tab-general"]');
    assert.ok(await owner.page.locator('#field-status').isChecked(), 'the module is still switched on');
    await owner.screenshot('reinstalled');
  });

  it('drops tables and settings on uninstall when the owner asked for it', async () => {
    await openFromMenu(owner, shop, 'Settings');
    await owner.page.click('a[href="#tab-uninstall"]');
    await owner.page.check('#input-drop-tables');
    assert.ok((await save(owner.page)).success);
    assert.ok((await uninstallModule(owner, shop)).success);
    assert.equal(await shop.value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'oc\\_trendyol\\_%'"), '0');
    assert.equal(await shop.value("SELECT COUNT(*) FROM oc_setting WHERE code = 'module_meschain'"), '0');
    assert.ok((await installModule(owner, shop)).success);
    await openFromMenu(owner, shop, 'Settings');
    await owner.page.click('a[href="#tab-api"]');
    assert.equal(await owner.page.locator('#field-seller-id').inputValue(), '', 'a fresh start');
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});
