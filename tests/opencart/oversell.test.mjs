// The oversell window in a real OpenCart 4.0.2.3: with the queue worker running as a shop runs
// it, a storefront sale, an admin's edit of the product's quantity and the cancellation of the
// order each reach Trendyol (the sandbox) within seconds — nobody presses "Sync Stock" and no
// cron job runs. Between a sale and that push, Trendyol would sell stock the shop no longer has.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { spawnShop, EXTENSION } from './lib/shop.mjs';
import { Service } from './lib/process.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { openAdmin, act, addCurrency, editProduct } from './lib/admin.mjs';
import { ownerWithMesChain, trendyol, DEMO_SELLER } from './lib/settings.mjs';
import { mapDemoCategoryAndBrand, pressSync } from './lib/panels.mjs';
import { storefrontCheckout } from './lib/storefront.mjs';

// OpenCart keeps at most 14 characters of an EAN.
const BARCODE = '8690000004321';
const PRODUCT = 'MacBook Pro';
/** How long a change may take to reach Trendyol: "within seconds". */
const WINDOW_MS = 10_000;

/** The quantity Trendyol shows for the product. */
async function trendyolQuantity(shop) {
  const found = await trendyol(shop, `/integration/product/sellers/${DEMO_SELLER.id}/products?barcode=${BARCODE}`);
  assert.equal(found.content?.length, 1, 'Trendyol has the product');
  return found.content[0].quantity;
}

/** Waits until Trendyol shows `quantity`; returns how long that took. */
async function trendyolReaches(shop, quantity) {
  const started = Date.now();
  let seen;
  while (Date.now() - started < WINDOW_MS) {
    seen = await trendyolQuantity(shop);
    if (seen === quantity) return Date.now() - started;
    // Under the sandbox's limit for this endpoint (50 calls in 10 s).
    await sleep(300);
  }
  assert.fail(`Trendyol still shows ${seen}, not ${quantity}, ${WINDOW_MS} ms after the change`);
}

const shopQuantity = async (shop) => Number(await shop.value(`SELECT quantity FROM oc_product WHERE ean = '${BARCODE}'`));

describe('stock follows the shop within seconds', () => {
  let shop;
  let browser;
  let owner;
  let worker;

  before(async () => {
    shop = await spawnShop('oversell');
    await shop.control('POST', '/__sandbox/settings', { rejectShare: 0 });
    browser = await launchBrowser();
    owner = await ownerWithMesChain(browser, shop, 'oversell');
    await addCurrency(owner, shop, { title: 'Türk Lirası', code: 'TRY', value: 1, symbolRight: ' TL' });

    // The product on Trendyol: its barcode, its category and brand mapped, Sync Products
    // pressed until Trendyol approved it.
    await editProduct(owner, shop, PRODUCT, { ean: BARCODE });
    await mapDemoCategoryAndBrand(owner, shop);
    for (let i = 0; i < 10 && await shop.value(`SELECT sync_status FROM oc_trendyol_products WHERE barcode = '${BARCODE}'`) !== 'approved'; i++) {
      assert.equal((await pressSync(owner, shop, 'Sync Products')).status, 'done');
      await sleep(300);
    }
    assert.equal(await trendyolQuantity(shop), await shopQuantity(shop), 'Trendyol starts with the shop\'s stock');

    // The worker, as the shop's systemd unit runs it (from the files the install copied).
    worker = new Service('worker', 'php', [
      '-d', `extension=${EXTENSION}`, join(shop.web, 'system/library/meschain/cron/worker.php'), `--opencart=${shop.web}`, '--verbose',
    ], { cwd: shop.web, logFile: join(shop.artifacts, 'worker.log') });
  });

  after(async () => {
    await worker?.stop();
    await browser?.close();
    await shop?.stop();
  });

  it('installs the stock events with the module', async () => {
    const events = await shop.query("SELECT `trigger`, `status` FROM oc_event WHERE code LIKE 'meschain\\_stock\\_%'");
    const triggers = events.map(([trigger]) => trigger);
    for (const trigger of [
      'catalog/model/checkout/order/addOrder/after',
      'catalog/model/checkout/order/addHistory/after',
      'catalog/model/checkout/order/editOrder/after',
      'admin/model/catalog/product/editProduct/after',
    ]) {
      assert.ok(triggers.includes(trigger), `${trigger} is registered: ${triggers.join(', ')}`);
    }
    assert.ok(events.every(([, status]) => status === '1'), 'every stock event is on');
  });

  it('a storefront sale lowers the stock Trendyol shows, with no sync pressed', async () => {
    const before = await shopQuantity(shop);
    await storefrontCheckout(shop, browser, PRODUCT);
    const after = await shopQuantity(shop);
    assert.equal(after, before - 1, 'OpenCart took the sale off its stock');
    const took = await trendyolReaches(shop, after);
    console.log(`sale → Trendyol: ${took} ms`);
  });

  it('the owner\'s edit of the quantity in the product form reaches Trendyol', async () => {
    await editProduct(owner, shop, PRODUCT, { quantity: 42 });
    assert.equal(await shopQuantity(shop), 42);
    const took = await trendyolReaches(shop, 42);
    console.log(`product edit → Trendyol: ${took} ms`);
  });

  it('cancelling the order in Sales > Orders gives the stock back on Trendyol', async () => {
    const { page } = owner;
    await openAdmin(owner, shop, 'sale/order');
    const listRow = page.locator('#order tbody tr').filter({ hasText: 'Ayşe Yılmaz' });
    assert.equal(await listRow.count(), 1, 'Sales > Orders lists the storefront order');
    await Promise.all([page.waitForURL(/sale\/order\.info/), listRow.locator('a.btn-primary, a[href*="sale/order.info"]').first().click()]);
    await page.locator('#input-order-status').selectOption({ label: 'Canceled' });
    const added = await act(page, () => page.click('#button-history'));
    await owner.screenshot('order-cancelled');
    assert.ok(added.success, `history added: ${added.text}`);
    assert.equal(await shopQuantity(shop), 43, 'OpenCart put the cancelled line back');
    const took = await trendyolReaches(shop, 43);
    console.log(`cancellation → Trendyol: ${took} ms`);
  });

  it('each change went out as one coalesced stock push, and nothing is left waiting', async () => {
    const [[done, waiting]] = await shop.query(
      "SELECT SUM(status = 'done'), SUM(status IN ('pending', 'running', 'dead')) FROM oc_trendyol_sync_queue WHERE event_type = 'stock_push'");
    assert.ok(Number(done) >= 3, `stock pushes done: ${done}`);
    assert.equal(Number(waiting), 0);
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});
