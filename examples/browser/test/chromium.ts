// Headless Chromium for the browser tests: Debian's binary, a page on the built site with every page
// error, console error and failed request collected, and both closed however the check ends.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's browser binary (its /usr/bin/chromium is a wrapper script), or CHROMIUM when set. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
  if (!found) throw new Error('browser test: no Chromium found (apt-get install -y chromium, or set CHROMIUM)');
  return found;
}

/**
 * Serves `dist` on loopback, opens `path` (e.g. `seh.html?x=1`) in headless Chromium and runs `check`
 * on the page; throws if the page reported an error, logged one, or a request failed.
 */
export async function withPage<T>(dist: string, path: string, check: (page: Page) => Promise<T>): Promise<T> {
  if (!existsSync(`${dist}/index.html`)) throw new Error('browser test: examples/browser/dist is missing; run pnpm demo:build first');
  const server = await serveStatic(dist);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
  const problems: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    await page.goto(`${server.url}${path}`);
    const result = await check(page);
    if (problems.length > 0) throw new Error(`browser test: ${problems.join('; ')}`);
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Waits for the page's status element to say done (or failed), and throws with the page's error. */
export async function waitUntilDone(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForSelector('[data-testid="status"][data-done="1"], [data-testid="status"][data-error]', { timeout: timeoutMs });
  const error = await page.getByTestId('status').getAttribute('data-error');
  if (error !== null) throw new Error(`browser test: the page failed: ${error}`);
}
