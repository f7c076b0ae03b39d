import { maskedLogSoftmaxRows, Random } from '@gflownet/core';
import type { FragmentStates, FragmentsEnvironment } from '@gflownet/env-fragments';
import { fragmentsEnvironment, sampleTerminals } from '@gflownet/env-fragments';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fragmentMpnnPolicy } from '@gflownet/estimator-fragment-mpnn';

const BLOCKS = [
  { name: 'benzene', smiles: 'c1ccccc1', stems: [0, 2] },
  { name: 'carbonyl', smiles: 'C=O', stems: [0, 0] },
  { name: 'methyl', smiles: 'C', stems: [0] },
  { name: 'amide_C', smiles: 'NC=O', stems: [1, 0] },
  { name: 'amide_N', smiles: 'NC=O', stems: [0, 1] },
];

function build(env: FragmentsEnvironment, actions: number[]): FragmentStates {
  let s = env.initialStates(1);
  for (const a of actions) s = env.step(s, Int32Array.of(a));
  return s;
}

describe('fragment MPNN policy', () => {
  const env = fragmentsEnvironment({ vocabulary: BLOCKS, maxFragments: 5 });
  const B = env.vocabulary.numBlocks;

  it('maps features to finite logits over the fixed action space, without leaking tensors', () => {
    const policy = fragmentMpnnPolicy({
      layout: env.layout,
      hidden: 16,
      flow: true,
      seed: 1,
    });
    try {
      const s = sampleTerminals(env, null, 12, new Random(2));
      const before = tf.memory().numTensors;
      const logits = policy.forwardLogits(env.features(s), s.n);
      expect(logits.length).toBe(s.n * env.numActions);
      expect(logits.every(Number.isFinite)).toBe(true);
      const out = tf.tidy(() => {
        const o = policy.apply(tf.tensor2d(env.features(s), [s.n, env.featureSize]), { flow: true });
        return [o.forwardLogits.shape, o.logFlow?.shape, o.backwardLogits] as const;
      });
      expect(out[0]).toEqual([s.n, env.numActions]);
      expect(out[1]).toEqual([s.n]);
      expect(out[2]).toBeUndefined();
      expect(tf.memory().numTensors).toBe(before);
      expect(policy.backward).toBe('uniform');
      expect(policy.parameters().flow.length).toBe(4);
    } finally {
      policy.dispose();
    }
  });

  it('routes stem logits to the right action slots: empty slots are 0, repeated and symmetric stems agree', () => {
    const policy = fragmentMpnnPolicy({
      layout: env.layout,
      hidden: 16,
      seed: 3,
    });
    try {
      const A = env.numActions;
      // s0: only stem slot 0 (the first block) and stop are non-zero.
      const s0 = policy.forwardLogits(env.features(env.initialStates(1)), 1);
      expect(s0.subarray(B, A - 1).every((v) => v === 0)).toBe(true);
      // Carbonyl root: its one atom carries two stems, slots 0 and 1, which must get equal logits.
      const carbonyl = build(env, [1]);
      expect(env.freeStems(carbonyl, 0)).toBe(2);
      const c = policy.forwardLogits(env.features(carbonyl), 1);
      for (let b = 0; b < B; b++) expect(c[B + b]).toBeCloseTo(c[b] as number, 6);
      expect(c.subarray(2 * B, A - 1).every((v) => v === 0)).toBe(true);
      // Benzene–carbonyl–benzene is symmetric: the benzenes are automorphic, so are their free stems
      // (the environment keeps only one of the two attachments), and the network must agree.
      const sym = build(env, [1, 0 * B + 0, 1 * B + 0]);
      expect(env.numFragments(sym, 0)).toBe(3);
      expect(env.freeStems(sym, 0)).toBe(2);
      const symMask = env.forwardMask(sym);
      expect((symMask[0] as number) + (symMask[B] as number)).toBe(1);
      const l = policy.forwardLogits(env.features(sym), 1);
      for (let b = 0; b < B; b++) expect(l[B + b]).toBeCloseTo(l[b] as number, 5);
      expect(l.subarray(0, B).some((v) => v !== 0)).toBe(true);
    } finally {
      policy.dispose();
    }
  });

  it('has gradients that match finite differences', () => {
    const policy = fragmentMpnnPolicy({
      layout: env.layout,
      hidden: 8,
      rounds: 2,
      seed: 4,
    });
    try {
      const s = sampleTerminals(env, null, 6, new Random(5));
      const x = tf.tensor2d(env.features(s), [s.n, env.featureSize]);
      const mask = env.forwardMask(s);
      const bias = tf.tensor2d(
        Float32Array.from(mask, (m) => (m ? 0 : -1e9)),
        [s.n, env.numActions],
      );
      const picks = tf.tensor2d(
        Float32Array.from(mask, (m, k) => (m && k % 3 === 0 ? 1 : 0)),
        [s.n, env.numActions],
      );
      const loss = (): tf.Scalar => tf.tidy(() => tf.sum(tf.mul(tf.logSoftmax(tf.add(policy.apply(x).forwardLogits, bias)), picks)) as tf.Scalar);
      const vars = policy.parameters().forward;
      const { grads } = tf.variableGrads(loss, vars);
      const eps = 1e-2;
      let checked = 0;
      for (const v of vars.slice(0, 6)) {
        const g = (grads[v.name] as tf.Tensor).dataSync();
        const data = v.dataSync().slice();
        for (const k of [0, Math.floor(data.length / 2), data.length - 1]) {
          const orig = data[k] as number;
          data[k] = orig + eps;
          v.assign(tf.tensor(data, v.shape));
          const up = loss().dataSync()[0] as number;
          data[k] = orig - eps;
          v.assign(tf.tensor(data, v.shape));
          const down = loss().dataSync()[0] as number;
          data[k] = orig;
          v.assign(tf.tensor(data, v.shape));
          const fd = (up - down) / (2 * eps);
          expect(Math.abs(fd - (g[k] as number))).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
          checked++;
        }
      }
      expect(checked).toBe(18);
      tf.dispose([x, bias, picks, ...Object.values(grads)]);
    } finally {
      policy.dispose();
    }
  });

  it('trains with trajectory balance: loss falls and masked log-probs stay normalised', async () => {
    const small = fragmentsEnvironment({
      vocabulary: BLOCKS,
      maxFragments: 3,
      reward: (m) => 1 + m.smiles.length,
    });
    const policy = fragmentMpnnPolicy({
      layout: small.layout,
      hidden: 16,
      rounds: 1,
      seed: 6,
    });
    try {
      const tensors = tf.memory().numTensors;
      const result = await train({
        env: small,
        policy,
        objective: trajectoryBalanceObjective(),
        sampler: onPolicySampler(),
        iterations: 60,
        batchSize: 8,
        learningRates: { forward: 1e-2, logZ: 0.1 },
        evalEvery: 20,
      });
      expect(tf.memory().numTensors).toBe(tensors);
      const losses = result.history.map((h) => h.loss);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
      const s = sampleTerminals(small, policy, 8, new Random(7));
      const logits = policy.forwardLogits(small.features(s), s.n);
      const lp = maskedLogSoftmaxRows(logits, small.forwardMask(s), s.n, small.numActions);
      for (let i = 0; i < s.n; i++) {
        let total = 0;
        for (let a = 0; a < small.numActions; a++) total += Math.exp(lp[i * small.numActions + a] as number);
        expect(total).toBeCloseTo(1, 5);
      }
    } finally {
      policy.dispose();
    }
  });

  it('rejects a layout that does not match and a learned backward policy', () => {
    expect(() => fragmentMpnnPolicy({ layout: { ...env.layout, numActions: 3 } })).toThrow(/layout is inconsistent/);
    expect(() =>
      fragmentMpnnPolicy({
        layout: env.layout,
        backward: 'learned' as 'uniform',
      }),
    ).toThrow(/only a uniform backward policy/);
  });
});
