// What a shop owner does in OpenCart's admin, step by step, in the browser: sign in, upload
// the module through Extensions > Installer, install it under Extensions > Extensions >
// Modules, open MesChain's pages from the menu. Nothing here writes to the database or posts
// a value the page itself would not send.

import assert from 'node:assert/strict';

import { ADMIN, OCMOD_ZIP } from './shop.mjs';

export const MODULE_NAME = 'MesChain Trendyol';

/** Signs in on the login form; returns the session's user_token. */
export async function signIn(session, shop, user = ADMIN) {
  const { page } = session;
  await page.goto(`${shop.adminUrl}index.php?route=common/login`);
  await page.fill('#input-username', user.username);
  await page.fill('#input-password', user.password);
  await Promise.all([
    page.waitForURL(/user_token=/),
    page.click('#form-login button[type=submit]'),
  ]);
  const token = new URL(page.url()).searchParams.get('user_token');
  assert.ok(token, 'signed in with a user_token');
  session.token = token;
  return token;
}

/** An admin URL of this session (route plus query). */
export function adminLink(session, shop, route, query = {}) {
  const params = new URLSearchParams({ route, user_token: session.token, ...query });
  return `${shop.adminUrl}index.php?${params.toString().replace(/%2F/g, '/')}`;
}

export async function openAdmin(session, shop, route, query = {}) {
  const response = await session.page.goto(adminLink(session, shop, route, query));
  assert.equal(response.status(), 200, `GET ${route} answered ${response.status()}`);
  return response;
}

/** The first alert the page shows after an action (success or danger), as text. */
export async function alertText(page) {
  // OpenCart's header holds the #alert toast container that common.js writes into.
  const alert = page.locator('#alert').first().locator('.alert').first();
  await alert.waitFor({ state: 'visible' });
  return { text: (await alert.innerText()).trim(), success: (await alert.getAttribute('class')).includes('alert-success') };
}

/** Clears the page's alerts, runs `action` (a click), and returns the alert it brings. */
export async function act(page, action) {
  await page.locator('#alert').first().evaluate((el) => { el.innerHTML = ''; });
  await action();
  return alertText(page);
}

/** Extensions > Installer > Upload, then the list's Install button, as the owner does. */
export async function uploadModule(session, shop, zip = OCMOD_ZIP) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/installer');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#button-upload')]);
  await chooser.setFiles(zip);
  const uploaded = await alertText(page);
  assert.ok(uploaded.success, `upload: ${uploaded.text}`);
  const row = page.locator('#extension tr', { hasText: MODULE_NAME });
  await row.locator('a.btn-success').waitFor();
  await row.locator('a.btn-success').click();
  // Extraction runs in steps; the row turns into an Uninstall button when it is done.
  await row.locator('a.btn-warning').waitFor({ timeout: 60_000 });
  await page.locator('#progress-text .text-success').waitFor();
}

/** The rows of Extensions > Extensions > Modules that belong to MesChain, as their names. */
export async function moduleRows(session, shop) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/extension', { type: 'module' });
  await page.locator('#extension table').waitFor();
  const names = await page.locator('#extension tbody tr td:first-child').allInnerTexts();
  return names.map((n) => n.trim()).filter((n) => /meschain/i.test(n));
}

/** Extensions > Extensions > Modules > MesChain Trendyol > Install (the green button). */
export async function installModule(session, shop) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/extension', { type: 'module' });
  const row = page.locator('#extension tbody tr', { has: page.locator('td b', { hasText: new RegExp(`^${MODULE_NAME}$`) }) });
  await row.locator('a.btn-success').click();
  const result = await alertText(page);
  await row.locator('a.btn-danger').waitFor();
  return result;
}

/** Extensions > Extensions > Modules > MesChain Trendyol > Uninstall (red button, confirmed). */
export async function uninstallModule(session, shop) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/extension', { type: 'module' });
  const row = page.locator('#extension tbody tr', { has: page.locator('td b', { hasText: new RegExp(`^${MODULE_NAME}$`) }) });
  page.once('dialog', (dialog) => dialog.accept());
  await row.locator('a.btn-danger').click();
  const result = await alertText(page);
  await row.locator('a.btn-success').waitFor();
  return result;
}

