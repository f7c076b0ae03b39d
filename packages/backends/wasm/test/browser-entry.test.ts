import { describe, expect, it } from 'vitest';
import { withNodeThreads } from '../src/node-threads.browser.js';

// What `#node-threads` resolves to outside Node (scripts/check-browser-bundles.mjs bundles the browser entry).
describe('the browser stand-in for the Node threads shim', () => {
  it('refuses to run, saying why, instead of starting anything', async () => {
    let started = false;
    await expect(
      withNodeThreads(2, async () => {
        started = true;
      }),
    ).rejects.toThrow(/Node threads shim was called outside Node/);
    expect(started).toBe(false);
  });
});
