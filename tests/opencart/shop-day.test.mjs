// A shop owner's day with MesChain in a real OpenCart 4.0.2.3: a product gets its barcode,
// its category and brand are mapped, every manual sync button is pressed, the product reaches
// Trendyol (the sandbox), Trendyol orders arrive in Sales > Orders, a storefront sale lowers the
// stock Trendyol sees, and Cron Management tells the story in Monitoring and Logs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { spawnShop, EXTENSION } from './lib/shop.mjs';
import { run } from './lib/process.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openAdmin, openFromMenu, act, addCurrency, editProduct } from './lib/admin.mjs';
import { ownerWithMesChain, saveSettings, trendyol, DEMO_SELLER } from './lib/settings.mjs';
import { mappingRow, mapDemoCategoryAndBrand, openMappingTab, pressSync, openCronTab, clickAndLoad } from './lib/panels.mjs';
import { storefrontCheckout } from './lib/storefront.mjs';

// OpenCart keeps at most 14 characters of an EAN.
const BARCODE = '8690000001234';
const PRODUCT = 'MacBook Pro';

/** A time as OpenCart's en-gb admin prints it (d/m/Y H:i:s). */
const ADMIN_TIME = /(\d{2})\/(\d{2})\/(\d{4}) (\d{2}:\d{2}:\d{2})/;

/** Minutes between an admin time and now, read on Istanbul's clock (UTC+3, no DST). */
function minutesFromIstanbulNow(text) {
  const [, day, month, year, time] = text.match(ADMIN_TIME);
  return Math.abs(Date.now() - Date.parse(`${year}-${month}-${day}T${time}+03:00`)) / 60_000;
}

