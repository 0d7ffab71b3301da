// MesChain > Price rules in a real OpenCart 4.0.2.3: the owner sets a markup and a rounding,
// sees a product's Trendyol prices in the preview before saving (nothing stored yet), saves,
// and the stock sync the save starts sends the new prices to Trendyol (the sandbox).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import { signIn, uploadModule, installModule, openFromMenu, act, addCurrency } from './lib/admin.mjs';
import { saveSettings, sandboxSettings, DEMO_SELLER } from './lib/settings.mjs';
import { pressSync, settled } from './lib/panels.mjs';

const BARCODE = '8690000005678';
const PRODUCT = 'MacBook Pro';
// 1234.50 + 10 % = 1357.95, rounded up to .90: 1358.90 (list and sale alike: no special).
const PRICE = '1234.50';
const EXPECTED = '1358.90';

async function trendyolProduct(shop) {
  const response = await fetch(`${shop.sandbox.url}/integration/product/sellers/${DEMO_SELLER.id}/products?barcode=${BARCODE}`, {
    headers: {
      authorization: 'Basic ' + Buffer.from(`${DEMO_SELLER.key}:${DEMO_SELLER.secret}`).toString('base64'),
      'user-agent': `${DEMO_SELLER.id} - SelfIntegration`,
    },
  });
  assert.equal(response.status, 200);
  return (await response.json()).content?.[0];
}

describe('MesChain > Price rules', () => {
  let shop;
  let browser;
  let owner;
  let productId;

  before(async () => {
    shop = await spawnShop('pricing');
    await shop.control('POST', '/__sandbox/settings', { rejectShare: 0 });
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'pricing' });
    await signIn(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    // Trendyol prices are lira: the shop sells in TRY (at 1 to the default currency here, so
    // the rule's arithmetic reads directly).
    await addCurrency(owner, shop, { title: 'Türk Lirası', code: 'TRY', value: 1, symbolRight: ' TL' });
    await saveSettings(owner, shop, sandboxSettings(shop, {
      store_url: shop.url, image_base_url: `https://${new URL(shop.url).host}/image/`,
    }));
    // The product, its barcode, price and mappings as the Mappings page would leave them.
    productId = await shop.value(`SELECT p.product_id FROM oc_product p JOIN oc_product_description pd ON pd.product_id = p.product_id WHERE pd.name = '${PRODUCT}' LIMIT 1`);
    await shop.query(`UPDATE oc_product SET ean = '${BARCODE}', price = ${PRICE}, quantity = 25, status = 1 WHERE product_id = ${productId}`);
    await shop.query(`DELETE FROM oc_product_special WHERE product_id = ${productId}`);
    await shop.query(`INSERT INTO oc_trendyol_category_map (category_id, trendyol_category_id, trendyol_category_name, updated_at) SELECT category_id, 411, 'Elbise', UTC_TIMESTAMP() FROM oc_product_to_category WHERE product_id = ${productId}`);
    await shop.query(`INSERT INTO oc_trendyol_brand_map (manufacturer_id, trendyol_brand_id, trendyol_brand_name, updated_at) SELECT manufacturer_id, 1791, 'MesChain Demo', UTC_TIMESTAMP() FROM oc_product WHERE product_id = ${productId}`);
    // Sent, then approved on the next run (the review ends after a moment).
    for (let i = 0; i < 2; i++) {
      const result = await pressSync(owner, shop, 'Sync Products');
      assert.equal(result.status, 'done', result.text);
    }
    const stock = await pressSync(owner, shop, 'Sync Stock');
    assert.equal(stock.status, 'done', stock.text);
    assert.equal(await shop.value(`SELECT sync_status FROM oc_trendyol_products WHERE product_id = ${productId}`), 'approved');
    assert.equal(Number((await trendyolProduct(shop)).listPrice), Number(PRICE), 'Trendyol starts at the OpenCart price');
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('previews a markup with rounding before saving, then saving re-prices Trendyol', async () => {
    const { page } = owner;
    await openFromMenu(owner, shop, 'Price Rules');
    await settled(page);
    await page.fill('#input-markup-percent', '10');
    await page.selectOption('#input-rounding', 'ends_90');

    // The preview: OpenCart's price, today's Trendyol price, and the price under the rule.
    await page.fill('#input-preview-ids', String(productId));
    await page.click('#button-preview');
    const row = page.locator(`#preview tbody tr[data-product-id="${productId}"]`);
    await row.waitFor();
    assert.equal((await row.locator('[data-cell=price]').innerText()).trim(), PRICE);
    assert.equal((await row.locator('[data-cell=list]').innerText()).trim(), EXPECTED);
    assert.equal((await row.locator('[data-cell=sale]').innerText()).trim(), EXPECTED);
    assert.match(await row.locator('[data-cell=rule]').innerText(), /Global/);
    await owner.screenshot('price-rules-preview');
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_price_rules'), '0', 'a preview saves nothing');

    // A bad value is refused with the field named, and nothing is stored.
    await page.fill('#input-floor-price', '-5');
    const refused = await act(page, () => page.click('#button-save'));
    assert.equal(refused.success, false, refused.text);
    assert.match(refused.text, /global\.floor_price/);
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_price_rules'), '0');

    await page.fill('#input-floor-price', '');
    const saved = await act(page, () => page.click('#button-save'));
    assert.ok(saved.success, saved.text);
    assert.match(saved.text, /stock sync \(job #\d+\)/);
    assert.equal(await shop.value("SELECT CONCAT(CAST(markup_percent AS CHAR), ' ', rounding) FROM oc_trendyol_price_rules WHERE scope = 'global'"), '10.00 ends_90');

    // The stock sync the save started sends the new prices.
    const deadline = Date.now() + 60_000;
    let product = await trendyolProduct(shop);
    while (Number(product.listPrice) !== Number(EXPECTED) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      product = await trendyolProduct(shop);
    }
    assert.equal(Number(product.listPrice), Number(EXPECTED), 'Trendyol\'s list price');
    assert.equal(Number(product.salePrice), Number(EXPECTED), 'Trendyol\'s sale price');

    // The page shows the saved rule after a reload.
    await openFromMenu(owner, shop, 'Price Rules');
    assert.equal(await page.inputValue('#input-markup-percent'), '10.00');
    assert.equal(await page.inputValue('#input-rounding'), 'ends_90');
    await owner.screenshot('price-rules-saved');
    assert.deepEqual(shop.phpProblems(), [], 'no PHP errors, warnings or notices');
  });
});
