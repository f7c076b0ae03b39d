import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SehProxy } from '../src/index.js';
import { INVALID_MOLECULE_Y, sehProxy, sehProxyMacs, shippedSehWeights } from '../src/index.js';
import type { HeldoutMolecule } from './helpers.js';
import { sharedFile } from './helpers.js';
import { referenceY } from './reference.js';

// Multi-component molecules, a lone atom, rings of every bond type, many stems: the batch mixes sizes.
const MOLECULES = [
  { smiles: 'c1ccc2c(c1)ccn2CC(=O)N1CCOCC1', stemAtoms: [0, 12, 15] },
  { smiles: 'C', stemAtoms: [] },
  { smiles: 'CC#N.[Na+].[Cl-]', stemAtoms: [2, 4] },
  { smiles: 'O=C(O)c1ccc(-c2nc3ccccc3s2)cc1', stemAtoms: [] },
  { smiles: 'C1=CC=CC=C1', stemAtoms: [1, 1, 4] },
  { smiles: 'NC(=O)[C@@H](Cc1c[nH]c2ccccc12)NC(=O)C1CCCN1', stemAtoms: [5, 21] },
] as const;

let proxy: SehProxy;
beforeAll(async () => {
  proxy = await sehProxy();
});
afterAll(() => proxy.dispose());

describe('the tfjs network (cpu backend)', () => {
  it('matches an independent float64 per-molecule implementation of the spec to 2e-5', async () => {
    const y = await proxy.predict(MOLECULES);
    const weights = shippedSehWeights();
    MOLECULES.forEach((m, i) => {
      const expected = referenceY(weights, proxy.graph(m.smiles), m.stemAtoms);
      expect(Math.abs((y[i] as number) - expected), m.smiles).toBeLessThan(2e-5);
    });
  });

  it('does not depend on how molecules are batched, and leaks no tensors', async () => {
    const one = await sehProxy({ batchSize: 1, rdkit: proxy.rdkit });
    try {
      const before = tf.memory().numTensors;
      const together = proxy.predictSync(MOLECULES);
      const alone = await one.predict(MOLECULES);
      expect(tf.memory().numTensors).toBe(before);
      MOLECULES.forEach((_, i) => expect(Math.abs((together[i] as number) - (alone[i] as number))).toBeLessThan(1e-5));
    } finally {
      one.dispose();
    }
  });

  it('reads the stem mask: moving the stems changes y', async () => {
    const [a, b] = await proxy.predict([
      { smiles: 'c1ccccc1CCO', stemAtoms: [0] },
      { smiles: 'c1ccccc1CCO', stemAtoms: [8] },
    ]);
    expect(Math.abs((a as number) - (b as number))).toBeGreaterThan(1e-4);
  });

  it("gives unparsable molecules y = 0.1 with invalid: 'floor', and otherwise names them", async () => {
    const floor = await sehProxy({ invalid: 'floor', rdkit: proxy.rdkit });
    try {
      const y = await floor.predict([{ smiles: 'C1CC' }, { smiles: 'CCO', stemAtoms: [1] }]);
      expect(y[0]).toBe(INVALID_MOLECULE_Y);
      expect(y[1]).not.toBe(INVALID_MOLECULE_Y);
      await expect(floor.predict([{ smiles: 'CCO', stemAtoms: [3] }])).rejects.toThrow(/molecule 0: stem atom 3/);
    } finally {
      floor.dispose();
    }
    await expect(proxy.predict([{ smiles: 'CCO' }, { smiles: 'C1CC' }])).rejects.toThrow(/molecule 1: RDKit cannot parse SMILES "C1CC"/);
    await expect(proxy.predict([{ smiles: 42 as unknown as string }])).rejects.toThrow(/molecule 0: smiles must be a non-empty string/);
  });

  const HELDOUT = sharedFile('seh/heldout_some_mols_U_1k.json', 'the cpu-backend held-out subset');
  it.skipIf(!HELDOUT)('reproduces proxy_y of a spread subset of the held-out molecules to 1e-4', async () => {
    const all = JSON.parse(readFileSync(HELDOUT as string, 'utf8')) as HeldoutMolecule[];
    const subset = all.filter((m, i) => i % 40 === 0 && m.proxy_y > 0.1);
    const y = await proxy.predict(subset.map((m) => ({ smiles: m.smiles, stemAtoms: m.stem_atoms_canonical })));
    subset.forEach((m, i) => expect(Math.abs((y[i] as number) - m.proxy_y), m.smiles).toBeLessThan(1e-4));
  });

  it('validates options', async () => {
    await expect(sehProxy({ batchSize: 0 })).rejects.toThrow(/batchSize must be at least 1/);
    await expect(sehProxy({ cacheSize: -1 })).rejects.toThrow(/cacheSize must be a non-negative integer/);
  });
});

describe('sehProxyMacs', () => {
  it('counts lin0, 12 rounds of messages + root + GRU, Set2Set and the last layer', () => {
    // One atom, no bond: 71·64 + 12·(64·64 + 2·64·192) + 3·(192·256 + 2·64) + 128.
    expect(sehProxyMacs(1, 0)).toBe(4544 + 12 * (4096 + 24576) + 3 * (49152 + 128) + 128);
    // Each bond adds two directed messages of 64·64 per round.
    expect(sehProxyMacs(1, 1) - sehProxyMacs(1, 0)).toBe(12 * 2 * 4096);
    const typical = sehProxyMacs(35, 38);
    expect(typical).toBeGreaterThan(15.5e6);
    expect(typical).toBeLessThan(16.5e6);
  });
});
