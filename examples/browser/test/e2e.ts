// The browser test (run by ci.sh after `pnpm demo:build`): serves dist/ on loopback, trains the
// hypergrid in headless Chromium through the page's URL, and checks that the exact JSD fell and that
// every number equals a Node run of the same training code (src/train-session.ts) on the same backend;
// then scores molecules with the sEH proxy on the sEH page (RDKit from a URL) against Node (seh-check.ts).
import { mkdirSync } from 'node:fs';
import { wasm } from '@gflownet/backend-wasm';
import { useBackend } from '@gflownet/core';
import { parseSettings } from '../src/settings.js';
import type { RunSummary } from '../src/train-session.js';
import { createSession, summarise } from '../src/train-session.js';
import { waitUntilDone, withPage } from './chromium.js';
import { checkSehPage } from './seh-check.js';

const QUERY = 'env=hypergrid&iterations=300&autostart=1&seed=0';
/** Upper bound on the exact JSD after 300 iterations (measured 0.0061 with seed 0). */
const JSD_THRESHOLD = 0.02;
const TIMEOUT_MS = 90_000;

const here = new URL('..', import.meta.url).pathname;
const dist = `${here}dist`;
const outputDir = `${here}test-output`;

function runInBrowser(): Promise<{ summary: RunSummary; seconds: number; shownJsd: string }> {
  return withPage(dist, `?${QUERY}`, async (page) => {
    await waitUntilDone(page, TIMEOUT_MS);
    const run = await page.evaluate(() => window.gflownetRun);
    if (!run) throw new Error('browser test: the page finished without leaving window.gflownetRun');
    const shownJsd = (await page.getByTestId('jsd').textContent()) ?? '';
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: `${outputDir}/screenshot.png`, fullPage: true });
    return { summary: run.summary, seconds: run.seconds, shownJsd };
  });
}

async function runInNode(): Promise<{ summary: RunSummary; seconds: number }> {
  await useBackend(wasm());
  const session = await createSession(parseSettings(new URLSearchParams(QUERY)));
  const t0 = performance.now();
  try {
    return { summary: summarise(await session.train()), seconds: (performance.now() - t0) / 1000 };
  } finally {
    session.dispose();
  }
}

/**
 * Fields compared to a relative 1e-12 rather than bit for bit: float64 results of JavaScript's
 * Math.exp / Math.log, whose last bit differs between V8 versions (Node 20 and Chromium disagree on
 * about 8% of inputs). Training itself, every loss and log Z, must be identical.
 */
const FLOAT64_FIELDS = new Set(['jsd', 'trueLogZ']);

/** Every difference between two summaries, as [path, a, b]. */
function differences(a: unknown, b: unknown, path = 'summary', out: [string, unknown, unknown][] = []): [string, unknown, unknown][] {
  if (typeof a === 'number' && typeof b === 'number') {
    const field = path.slice(path.lastIndexOf('.') + 1);
    const close = FLOAT64_FIELDS.has(field) && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
    if (!Object.is(a, b) && !close) out.push([path, a, b]);
  } else if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) out.push([path, a, b]);
  } else {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  }
  return out;
}

async function main(): Promise<void> {
  const page = await runInBrowser();
  const node = await runInNode();
  const jsd = page.summary.jsd;
  if (jsd === null || !(jsd < JSD_THRESHOLD)) throw new Error(`browser test: the exact JSD after 300 iterations is ${jsd}, not below ${JSD_THRESHOLD}`);
  if (page.shownJsd !== jsd.toPrecision(4)) throw new Error(`browser test: the page shows JSD "${page.shownJsd}", its run ended at ${jsd}`);
  if (page.summary.iterations !== 300 || page.summary.interrupted) throw new Error(`browser test: the page ran ${page.summary.iterations} iterations (interrupted: ${page.summary.interrupted})`);
  const found = differences(page.summary, node.summary);
  if (found.length > 0) {
    const [path, a, b] = found[0] as [string, unknown, unknown];
    throw new Error(`browser test: the browser and Node runs differ in ${found.length} numbers, first ${path}: ${String(a)} (browser) vs ${String(b)} (Node)`);
  }
  console.log(
    `browser: hypergrid 8×8, TB, 300 iterations in Chromium (${page.seconds.toFixed(1)} s; Node ${node.seconds.toFixed(1)} s): ` +
      `exact JSD ${jsd.toPrecision(4)} < ${JSD_THRESHOLD}, losses and log Z at all ${page.summary.history.length} evaluations identical to the Node run (JSD to 1e-12); ` +
      `screenshot examples/browser/test-output/screenshot.png`,
  );
  console.log(`browser: ${await checkSehPage(dist)}`);
}

// Report failures in one line: tfjs-wasm's Emscripten glue re-throws uncaught errors with its whole source.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
