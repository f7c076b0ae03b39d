import type { Environment } from '@gflownet/core';
import { forwardLogProbsOnGraph, stateGraph, terminatingDistribution } from '@gflownet/core';
import type { FragmentBlock, FragmentStates } from '@gflownet/env-fragments';
import { exactLogTerminatingProbabilities, fragmentsEnvironment, heldOutSet, logProbabilityRewardCorrelation, pearson } from '@gflownet/env-fragments';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// Properties of the fragment environment's exact log P_F^T and reward correlation under a random MLP policy.

/** A tiny vocabulary (3 types) whose state space is small enough to enumerate (as in env-fragments' tests). */
const TINY_BLOCKS: readonly FragmentBlock[] = [
  { name: 'benzene', smiles: 'c1ccccc1', stems: [0, 2] },
  { name: 'amide_C', smiles: 'NC=O', stems: [1, 0] },
  { name: 'amide_N', smiles: 'NC=O', stems: [0, 1] },
  { name: 'methyl', smiles: 'C', stems: [0] },
];

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

describe('log P_F^T–reward correlation', () => {
  it('correlates the exact log P_F^T of a held-out set with its log rewards', async () => {
    const env = fragmentsEnvironment({ maxFragments: 4 });
    const heldOut = heldOutSet(env, 40, 9);
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
