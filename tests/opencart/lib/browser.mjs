// Debian's Chromium, headless, driven by playwright-core (which brings no browser of its own).
//
// Every page the suite opens is watched: a console error or an uncaught script error is
// recorded with the page's URL, and `problems()` hands them to the test that must assert
// there are none. Screenshots land under the test artifacts folder.

import { chromium } from 'playwright-core';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Whether a URL is on this machine (anything else is blocked, never fetched). */
export function isLocal(href) {
  try {
    const { hostname, protocol } = new URL(href);
    return protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1' || hostname === 'localhost';
  } catch {
    return false;
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No network but loopback here: the background services would only fail to connect.
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A browser context of one user, with a record of what went wrong in its pages.
 */
export async function openSession(browser, { artifacts, label }) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  context.setDefaultTimeout(30_000);
  const problems = [];
  const watch = (page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const source = message.location()?.url ?? '';
      // OpenCart's admin links fonts and promotions on the internet; this machine has none.
      if (source && !isLocal(source)) return;
      problems.push(`console error on ${page.url()}: ${message.text()} ${source}`);
    });
    page.on('pageerror', (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
  };
  context.on('page', watch);
  await context.route((url) => !isLocal(url.href), (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  let shots = 0;
  return {
    context,
    page,
    problems,
    /** Saves a full-page screenshot `NN-name.png` and returns its path. */
    async screenshot(name) {
      shots += 1;
      const path = join(artifacts, `${label}-${String(shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    /** Forgets the recorded problems (after a step that provokes an expected error). */
    clearProblems() { problems.length = 0; },
    async close() { await context.close(); },
  };
}
