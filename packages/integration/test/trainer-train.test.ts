import type { Sampler, TrajectoryBatch } from '@gflownet/core';
import { SamplerTypeId } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DivergenceError, train } from '@gflownet/trainer';

const env = hypergrid({ ndim: 2, height: 4 });
const makePolicy = (seed = 0, hidden = [32]) =>
  mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden, seed });

describe('train', () => {
  it('learns the hypergrid with TB (exact JSD falls by orders of magnitude)', async () => {
    const policy = makePolicy(0, [64, 64]);
    const result = await train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 400, batchSize: 16, seed: 0, learningRates: { forward: 3e-3, backward: 3e-3 }, evalEvery: 100 });
    policy.dispose();
    const first = result.history[0]?.jsd as number;
    const last = result.exact?.jsd as number;
    expect(last).toBeLessThan(0.01);
    expect(last).toBeLessThan(first / 5);
    expect(Math.abs((result.logZ as number) - env.trueLogZ())).toBeLessThan(0.1);
    expect(result.history.map((h) => h.iteration)).toEqual([100, 200, 300, 400]);
  });

  it('does not grow tf.memory().numTensors over 500 iterations', async () => {
    const before = tf.memory().numTensors;
    const policy = makePolicy(1, [8]);
    const counts: number[] = [];
    await train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 500, batchSize: 4, seed: 1, evalEvery: 50, onEvaluation: () => counts.push(tf.memory().numTensors) });
    // After the first step Adam has allocated its moments; from then on the count must be flat.
    expect(new Set(counts).size).toBe(1);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives identical results for one seed', async () => {
    const run = async () => {
      const policy = makePolicy(5);
      const r = await train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 30, batchSize: 8, seed: 5, evalEvery: 10 });
      policy.dispose();
      return r.history.map(({ seconds: _s, ...rest }) => rest);
    };
    const a = await run();
    expect(await run()).toEqual(a);
  });

  it('stops with a diagnostic when the loss becomes non-finite', async () => {
    const policy = makePolicy(2);
    const inner = onPolicySampler();
    const poisoned: Sampler = {
      [SamplerTypeId]: SamplerTypeId,
      name: 'poisoned',
      async sample(request) {
        const batch = (await inner.sample(request)) as TrajectoryBatch;
        batch.logRewards[0] = Number.NaN;
        return batch as never;
      },
    };
    await expect(train({ env, policy, objective: trajectoryBalanceObjective(), sampler: poisoned, iterations: 3 })).rejects.toThrow(DivergenceError);
    policy.dispose();
  });

  it('validates its options', async () => {
    const policy = makePolicy();
    await expect(train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 0 })).rejects.toThrow(/iterations must be a positive integer/);
    await expect(train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 1, learningRates: { logZ: -1 } })).rejects.toThrow(/learning rate for logZ/);
    policy.dispose();
  });
});
