// MesChain > Questions in a real OpenCart 4.0.2.3: a buyer asks about a product on Trendyol
// (the sandbox), the owner checks for new questions, sees it with its product and the time left
// in Trendyol's answer window, saves an answer for reuse, is stopped before sending an answer
// too short for Trendyol, then answers by typing and clicking; the queue run the click starts
// delivers it and the sandbox holds the answer, once.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { spawnShop } from './lib/shop.mjs';
import { launchBrowser, openSession } from './lib/browser.mjs';
import { signIn, uploadModule, installModule, openFromMenu, act } from './lib/admin.mjs';
import { saveSettings, sandboxSettings } from './lib/settings.mjs';
import { settled } from './lib/panels.mjs';

const BARCODE = '8690000007771';
const MAIN_ID = 'MAIN-QNA-1';
const PRODUCT = 'iPhone';
const QUESTION = 'Bu telefonun kutusunda şarj adaptörü var mı?';
const TEMPLATE = 'Merhaba, kutuda şarj kablosu bulunur; adaptör ayrıca satılır.';
const ANSWER = `${TEMPLATE} İyi alışverişler dileriz.`;

describe('MesChain > Questions', () => {
  let shop;
  let browser;
  let owner;
  let productId;
  let questionId;

  before(async () => {
    shop = await spawnShop('questions');
    browser = await launchBrowser();
    owner = await openSession(browser, { artifacts: shop.artifacts, label: 'questions' });
    await signIn(owner, shop);
    await uploadModule(owner, shop);
    assert.ok((await installModule(owner, shop)).success);
    await saveSettings(owner, shop, sandboxSettings(shop));
    // The product as product sync leaves it: sent to Trendyol under its main id and barcode.
    productId = await shop.value(`SELECT p.product_id FROM oc_product p JOIN oc_product_description pd ON pd.product_id = p.product_id WHERE pd.name = '${PRODUCT}' LIMIT 1`);
    await shop.query(`UPDATE oc_product SET ean = '${BARCODE}' WHERE product_id = ${productId}`);
    await shop.query(`INSERT INTO oc_trendyol_products (seller_id, product_id, barcode, product_main_id, sync_status, created_at, updated_at) VALUES (1001, ${productId}, '${BARCODE}', '${MAIN_ID}', 'approved', UTC_TIMESTAMP(), UTC_TIMESTAMP())`);
    // A buyer asks on Trendyol.
    const asked = await shop.control('POST', '/__sandbox/questions/seed', { productMainId: MAIN_ID, productName: PRODUCT, text: QUESTION, userName: 'M*** Y***' });
    questionId = asked.questionId;
    assert.ok(questionId > 0);
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('shows a new question with its product and answers it from the admin', async () => {
    const { page } = owner;
    await openFromMenu(owner, shop, 'Questions');
    await settled(page);
    const checked = await act(page, () => page.click('#button-check'));
    assert.ok(checked.success, checked.text);

    // The check runs in the background; the question is there once it has finished.
    const card = page.locator(`[data-question-id="${questionId}"]`);
    const deadline = Date.now() + 60_000;
    while (!(await card.count()) && Date.now() < deadline) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    await card.waitFor();
    assert.equal((await card.locator('[data-question-text]').innerText()).trim(), QUESTION);
    assert.equal((await card.locator('[data-product-link]').innerText()).trim(), PRODUCT);
    assert.match(await card.locator('[data-product-link]').getAttribute('href'), new RegExp(`product_id=${productId}`));
    assert.match(await card.locator('[data-time-left]').innerText(), /\d+ h \d+ min left/);
    assert.equal((await page.locator('#waiting-count').innerText()).trim(), '1');
    await owner.screenshot('questions-new');

    // A saved answer, written once.
    await page.fill('#input-template-title', 'Adaptör');
    await page.fill('#input-template-body', TEMPLATE);
    await Promise.all([page.waitForEvent('load'), page.click('#form-template button[type=submit]')]);
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_answer_templates'), '1');

    // Too short for Trendyol: the page says so and nothing leaves.
    const box = card.locator('[data-answer-text]');
    await box.fill('Var.');
    await card.locator('[data-answer-send]').click();
    await card.locator('[data-answer-text].is-invalid').waitFor();
    assert.match(await card.locator('[data-answer-invalid]').innerText(), /10 to 2000 characters/);
    assert.equal(await shop.value('SELECT COUNT(*) FROM oc_trendyol_sync_queue WHERE event_type = \'question_answer\''), '0');

    // The saved answer, picked and finished by typing, then sent.
    await card.locator('[data-template-pick]').selectOption({ label: 'Adaptör' });
    assert.equal(await box.inputValue(), TEMPLATE);
    await box.press('End');
    await box.type(' İyi alışverişler dileriz.');
    assert.equal(await card.locator('[data-count]').innerText(), String([...ANSWER].length));
    const sent = await act(page, () => card.locator('[data-answer-send]').click());
    assert.ok(sent.success, sent.text);

    // The queue run the click started delivers it; the page follows until Trendyol has it.
    await card.locator('[data-delivery].text-success').waitFor({ timeout: 60_000 });
    assert.match(await card.locator('[data-delivery]').innerText(), /Answered on Trendyol/);
    await owner.screenshot('questions-answered');

    const held = await shop.control('GET', `/__sandbox/questions/${questionId}`);
    assert.equal(held.question.status, 'ANSWERED');
    assert.equal(held.question.answer.text, ANSWER);
    assert.equal(held.answersAccepted, 1);
    assert.equal(await shop.value(`SELECT answer_state FROM oc_trendyol_questions WHERE question_id = ${questionId}`), 'sent');

    // Answered questions move to their own list.
    await page.click('a[data-filter="answered"]');
    await page.locator(`[data-question-id="${questionId}"] [data-answer]`).waitFor();
    assert.deepEqual(shop.phpProblems(), [], 'no PHP errors, warnings or notices');
  });
});
