// MesChain's own pages, used as the owner uses them: the Mappings pickers, the manual sync
// buttons and the tabs of Cron Management.

import assert from 'node:assert/strict';

import { act, openFromMenu } from './admin.mjs';

/**
 * In a mapping row (`row`, a locator), types `query` into the Trendyol picker, takes the
 * suggestion `pick` (e.g. "Elbise (411)") and presses the row's Save.
 */
export async function pickAndSave(page, row, query, pick) {
  const picker = row.locator('[data-meschain-picker]').first();
  await picker.fill('');
  await picker.pressSequentially(query, { delay: 20 });
  const suggestion = row.locator('.dropdown-menu .dropdown-item', { hasText: pick });
  await suggestion.first().waitFor();
  await suggestion.first().click();
  await row.locator('button[type=submit]').first().click();
}

/** The row of a mapping tab whose OpenCart side reads `name`. */
export function mappingRow(page, kind, name) {
  return page.locator(`#list-${kind} tbody tr`).filter({ has: page.locator('td:first-child', { hasText: name }) });
}

/** Opens a tab of the Mappings page and waits for its list. */
export async function openMappingTab(session, shop, kind) {
  const { page } = session;
  if (!page.url().includes('meschain') || !(await page.locator(`#tab-${kind}`).count())) {
    await openFromMenu(session, shop, 'Mappings');
  }
  await page.click(`a[href="#tab-${kind}"]`);
  await page.locator(`#list-${kind} table, #list-${kind} .alert`).first().waitFor();
}

/**
 * Presses a manual sync button on Cron Management and waits until the page says the job
 * finished; returns the progress line's text.
 */
export async function pressSync(session, shop, button, { timeoutMs = 90_000 } = {}) {
  const { page } = session;
  if (!(await page.locator('[data-meschain-sync]').count())) {
    await openFromMenu(session, shop, 'Cron Management');
  }
  const lines = page.locator('#sync-progress > div');
  const before = await lines.count();
  await page.locator('[data-meschain-sync]', { hasText: button }).click();
  const line = lines.nth(before);
  await line.waitFor();
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await line.innerText()).trim();
    if (await line.getAttribute('data-finished')) break;
    await page.waitForTimeout(250);
  }
  assert.ok(await line.getAttribute('data-finished'), `"${button}" finished within ${timeoutMs} ms; the page says: ${text}`);
  return { text, status: await line.getAttribute('data-status') };
}

/** Waits until the page's own requests (jQuery's) are answered and their results inserted. */
export async function settled(page) {
  await page.waitForFunction(() => window.jQuery && window.jQuery.active === 0);
}

/**
 * Runs `action` (a click that loads a fragment) and waits for the request whose URL holds
 * `routePart` to be answered and the page to settle.
 */
export async function clickAndLoad(page, routePart, action) {
  await Promise.all([
    page.waitForResponse((r) => r.url().includes(routePart) && r.request().method() === 'GET'),
    action(),
  ]);
  await settled(page);
}

/** Cron Management, opened afresh from the menu, on its tab `name` with the tab's content. */
export async function openCronTab(session, shop, name) {
  const { page } = session;
  await openFromMenu(session, shop, 'Cron Management');
  await settled(page);
  if (['logs', 'dead', 'products', 'returns'].includes(name)) {
    await clickAndLoad(page, `.${name}`, () => page.click(`a[href="#tab-${name}"]`));
  } else if (name !== 'monitoring') {
    await page.click(`a[href="#tab-${name}"]`);
  }
  await page.locator(`#tab-${name}.active`).waitFor();
}

/** MesChain > Mappings: the demo catalog's Laptops & Notebooks → Elbise (411), Apple → MesChain Demo (1791). */
export async function mapDemoCategoryAndBrand(session, shop) {
  const { page } = session;
  await openMappingTab(session, shop, 'category');
  assert.ok((await act(page, () => pickAndSave(page, mappingRow(page, 'category', 'Laptops & Notebooks'), 'Elbise', 'Elbise (411)'))).success);
  await openMappingTab(session, shop, 'brand');
  assert.ok((await act(page, () => pickAndSave(page, mappingRow(page, 'brand', 'Apple'), 'MesChain Demo', 'MesChain Demo (1791)'))).success);
}
