import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type * as RDKitLoader from '../src/rdkit.js';
import { rdkitScript as browserRDKitScript } from '../src/rdkit-script.browser.js';

/** The installed RDKit_minimal.wasm (what a user copies next to a page or points `wasmUrl` at). */
const WASM_PATH = createRequire(import.meta.url).resolve('@rdkit/rdkit/RDKit_minimal.wasm');

/** A fresh copy of the loader module: RDKit loads once per module instance. */
async function freshLoader(): Promise<typeof RDKitLoader> {
  vi.resetModules();
  return import('../src/rdkit.js');
}

/** RDKit works: parses and canonicalises a SMILES (and frees the molecule). */
function canonical(rdkit: Awaited<ReturnType<typeof RDKitLoader.loadRDKit>>, smiles: string): string {
  const mol = rdkit.get_mol(smiles);
  try {
    return mol?.get_smiles() ?? '';
  } finally {
    mol?.delete();
  }
}

describe('loadRDKit options', () => {
  it('finds the wasm binary through an explicit locateFile, and reports its memory', async () => {
    const { loadRDKit, rdkitMemoryBytes } = await freshLoader();
    const asked: string[] = [];
    const locateFile = (file: string): string => {
      asked.push(file);
      return WASM_PATH;
    };
    const rdkit = await loadRDKit({ locateFile });
    expect(asked).toEqual(['RDKit_minimal.wasm']);
    expect(canonical(rdkit, 'OCC')).toBe('CCO');
    expect(rdkitMemoryBytes()).toBeGreaterThan(0);
    // The same options, or none, share the module; other options once loaded are refused.
    expect(await loadRDKit({ locateFile })).toBe(rdkit);
    expect(await loadRDKit()).toBe(rdkit);
    expect(() => loadRDKit({ wasmUrl: WASM_PATH })).toThrow('loadRDKit: RDKit is already loaded with other options (wasmUrl)');
  });

  it('takes the wasm location as a file: URL, or the bytes themselves', async () => {
    const byUrl = await (await freshLoader()).loadRDKit({ wasmUrl: pathToFileURL(WASM_PATH) });
    expect(canonical(byUrl, 'c1ccccc1O')).toBe('Oc1ccccc1');
    const { loadRDKit, rdkitMemoryBytes } = await freshLoader();
    const bytes = await loadRDKit({ wasmBinary: readFileSync(WASM_PATH) });
    expect(canonical(bytes, 'C(=O)O')).toBe('O=CO');
    expect(rdkitMemoryBytes()).toBeGreaterThan(0);
  });

  it('ignores a browser script URL in Node (the installed @rdkit/rdkit finds its own wasm)', async () => {
    const { loadRDKit } = await freshLoader();
    const rdkit = await loadRDKit({ scriptUrl: 'https://example.invalid/RDKit_minimal.js' });
    expect(canonical(rdkit, 'C1CCCCC1')).toBe('C1CCCCC1');
  });

  it('fails in one line naming RDKit when the binary is missing or not wasm, and can be retried', async () => {
    const { loadRDKit } = await freshLoader();
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => {}); // Emscripten also logs the failure
    try {
      await expect(loadRDKit({ wasmUrl: '/nonexistent/RDKit_minimal.wasm' })).rejects.toThrow(/^cannot load RDKit \(@rdkit\/rdkit\): .*nonexistent/);
      const error = await loadRDKit({ wasmBinary: new Uint8Array([0, 97, 115, 109, 9, 9]) }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/^cannot load RDKit \(@rdkit\/rdkit\): /);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      silenced.mockRestore();
    }
    expect(canonical(await loadRDKit({ wasmUrl: WASM_PATH }), 'N#C')).toBe('C#N');
  });
});

describe('the browser RDKit script loader (#rdkit-script outside Node)', () => {
  it('says what to pass when there is no script URL and no page-defined initRDKitModule', async () => {
    await expect(browserRDKitScript()).rejects.toThrow(/in a browser, pass loadRDKit\(\{ scriptUrl \}\)/);
    await expect(browserRDKitScript('https://example.invalid/RDKit_minimal.js')).rejects.toThrow(/no document, no importScripts/);
  });

  it('uses the initRDKitModule that RDKit_minimal.js defines as a global', async () => {
    const init = ((await import('@rdkit/rdkit')) as unknown as { default: unknown }).default;
    const scope = globalThis as { initRDKitModule?: unknown };
    scope.initRDKitModule = init;
    try {
      // The page's script found its wasm itself (beside it), so no locateFile is imposed.
      expect(await browserRDKitScript('https://example.invalid/never-fetched.js')).toEqual({ init });
    } finally {
      delete scope.initRDKitModule;
    }
  });
});
