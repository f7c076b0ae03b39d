import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// esbuild's default browser bundle of the sources (scripts/check-browser-bundles.mjs does the same, and
// a Vite build, for the built dist/ of every package): the browser sides of `#rdkit-script` and
// `#vocabulary-source` are taken, so neither node:fs nor RDKit's Emscripten glue (whose Node branch
// requires node:fs and node:crypto) is reachable.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function browserBundleInputs(specifier: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['@gflownet/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('browser bundles (esbuild, platform browser)', () => {
  for (const specifier of ['@gflownet/env-fragments', '@gflownet/env-fragments/experiment', '@gflownet/reward-seh']) {
    it(`${specifier} bundles with the browser RDKit loader and no Node module`, async () => {
      const inputs = await browserBundleInputs(specifier);
      expect(inputs.filter((f) => f.startsWith('node:') || f.includes('RDKit_minimal'))).toEqual([]);
      expect(inputs.some((f) => f.endsWith('rewards/seh/src/rdkit-script.browser.ts'))).toBe(true);
      expect(inputs.some((f) => f.endsWith('rewards/seh/src/rdkit-script.ts'))).toBe(false);
      if (specifier.startsWith('@gflownet/env-fragments')) {
        expect(inputs.some((f) => f.endsWith('fragments/src/vocabulary-source.browser.ts'))).toBe(true);
        expect(inputs.some((f) => f.endsWith('fragments/src/vocabulary-source.ts'))).toBe(false);
      }
    });
  }
});