/** Follows the admin menu: Extensions > MesChain > `entry`. */
export async function openFromMenu(session, shop, entry) {
  const { page } = session;
  await openAdmin(session, shop, 'common/dashboard');
  const link = page.locator('#menu a', { hasText: new RegExp(`^\\s*${entry}\\s*$`) }).filter({ has: page.locator('xpath=self::a[contains(@href, "meschain")]') });
  const href = await link.first().getAttribute('href');
  assert.ok(href, `menu entry MesChain > ${entry}`);
  const response = await page.goto(href);
  assert.equal(response.status(), 200);
  return href;
}

/**
 * System > Localisation > Currencies > Add New, filled and saved as the owner does: a currency
 * `code` worth `value` units per unit of the shop's default currency.
 */
export async function addCurrency(session, shop, { title, code, value, symbolRight = '', decimals = 2 }) {
  const { page } = session;
  await openAdmin(session, shop, 'localisation/currency.form');
  await page.locator('#input-title').fill(title);
  await page.locator('#input-code').fill(code);
  await page.locator('#input-symbol-right').fill(symbolRight);
  await page.locator('#input-decimal-place').fill(String(decimals));
  await page.locator('#input-value').fill(String(value));
  await page.locator('#input-status').check();
  const saved = await act(page, () => page.locator('button[form=form-currency]').click());
  assert.ok(saved.success, `currency ${code} saved: ${saved.text}`);
}

/**
 * Extensions > Extensions > Currency Rates > `name` > Edit: Status off, saved. OpenCart 4 asks the
 * rate source for fresh rates whenever a currency or the settings are saved (and on its daily
 * cron), which would overwrite a rate the owner typed in; an owner who keeps rates by hand turns
 * the source off first.
 */
export async function switchOffRateSource(session, shop, name) {
  const { page } = session;
  await openAdmin(session, shop, 'marketplace/extension', { type: 'currency' });
  const row = page.locator('#extension tbody tr', { hasText: name });
  await Promise.all([page.waitForURL(/extension\/opencart\/currency\//), row.locator('a.btn-primary').click()]);
  await page.locator('#input-status').uncheck();
  const saved = await act(page, () => page.locator('button[form=form-currency]').click());
  assert.ok(saved.success, `${name} switched off: ${saved.text}`);
}

/** System > Settings > the default store > Local > Currency: `title` chosen and saved. */
export async function setDefaultCurrency(session, shop, title) {
  const { page } = session;
  await openAdmin(session, shop, 'setting/setting');
  await page.click('a[href="#tab-local"]');
  await page.locator('#input-currency').selectOption({ label: title });
  const saved = await act(page, () => page.locator('button[form=form-setting]').click());
  assert.ok(saved.success, `default currency ${title} saved: ${saved.text}`);
}

/**
 * Catalog > Products > `name` > Edit: the Data tab's `fields` typed in (`{ ean: '…', quantity: 42 }`
 * fills #input-ean and #input-quantity) and Save pressed. The form stays open for more.
 */
export async function editProduct(session, shop, name, fields) {
  const { page } = session;
  await openAdmin(session, shop, 'catalog/product', { filter_name: name });
  const row = page.locator('#product tbody tr').filter({ has: page.locator('td', { hasText: new RegExp(`^${name}\\s`) }) });
  await Promise.all([page.waitForURL(/catalog\/product\.form/), row.locator('a.btn-primary').first().click()]);
  await page.click('a[href="#tab-data"]');
  for (const [field, value] of Object.entries(fields)) await page.fill(`#input-${field}`, String(value));
  const saved = await act(page, () => page.click('button[form="form-product"]'));
  assert.ok(saved.success, `product saved: ${saved.text}`);
}
