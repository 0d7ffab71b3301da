// What a customer does in the storefront, in the browser: find a product, put it in the cart,
// check out as a guest. The order goes through OpenCart's own checkout, as every sale does.

import assert from 'node:assert/strict';

import { openSession } from './browser.mjs';
import { settled } from './panels.mjs';

/** A guest buys one `product` in the storefront: cart, checkout, Cash On Delivery, confirm. */
export async function storefrontCheckout(shop, browser, product) {
  const guest = await openSession(browser, { artifacts: shop.artifacts, label: 'guest' });
  const { page } = guest;
  try {
    await page.goto(`${shop.url}index.php?route=product/search&search=${encodeURIComponent(product)}`);
    await page.locator('.product-thumb', { has: page.locator(`h4 a:text-is("${product}")`) }).locator('button[formaction*="checkout/cart.add"], button[type=submit]').first().click();
    await page.locator('#alert .alert-success').first().waitFor();
    await page.goto(`${shop.url}index.php?route=checkout/checkout`);
    await page.check('#input-guest');
    await page.fill('#input-firstname', 'Ayşe');
    await page.fill('#input-lastname', 'Yılmaz');
    await page.fill('#input-email', 'ayse@example.com');
    // The form shows the telephone and the payment address only when the shop asks for them.
    if (await page.locator('#input-telephone').isVisible()) await page.fill('#input-telephone', '05550000000');
    for (const prefix of ['payment', 'shipping']) {
      if (!(await page.locator(`#input-${prefix}-address-1`).isVisible())) continue;
      if (await page.locator(`#input-${prefix}-firstname`).isVisible()) {
        await page.fill(`#input-${prefix}-firstname`, 'Ayşe');
        await page.fill(`#input-${prefix}-lastname`, 'Yılmaz');
      }
      await page.fill(`#input-${prefix}-address-1`, 'Bağdat Caddesi 1');
      await page.fill(`#input-${prefix}-city`, 'İstanbul');
      await page.fill(`#input-${prefix}-postcode`, '34000');
      await page.selectOption(`#input-${prefix}-country`, { label: 'Turkey' });
      await page.locator(`#input-${prefix}-zone option:nth-child(3)`).waitFor({ state: 'attached' });
      await page.selectOption(`#input-${prefix}-zone`, { index: 2 });
    }
    await page.click('#button-register');
    await page.locator('#alert .alert-success').first().waitFor();
    // Each step reloads the confirm panel; OpenCart keeps the checkout in its session, written
    // back at the end of every request, so a step sent while another request is still open can
    // be undone by it (a user waits for the page as well).
    await settled(page);
    // A product that needs no shipping (as the demo MacBook) has no shipping step.
    if (await page.locator('#button-shipping-methods').count()) {
      await page.click('#button-shipping-methods');
      await page.locator('#modal-shipping input[name=shipping_method]').first().check();
      await page.click('#button-shipping-method');
      await settled(page);
    }
    await page.click('#button-payment-methods');
    await page.locator('#modal-payment input[name=payment_method]').first().check();
    await page.click('#button-payment-method');
    await settled(page);
    if (await page.locator('#input-checkout-agree').isVisible()) await page.check('#input-checkout-agree');
    await page.locator('#button-confirm').waitFor();
    await page.click('#button-confirm');
    await page.waitForURL(/checkout\/success/);
    await guest.screenshot('checkout-success');
    assert.deepEqual(guest.problems, []);
  } finally {
    await guest.close();
  }
}
