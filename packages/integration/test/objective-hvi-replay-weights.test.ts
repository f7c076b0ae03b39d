import type { TrajectoryBatch } from '@gflownet/core';
import { behaviourLogProbsPerTrajectory, Random, sampleForward, trajectoryTensors } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import type { Baseline } from '@gflownet/objective-hvi';
import { hviObjective } from '@gflownet/objective-hvi';
import { replayBuffer } from '@gflownet/sampler-replay';
import { exploration } from '@gflownet/sampler-rollout';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const env = hypergrid({ ndim: 2, height: 4 });

/** Action sequence of trajectory b (to match replayed trajectories with the sampled ones). */
const pathOf = (batch: TrajectoryBatch, b: number): string => Array.from(batch.forwardActions.subarray(batch.offsets[b], batch.offsets[b + 1])).join(',');

describe('off-policy reverse KL on replayed trajectories (stale behaviour log-probabilities)', () => {
  it("weights replayed trajectories by exp(log P_F now − log π at sampling time)/B, with either baseline", async () => {
    const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], seed: 4 });
    const random = new Random(4);
    const fresh = await sampleForward(env, policy, 12, random, { behaviour: exploration({ epsilon: 0.5 }), iteration: 0 });
    const recorded = new Map<string, number>();
    const sums = behaviourLogProbsPerTrajectory(fresh);
    for (let b = 0; b < fresh.numTrajectories; b++) recorded.set(pathOf(fresh, b), sums[b] as number);
    const buffer = replayBuffer({ capacity: 100 });
    buffer.add(env, fresh);
    // The policy moves on after sampling: the stored log π are now stale.
    for (const v of policy.parameters().forward) tf.tidy(() => v.assign(tf.mul(v, 1.7)));
    const batch = await buffer.sample({ env, n: 6, random });
    expect(batch.behaviour.onPolicy).toBe(false);
    const logPi = behaviourLogProbsPerTrajectory(batch);
    for (let b = 0; b < batch.numTrajectories; b++) expect(logPi[b]).toBe(recorded.get(pathOf(batch, b)));

    const logZ = tf.tidy(() => tf.variable(tf.scalar(0.3)));
    const host = tf.tidy(() => {
      const t = trajectoryTensors(policy, batch);
      return { logPF: Array.from(t.perTrajectory(t.logPF).dataSync()), logPB: Array.from(t.perTrajectory(t.logPB).dataSync()) };
    });
    const B = batch.numTrajectories;
    const c = host.logPF.map((f, b) => f - (batch.logRewards[b] as number) - (host.logPB[b] as number));
    const w = host.logPF.map((f, b) => Math.exp(f - (logPi[b] as number)) / B);
    const cBar = w.reduce((s, wi, b) => s + wi * (c[b] as number), 0) / w.reduce((s, wi) => s + wi, 0);
    const expected = (b0: number) =>
      host.logPF.reduce((s, f, b) => s + f * (w[b] as number) * ((c[b] as number) - b0), 0) - host.logPB.reduce((s, p, b) => s + p * (w[b] as number), 0) + (0.3 + cBar) ** 2;
    const value = (baseline: Baseline) => {
      const loss = hviObjective('rkl', { baseline, importanceWeighting: 'plain' }).loss({ policy, batch, env, logZ });
      const v = loss.dataSync()[0] as number;
      loss.dispose();
      return v;
    };
    const mean = c.reduce((s, x) => s + x, 0) / B;
    expect(value('batch-mean')).toBeCloseTo(expected(mean), 4);
    expect(value('local')).toBeCloseTo(expected(cBar), 4);
    expect(Math.abs(expected(mean) - expected(cBar))).toBeGreaterThan(1e-3);
    logZ.dispose();
    policy.dispose();
  });
});