describe('a shop owner\'s day with MesChain', () => {
  let shop;
  let browser;
  let owner;

  before(async () => {
    shop = await spawnShop('day');
    // Every reviewed product is approved, so the day's orders can be made from it.
    await shop.control('POST', '/__sandbox/settings', { rejectShare: 0 });
    browser = await launchBrowser();
    // Webhook processing off: a manual press must still run (the switch governs automatic runs).
    owner = await ownerWithMesChain(browser, shop, 'day', { webhook_processing: false });
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('the shop sells in Turkish lira (System > Localisation > Currencies)', async () => {
    await addCurrency(owner, shop, { title: 'Türk Lirası', code: 'TRY', value: 1, symbolRight: ' TL' });
  });

  it('the owner gives a product its barcode (Catalog > Products > Edit > Data)', async () => {
    await editProduct(owner, shop, PRODUCT, { ean: BARCODE });
  });

  it('maps its category and brand on MesChain > Mappings', async () => {
    const { page } = owner;
    await mapDemoCategoryAndBrand(owner, shop);
    await owner.screenshot('mappings-brand');
    await openMappingTab(owner, shop, 'category');
    assert.match(await mappingRow(page, 'category', 'Laptops & Notebooks').innerText(), /Elbise/);
  });

  it('maps an attribute and one of its values, and deletes both mappings again', async () => {
    const { page } = owner;
    await openMappingTab(owner, shop, 'attribute');
    const add = page.locator('#list-attribute form[data-meschain-save]').first();
    await pickIn(add, '[data-meschain-picker=category]', 'Elbise', 'Elbise (411)');
    await pickIn(add, '[data-meschain-picker=attribute]', 'Renk', 'Renk');
    await add.locator('select[name=source]').selectOption('fixed');
    await add.locator('input[name=custom_value]').fill('Siyah');
    assert.ok((await act(page, () => add.locator('button[type=submit]').click())).success);
    const attributeRow = page.locator('#list-attribute tbody tr', { hasText: 'Renk (411/47)' });
    await attributeRow.waitFor();
    // The row names its mapping number, which the value tab asks for.
    const mapId = (await attributeRow.locator('td').first().innerText()).match(/#(\d+)/)[1];

    await openMappingTab(owner, shop, 'attribute_value');
    await page.fill('#values-map-id', mapId);
    await page.locator('#list-attribute_value form[data-meschain-values] button[type=submit]').click();
    const addValue = page.locator('#list-attribute_value form[data-meschain-save]').first();
    await addValue.waitFor();
    await addValue.locator('input[name=source_value]').fill('Siyah');
    await addValue.locator('input[name=trendyol_value_id]').fill('6980');
    await addValue.locator('input[name=trendyol_value_name]').fill('Siyah');
    assert.ok((await act(page, () => addValue.locator('button[type=submit]').click())).success);
    const valueRow = page.locator('#list-attribute_value tbody tr', { hasText: '6980' });
    await valueRow.waitFor();
    await owner.screenshot('mapping-value');

    const valueDeleted = await act(page, () => valueRow.locator('[data-meschain-delete]').click());
    assert.ok(valueDeleted.success, `value mapping deleted: ${valueDeleted.text}`);
    await valueRow.waitFor({ state: 'detached' });
    await openMappingTab(owner, shop, 'attribute');
    const attributeDeleted = await act(page, () => attributeRow.locator('[data-meschain-delete]').click());
    assert.ok(attributeDeleted.success, `attribute mapping deleted: ${attributeDeleted.text}`);
    await attributeRow.waitFor({ state: 'detached' });
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_attribute_map'), '0');
  });

  it('"Sync Products" sends the product to Trendyol and finishes', async () => {
    const result = await pressSync(owner, shop, 'Sync Products');
    await owner.screenshot('sync-products');
    assert.equal(result.status, 'done', result.text);
    const found = await trendyol(shop, `/integration/product/sellers/${DEMO_SELLER.id}/products?barcode=${BARCODE}`);
    assert.equal(found.content?.length, 1, 'Trendyol has the product');
    assert.equal(found.content[0].barcode, BARCODE);
    const quantity = Number(await shop.value(`SELECT quantity FROM oc_product WHERE ean = '${BARCODE}'`));
    assert.equal(found.content[0].quantity, quantity, 'with the shop\'s stock');
  });

  it('every other manual sync button runs and finishes', async () => {
    // The review ends after a moment; the next product sync reads its verdict.
    for (const button of ['Sync Stock', 'Process Webhooks', 'Sync Products', 'Full Sync']) {
      const result = await pressSync(owner, shop, button);
      assert.equal(result.status, 'done', `${button}: ${result.text}`);
    }
    await owner.screenshot('sync-all');
  });

  it('Trendyol orders arrive in Sales > Orders with customer, lines, totals and status', async () => {
    const { page } = owner;
    await shop.control('POST', '/__sandbox/orders/generate', { count: 3, maxLines: 1, splitShare: 0, cancelShare: 0, awaitingShare: 0 });
    const result = await pressSync(owner, shop, 'Sync Orders');
    assert.equal(result.status, 'done', result.text);
    const packages = (await trendyol(shop, `/integration/order/sellers/${DEMO_SELLER.id}/orders?size=50`)).content;
    assert.equal(packages.length, 3);

    // The OpenCart status each Trendyol status becomes, as MesChain > Mappings shows it.
    await openMappingTab(owner, shop, 'order_status');
    await owner.screenshot('mapping-order-status');
    const statusOf = async (trendyolStatus) => {
      const row = page.locator('#list-order_status tbody tr')
        .filter({ has: page.locator('td:nth-child(2)', { hasText: new RegExp(`^\\s*${trendyolStatus}\\b`) }) });
      assert.equal(await row.count(), 1, `Mappings lists Trendyol's ${trendyolStatus}`);
      return (await row.locator('select[name=order_status_id] option:checked').innerText()).trim();
    };
    const expectedStatus = {};
    for (const pkg of packages) expectedStatus[pkg.status] ??= await statusOf(pkg.status);

    for (const pkg of packages) {
      await openAdmin(owner, shop, 'sale/order');
      const customer = `${pkg.customerFirstName} ${pkg.customerLastName}`;
      const listRow = page.locator('#order tbody tr').filter({ hasText: customer });
      assert.equal(await listRow.count(), 1, `Sales > Orders lists ${customer}`);
      assert.match(await listRow.innerText(), new RegExp(expectedStatus[pkg.status]), `the order's status is ${expectedStatus[pkg.status]}`);
      await Promise.all([page.waitForURL(/sale\/order\.info/), listRow.locator('a.btn-primary, a[href*="sale/order.info"]').first().click()]);
      const info = await page.locator('#content').innerText();
      assert.ok(info.includes(pkg.customerFirstName) && info.includes(pkg.customerLastName), 'the order names the customer');
      for (const line of pkg.lines) {
        assert.ok(info.includes(String(line.quantity)), 'the line quantity');
      }
      const total = Number(pkg.totalPrice ?? pkg.packageTotalPrice).toFixed(2);
      assert.ok(info.replace(/,/g, '').includes(total), `the order total ${total} TL is shown`);
    }
    await owner.screenshot('order-info');
  });

  it('a storefront sale lowers the stock Trendyol sees', async () => {
    // Stock is pushed as a delta: the shop's own order lowers oc_product.quantity through
    // OpenCart's checkout, and "Sync Stock" pushes the new figure.
    const before = Number(await shop.value(`SELECT quantity FROM oc_product WHERE ean = '${BARCODE}'`));
    await storefrontCheckout(shop, browser, PRODUCT);
    const after = Number(await shop.value(`SELECT quantity FROM oc_product WHERE ean = '${BARCODE}'`));
    assert.equal(after, before - 1, 'OpenCart took the sale off its stock');
    const result = await pressSync(owner, shop, 'Sync Stock');
    assert.equal(result.status, 'done', result.text);
    const found = await trendyol(shop, `/integration/product/sellers/${DEMO_SELLER.id}/products?barcode=${BARCODE}`);
    assert.equal(found.content[0].quantity, after, 'Trendyol sees the lowered stock');
  });

  it('the main cron job shows up in Monitoring after it ran', async () => {
    const script = join(shop.web, 'system/library/meschain/cron/trendyol_sync.php');
    await run('php', ['-d', `extension=${EXTENSION}`, script], { cwd: shop.web });
    await openCronTab(owner, shop, 'monitoring');
    const row = owner.page.locator('#monitoring tr', { hasText: 'Trendyol sync' });
    await row.first().waitFor();
    const text = await row.first().innerText();
    assert.ok(!/never/i.test(text), `the main job has a last run: ${text}`);
  });

  it('Monitoring shows last runs in the shop\'s time, today\'s figures and the weekly chart', async () => {
    const { page } = owner;
    await openCronTab(owner, shop, 'monitoring');
    await page.locator('#chart-weekly canvas').first().waitFor();
    assert.match(await page.locator('#chart-weekly .legend').innerText(), /Product sync/, 'the weekly chart has its legend');
    const row = page.locator('#monitoring tbody tr', { hasText: 'Product sync' }).first();
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    const time = cells[2].match(ADMIN_TIME);
    assert.ok(time, `a last run time: ${cells.join(' | ')}`);
    assert.ok(minutesFromIstanbulNow(time[0]) < 10, `"${time[0]}" is Istanbul's time (now ${new Date().toISOString()})`);
    // Today's figures: the product sync ran three times (two presses and Full Sync's share),
    // each one a success, and called Trendyol.
    const [runs, ok, failed] = cells[6].match(/\d+/g).map(Number);
    assert.ok(runs >= 2 && ok === runs && failed === 0, `runs today (ok / failed): ${cells[6]}`);
    assert.ok(Number(cells[9]) > 0, `API calls today: ${cells[9]}`);
    await owner.screenshot('monitoring');
  });

  it('Logs filter by every status and every sync type without an error', async () => {
    const { page } = owner;
    await openCronTab(owner, shop, 'logs');
    const statuses = await page.locator('#filter-logs select[name=filter_status] option').evaluateAll((os) => os.map((o) => o.value));
    const types = await page.locator('#filter-logs select[name=filter_sync_type] option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(statuses.length > 3 && types.length > 3);
    for (const [select, values] of [['filter_status', statuses], ['filter_sync_type', types]]) {
      for (const value of values) {
        await page.selectOption(`#filter-logs select[name=${select}]`, value);
        await clickAndLoad(page, '.logs', () => page.click('#filter-logs button[type=submit]'));
        const shown = await page.locator('#logs').innerText();
        assert.equal(await page.locator('#logs .alert-danger').count(), 0, `${select}=${value}: ${shown.slice(0, 300)}`);
      }
      await page.selectOption(`#filter-logs select[name=${select}]`, '');
    }
    await page.selectOption('#filter-logs select[name=filter_status]', 'ok');
    await clickAndLoad(page, '.logs', () => page.click('#filter-logs button[type=submit]'));
    const badges = page.locator('#logs tbody .badge');
    assert.ok(await badges.count() > 0, 'successful runs are listed under "ok"');
    for (const cls of await badges.evaluateAll((bs) => bs.map((b) => b.className))) {
      assert.match(cls, /bg-success/, 'a successful run wears a green badge');
    }
    await owner.screenshot('logs');
  });

  it('Setup, Dead letters, Products and Returns open without an error', async () => {
    for (const tab of ['setup', 'dead', 'products', 'returns']) {
      await openCronTab(owner, shop, tab);
      assert.equal(await owner.page.locator(`#tab-${tab} .alert-danger`).count(), 0, `${tab}: ${await owner.page.locator(`#tab-${tab}`).innerText()}`);
      await owner.screenshot(`tab-${tab}`);
      if (tab === 'products') {
        assert.match(await owner.page.locator('#tab-products').innerText(), new RegExp(BARCODE), 'the product is listed with its barcode');
      }
    }
  });

  it('a sync button says so when MesChain is switched off, and queues nothing', async () => {
    await saveSettings(owner, shop, { status: false });
    await openFromMenu(owner, shop, 'Cron Management');
    const queued = await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue');
    const answer = await act(owner.page, () => owner.page.locator('[data-meschain-sync]', { hasText: 'Sync Orders' }).click());
    assert.equal(answer.success, false);
    assert.match(answer.text, /switched off/);
    await owner.screenshot('switched-off');
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue'), queued);
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});

/** Types `query` into a picker of `form` and takes the suggestion that reads `pick`. */
async function pickIn(form, picker, query, pick) {
  await form.locator(picker).pressSequentially(query, { delay: 20 });
  const suggestion = form.locator('.dropdown-menu .dropdown-item', { hasText: pick });
  await suggestion.first().waitFor();
  await suggestion.first().click();
}
