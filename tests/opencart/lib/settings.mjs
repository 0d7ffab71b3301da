// Extensions > MesChain > Settings, filled in as an owner fills it in: open the tab that holds
// a field, type or tick, press Save, read the page's answer.

import assert from 'node:assert/strict';

import { alertText, openFromMenu, signIn, uploadModule, installModule } from './admin.mjs';
import { openSession } from './browser.mjs';

/** The sandbox's obviously fake demo seller. */
export const DEMO_SELLER = { id: '1001', key: 'demo-api-key', secret: 'demo-api-secret' };

function fieldId(name) {
  return `#field-${name.replace(/_/g, '-')}`;
}

/** Shows the tab that holds `name`'s field. */
async function showField(page, name) {
  const field = page.locator(fieldId(name));
  const pane = await field.evaluate((el) => el.closest('.tab-pane')?.id ?? '');
  if (pane) await page.click(`a[href="#${pane}"]`);
  return field;
}

/** Sets one field: a switch takes true/false, a select or a text field a string. */
export async function setField(page, name, value) {
  const field = await showField(page, name);
  const type = await field.evaluate((el) => (el.tagName === 'SELECT' ? 'select' : el.type));
  if (type === 'checkbox') {
    await field.setChecked(Boolean(value));
  } else if (type === 'select') {
    await field.selectOption(String(value));
  } else {
    await field.fill(String(value));
  }
}

/** Presses Save; returns the page's alert. */
export async function save(page) {
  await page.locator('#alert').first().evaluate((el) => { el.innerHTML = ''; });
  await page.click('button[form="form-meschain"]');
  return alertText(page);
}

/** Opens Settings from the menu, sets `values`, saves, and expects success. */
export async function saveSettings(session, shop, values) {
  await openFromMenu(session, shop, 'Settings');
  for (const [name, value] of Object.entries(values)) {
    await setField(session.page, name, value);
  }
  const result = await save(session.page);
  const fieldErrors = await session.page.locator('.invalid-feedback.d-block').evaluateAll(
    (els) => els.map((el) => `${el.id}: ${el.innerText}`));
  assert.ok(result.success, `settings saved: ${result.text} ${fieldErrors.join('; ')}`);
  return result;
}

/** The settings that point MesChain at this run's sandbox, with the module switched on. */
export function sandboxSettings(shop, extra = {}) {
  return {
    status: true,
    environment: 'sandbox',
    sandbox_url: shop.sandbox.url,
    seller_id: DEMO_SELLER.id,
    api_key: DEMO_SELLER.key,
    api_secret: DEMO_SELLER.secret,
    barcode_source: 'ean',
    log_dir: `${shop.dir}/logs`,
    ...extra,
  };
}

/** Trendyol's own answer (the sandbox, with the demo seller's credentials). */
export async function trendyol(shop, path) {
  const response = await fetch(shop.sandbox.url + path, {
    headers: {
      authorization: 'Basic ' + Buffer.from(`${DEMO_SELLER.key}:${DEMO_SELLER.secret}`).toString('base64'),
      'user-agent': `${DEMO_SELLER.id} - SelfIntegration`,
    },
  });
  assert.equal(response.status, 200, `GET ${path}`);
  return response.json();
}

/**
 * The shop owner's browser session with MesChain brought in: signed in, the module uploaded
 * through Extensions > Installer and installed, Settings pointed at the sandbox (plus `extra`).
 * Trendyol takes images only over https: a real shop gives its https image address (this one is
 * served on plain http, and the sandbox does not fetch images).
 */
export async function ownerWithMesChain(browser, shop, label, extra = {}) {
  const owner = await openSession(browser, { artifacts: shop.artifacts, label });
  await signIn(owner, shop);
  await uploadModule(owner, shop);
  assert.ok((await installModule(owner, shop)).success);
  await saveSettings(owner, shop, sandboxSettings(shop, {
    store_url: shop.url, image_base_url: `https://${new URL(shop.url).host}/image/`, ...extra,
  }));
  return owner;
}
