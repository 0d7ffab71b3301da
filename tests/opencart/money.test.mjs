// A dollar shop in Istanbul sells on Trendyol in lira: the owner adds Turkish Lira at 34.5 under
// System > Localisation > Currencies (USD stays the default), a 10.00 USD product reaches
// Trendyol (the sandbox) at 345.00 TL, and a Trendyol order shows in Sales > Orders with
// Trendyol's lira total and the order's Istanbul date.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser } from './lib/browser.mjs';
import {
  openAdmin, act, addCurrency, switchOffRateSource, setDefaultCurrency, openFromMenu, editProduct,
} from './lib/admin.mjs';
import { ownerWithMesChain, trendyol, DEMO_SELLER } from './lib/settings.mjs';
import { mapDemoCategoryAndBrand, pressSync } from './lib/panels.mjs';

const BARCODE = '8690000004321';
const PRODUCT = 'MacBook Pro';

describe('a dollar shop sells in lira', () => {
  let shop;
  let browser;
  let owner;

  before(async () => {
    shop = await spawnShop('money');
    await shop.control('POST', '/__sandbox/settings', { rejectShare: 0 });
    browser = await launchBrowser();
    owner = await ownerWithMesChain(browser, shop, 'money', { webhook_processing: false });
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('the owner keeps US dollars as the default currency and adds Turkish Lira at 34.5 by hand', async () => {
    const { page } = owner;
    // A rate typed by hand only stays while OpenCart's rate source (ECB) is off.
    await switchOffRateSource(owner, shop, 'European Central Bank');
    await addCurrency(owner, shop, { title: 'Türk Lirası', code: 'TRY', value: 34.5, symbolRight: ' TL' });
    await setDefaultCurrency(owner, shop, 'US Dollar');
    await openAdmin(owner, shop, 'localisation/currency');
    assert.match(await page.locator('#currency tbody tr', { hasText: 'USD' }).innerText(), /US Dollar\s*\(Default\)/);
    // The rate survived both saves (each one asks the rate source, now off).
    assert.match(await page.locator('#currency tbody tr', { hasText: 'TRY' }).innerText(), /\b34\.50*\b/);
  });

  it('Settings offer the shop\'s own stores and customer groups; Cron Management names the time zone', async () => {
    const { page } = owner;
    await openFromMenu(owner, shop, 'Settings');
    const stores = await page.locator('#field-store-id option').allInnerTexts();
    assert.deepEqual(stores.map((t) => t.trim()), ['Your Store (default store)']);
    const groups = await page.locator('#field-customer-group-id option').allInnerTexts();
    assert.deepEqual(groups.map((t) => t.trim()), ['The shop\'s default group (now Default)', 'Default']);
    await openFromMenu(owner, shop, 'Cron Management');
    assert.match(await page.locator('#meschain-time-zone').innerText(), /Europe\/Istanbul/);
  });

  it('a 10.00 USD product reaches Trendyol at 345.00 TL', async () => {
    const { page } = owner;
    await editProduct(owner, shop, PRODUCT, { ean: BARCODE, price: '10.00' });
    // Its specials belong to another price: the owner removes them on the Special tab.
    await page.click('a[href="#tab-special"]');
    const removers = page.locator('#product-special tbody button.btn-danger');
    while (await removers.count()) await removers.first().click();
    assert.ok((await act(page, () => page.click('button[form="form-product"]'))).success, 'specials removed');

    await mapDemoCategoryAndBrand(owner, shop);

    const result = await pressSync(owner, shop, 'Sync Products');
    assert.equal(result.status, 'done', result.text);
    const requests = (await (await fetch(`${shop.sandbox.url}/__sandbox/requests?method=POST&path_prefix=/integration/product`)).json()).requests;
    const items = requests.flatMap((r) => r.bodyJson?.items ?? []).filter((i) => i.barcode === BARCODE);
    assert.ok(items.length >= 1, 'the product was sent');
    for (const item of items) {
      assert.equal(item.listPrice, 345);
      assert.equal(item.salePrice, 345);
    }
    const found = await trendyol(shop, `/integration/product/sellers/${DEMO_SELLER.id}/products?barcode=${BARCODE}`);
    assert.equal(found.content?.[0]?.salePrice, 345, 'Trendyol shows 345.00 TL');
  });

  it('a Trendyol order shows its lira total and its Istanbul date in Sales > Orders', async () => {
    const { page } = owner;
    // The review ends after a moment; the next product sync reads the approval.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await pressSync(owner, shop, 'Sync Products')).status, 'done');
    // Placed at 22:30 UTC yesterday: already today in Istanbul (UTC+3).
    const yesterday = new Date(Date.now() - 86_400_000);
    const placed = Date.UTC(yesterday.getUTCFullYear(), yesterday.getUTCMonth(), yesterday.getUTCDate(), 22, 30);
    await shop.control('POST', '/__sandbox/orders/generate', {
      count: 1, maxLines: 1, maxQuantity: 1, splitShare: 0, cancelShare: 0, awaitingShare: 0, orderDate: placed,
    });
    const result = await pressSync(owner, shop, 'Sync Orders');
    assert.equal(result.status, 'done', result.text);
    const [pkg] = (await trendyol(shop, `/integration/order/sellers/${DEMO_SELLER.id}/orders?size=50`)).content;
    const lira = Number(pkg.packageTotalPrice ?? pkg.totalPrice);

    await openAdmin(owner, shop, 'sale/order');
    const listRow = page.locator('#order tbody tr').filter({ hasText: `${pkg.customerFirstName} ${pkg.customerLastName}` });
    assert.equal(await listRow.count(), 1);
    const text = (await listRow.innerText()).replace(/,/g, '');
    // OpenCart trims the symbol's leading space when the currency is saved.
    assert.ok(text.includes(`${lira.toFixed(2)}TL`), `Sales > Orders shows ${lira.toFixed(2)} TL: ${text}`);
    const istanbul = new Date(placed + 3 * 3_600_000);
    const day = `${String(istanbul.getUTCDate()).padStart(2, '0')}/${String(istanbul.getUTCMonth() + 1).padStart(2, '0')}/${istanbul.getUTCFullYear()}`;
    assert.ok(text.includes(day), `the order is dated ${day} (Istanbul), not the UTC day before: ${text}`);
    // OpenCart's pages print only the day; the stored time is Trendyol's on Istanbul's clock.
    const stamp = istanbul.toISOString().slice(0, 16).replace('T', ' ');
    assert.equal(await shop.value("SELECT DATE_FORMAT(date_added, '%Y-%m-%d %H:%i') FROM oc_order"), stamp);
    await owner.screenshot('money-orders');
  });

  it('logged no PHP problem and no browser error', () => {
    assert.deepEqual(shop.phpProblems(), []);
    assert.deepEqual(owner.problems, []);
  });
});
