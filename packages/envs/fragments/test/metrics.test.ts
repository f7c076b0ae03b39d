import type { Environment } from '@gflownet/core';
import { forwardLogProbsOnGraph, Random, stateGraph, terminatingDistribution } from '@gflownet/core';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { FragmentStates } from '../src/index.js';
import {
  exactLogTerminatingProbabilities,
  findModes,
  fragmentsEnvironment,
  heldOutSet,
  loadRDKit,
  logProbabilityRewardCorrelation,
  pearson,
  sampleMetrics,
  sampleTerminals,
  topKMean,
} from '../src/index.js';
import { TINY_BLOCKS } from './helpers.js';

/** Every state reachable from s0 (breadth-first). */
function enumerateStates(env: Environment<FragmentStates>): FragmentStates {
  const seen = new Set<string>();
  const parts: FragmentStates[] = [];
  let frontier = env.initialStates(1);
  const A = env.numActions;
  while (frontier.n > 0) {
    parts.push(frontier);
    for (let i = 0; i < frontier.n; i++) seen.add(env.stateKey(frontier, i));
    const mask = env.forwardMask(frontier);
    const from: number[] = [];
    const acts: number[] = [];
    for (let i = 0; i < frontier.n; i++)
      for (let a = 0; a < A - 1; a++)
        if (mask[i * A + a]) {
          from.push(i);
          acts.push(a);
        }
    const children = env.step(env.select(frontier, from), Int32Array.from(acts));
    const fresh: number[] = [];
    const added = new Set<string>();
    for (let i = 0; i < children.n; i++) {
      const k = env.stateKey(children, i);
      if (!seen.has(k) && !added.has(k)) {
        added.add(k);
        fresh.push(i);
      }
    }
    frontier = env.select(children, fresh);
  }
  return env.concat(parts);
}

describe('exact log P_F^T', () => {
  it('sums to 1 over every terminating state and agrees with the forward dynamic programme of core', async () => {
    const env = fragmentsEnvironment({
      vocabulary: TINY_BLOCKS,
      minFragments: 1,
      maxFragments: 3,
    });
    const all = enumerateStates(env);
    const withGraph: Environment<FragmentStates> = {
      ...env,
      enumerate: () => all,
    };
    const graph = stateGraph(withGraph);
    const policy = mlpPolicy({
      featureSize: env.featureSize,
      numActions: env.numActions,
      numBackwardActions: env.numBackwardActions,
      hidden: [16],
      seed: 3,
    });
    try {
      const forward = terminatingDistribution(graph, forwardLogProbsOnGraph(withGraph, graph, policy));
      const idx: number[] = [];
      for (let i = 0; i < graph.numStates; i++) if (graph.terminating[i]) idx.push(i);
      expect(idx.length).toBeGreaterThan(20);
      const terminals = env.select(all, idx);
      const { logProbabilities, numStates } = await exactLogTerminatingProbabilities(env, policy, terminals, {
        chunk: 7,
      });
      expect(numStates).toBeLessThanOrEqual(graph.numStates);
      let total = 0;
      idx.forEach((i, k) => {
        expect(logProbabilities[k]).toBeCloseTo(Math.log(forward[i] as number), 5);
        total += Math.exp(logProbabilities[k] as number);
      });
      expect(total).toBeCloseTo(1, 5);
    } finally {
      policy.dispose();
    }
  });

  it('is uniform over distinct children for a zero-logit policy', async () => {
    const env = fragmentsEnvironment({
      vocabulary: TINY_BLOCKS,
      minFragments: 1,
      maxFragments: 3,
    });
    const zero = mlpPolicy({
      featureSize: env.featureSize,
      numActions: env.numActions,
      numBackwardActions: env.numBackwardActions,
      hidden: [4],
      seed: 0,
    });
    for (const v of zero.parameters().forward) v.assign(tf.zerosLike(v));
    try {
      // A lone methyl: s0 → methyl (1 of 3 root types) → stop (1 of 5: the 4 distinct attachments to its stem, or stop).
      const methyl = env.step(env.initialStates(1), Int32Array.of(3));
      const { logProbabilities } = await exactLogTerminatingProbabilities(env, zero, methyl);
      expect(logProbabilities[0]).toBeCloseTo(Math.log(1 / 3) + Math.log(1 / 5), 10);
      // Methyl–methyl: s0 → methyl → (1 of 5) methyl → forced stop; its only parent is a lone methyl.
      const ethane = env.step(methyl, Int32Array.of(3));
      const two = await exactLogTerminatingProbabilities(env, zero, ethane);
      expect(two.logProbabilities[0]).toBeCloseTo(Math.log(1 / 3) + Math.log(1 / 5), 10);
    } finally {
      zero.dispose();
    }
  });
});

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

  it('reports unique molecules, top-k reward and modes of samples, and the correlation on a held-out set', async () => {
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
    const policy = mlpPolicy({
      featureSize: env.featureSize,
      numActions: env.numActions,
      numBackwardActions: env.numBackwardActions,
      hidden: [16],
      seed: 1,
    });
    try {
      const c = await logProbabilityRewardCorrelation(env, policy, heldOut);
      expect(c.logProbabilities.every((v) => Number.isFinite(v) && v < 0)).toBe(true);
      expect(c.correlation).toBeGreaterThanOrEqual(-1);
      expect(c.correlation).toBeLessThanOrEqual(1);
      expect(c.correlation).toBeCloseTo(pearson(c.logProbabilities, c.logRewards), 12);
    } finally {
      policy.dispose();
    }
  });
});
