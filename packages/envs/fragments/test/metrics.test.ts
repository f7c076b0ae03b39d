import { Random } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import { findModes, fragmentsEnvironment, heldOutSet, loadRDKit, pearson, sampleMetrics, sampleTerminals, topKMean } from '../src/index.js';

describe('sample metrics', () => {
  it('computes Pearson correlation and top-k means by hand', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // x = (0, 1, 2, 3), y = (1, 0, 3, 2): cov 3, var 5 each → 0.6.
    expect(pearson([0, 1, 2, 3], [1, 0, 3, 2])).toBeCloseTo(0.6, 12);
    expect(pearson([1, 1], [2, 3])).toBeNaN();
    expect(topKMean([5, 1, 3, 4], 2)).toBe(4.5);
    expect(topKMean([5, 1], 10)).toBe(3);
    expect(topKMean([], 3)).toBeNaN();
  });

  it('counts modes greedily: above threshold and dissimilar to every earlier mode', async () => {
    const rdkit = await loadRDKit();
    const mols = [
      { smiles: 'c1ccccc1CCN', score: 0.95 },
      { smiles: 'NCCc1ccccc1', score: 0.95 }, // the same molecule: not a new mode
      { smiles: 'C1CCNCC1C(=O)O', score: 0.92 },
      { smiles: 'CCCCCCCCCC', score: 0.5 }, // below threshold
      { smiles: 'c1ccc2ccccc2c1', score: 0.91 },
    ];
    expect(findModes(rdkit, mols, { threshold: 0.9 })).toEqual(['c1ccccc1CCN', 'C1CCNCC1C(=O)O', 'c1ccc2ccccc2c1']);
    expect(findModes(rdkit, mols, { threshold: 0.93 })).toEqual(['c1ccccc1CCN']);
    expect(findModes(rdkit, mols, { threshold: 0.9, similarity: 0 })).toEqual(['c1ccccc1CCN']);
  });

  it('reports unique molecules, top-k reward and modes of samples, and draws a held-out set', async () => {
    const env = fragmentsEnvironment({ maxFragments: 4 });
    const samples = sampleTerminals(env, null, 200, new Random(5));
    const m = await sampleMetrics(env, samples, {
      topK: 10,
      modeThreshold: 0.7,
    });
    expect(m.samples).toBe(200);
    expect(m.uniqueMolecules).toBeGreaterThan(100);
    expect(m.uniqueMolecules).toBeLessThanOrEqual(200);
    expect(m.topKScore).toBeGreaterThan(m.meanScore);
    expect(m.topKReward).toBeCloseTo(topKMean((await env.logReward(samples)).map(Math.exp), 10), 3);
    expect(m.modes).toBe(m.modeSmiles.length);
    expect(m.modes).toBeGreaterThan(0);
    const heldOut = heldOutSet(env, 40, 9);
    expect(heldOut.n).toBe(40);
    expect(new Set(Array.from({ length: 40 }, (_, i) => env.stateKey(heldOut, i))).size).toBe(40);
  });
});
