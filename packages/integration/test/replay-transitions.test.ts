import type { TrajectoryBatch } from '@gflownet/core';
import { Random } from '@gflownet/core';
import { dagEnvironment, simulateLinearGaussian } from '@gflownet/env-dag';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { modifiedDetailedBalanceObjective } from '@gflownet/objective-detailed-balance';
import { hviObjective } from '@gflownet/objective-hvi';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { sampleForward } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 3, numSamples: 50, seed: 0 }), relativeToEmpty: true });
const makePolicy = () => mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], backward: 'uniform', seed: 2 });
const stop = env.numActions - 1;

/** Identity of the transition leaving row r: its state's key and the action taken. */
function transitionKey(batch: TrajectoryBatch, r: number): string {
  return `${env.stateKey(env.select(batch.states as never, [r]), 0)}|${batch.forwardActions[r]}`;
}

/** Every non-stop transition of a batch, by key, with its multiplicity. */
function transitionCounts(batch: TrajectoryBatch): Map<string, number> {
  const out = new Map<string, number>();
  for (let r = 0; r < batch.numRows; r++) if (batch.forwardActions[r] !== stop) out.set(transitionKey(batch, r), (out.get(transitionKey(batch, r)) ?? 0) + 1);
  return out;
}

describe('replay buffer with unit "transitions" (the DAG paper\'s replay for modified DB)', () => {
  it('draws stored transitions as two-row sub-trajectories [s, s′] ending in stop, with R(s′)', async () => {
    const policy = makePolicy();
    const random = new Random(2);
    const fresh = await sampleForward(env, policy, 8, random, { recordStateLogRewards: true });
    const buffer = replayBuffer({ capacity: 100, unit: 'transitions' });
    buffer.add(env, fresh);
    const counts = transitionCounts(fresh);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(buffer.transitions).toBe(fresh.numRows - fresh.numTrajectories);
    expect(total).toBe(buffer.transitions);

    const batch = await buffer.sample({ env, n: 5, random, recordStateLogRewards: true });
    expect([batch.numTrajectories, batch.numRows, batch.behaviour.onPolicy]).toEqual([5, 10, false]);
    const terminalRewards = await env.logReward(batch.terminals);
    for (let b = 0; b < 5; b++) {
      const [r0, r1] = [2 * b, 2 * b + 1];
      expect(counts.has(transitionKey(batch, r0))).toBe(true);
      expect([batch.forwardActions[r1], batch.backwardActions[r0]]).toEqual([stop, -1]);
      // s′ is the state the transition leads to, and the sub-trajectory's reward is R(s′).
      expect(env.stateKey(batch.terminals, b)).toBe(env.stateKey(env.step(env.select(batch.states as never, [r0]), Int32Array.of(batch.forwardActions[r0] as number)), 0));
      expect(batch.logRewards[b]).toBeCloseTo(terminalRewards[b] as number, 10);
      expect(batch.stateLogRewards?.[r1]).toBe(batch.logRewards[b]);
      expect(Number.isNaN(batch.behaviour.logProbs[r1] as number)).toBe(true);
    }

    // All transitions once (drawn without replacement): modified DB is the same mean as on the whole trajectories.
    const all = await buffer.sample({ env, n: total, random, recordStateLogRewards: true });
    const mdb = modifiedDetailedBalanceObjective({ loss: 'huber' });
    const loss = (b: TrajectoryBatch) => tf.tidy(() => mdb.loss({ policy, batch: b, env }).dataSync()[0] as number);
    expect(loss(all)).toBeCloseTo(loss(fresh), 5);

    // Single transitions are no trajectories: importance-weighted and per-trajectory objectives are refused.
    await expect(buffer.sample({ env, n: 2, random })).rejects.toThrow(/unit "transitions" replays single transitions/);
    const logZ = tf.tidy(() => tf.variable(tf.scalar(0)));
    expect(() => hviObjective('rkl').loss({ policy, batch, env, logZ })).toThrow(/no behaviour log-probability/);
    logZ.dispose();
    expect(() => replayBuffer({ capacity: 4, unit: 'transitions', store: 'terminals' })).toThrow(/needs store "trajectories" and sampling "uniform"/);
    policy.dispose();
  });

  it('draws every stored transition with the same probability', async () => {
    const policy = makePolicy();
    const random = new Random(5);
    const fresh = await sampleForward(env, policy, 4, random, { recordStateLogRewards: true });
    policy.dispose();
    const buffer = replayBuffer({ capacity: 100, unit: 'transitions' });
    buffer.add(env, fresh);
    const counts = transitionCounts(fresh);
    const T = buffer.transitions;
    const draws = 3000;
    const seen = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const b = await buffer.sample({ env, n: 1, random, recordStateLogRewards: true });
      seen.set(transitionKey(b, 0), (seen.get(transitionKey(b, 0)) ?? 0) + 1);
    }
    for (const [key, m] of counts) {
      const p = m / T;
      expect(Math.abs((seen.get(key) ?? 0) / draws - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws));
    }
    expect([...seen.keys()].every((k) => counts.has(k))).toBe(true);
  });

  it('trains modified DB from a replay sampler of transitions; a restored buffer counts the same transitions', async () => {
    const policy = makePolicy();
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 200, unit: 'transitions' }), ratio: 1, prefill: 16, collect: 1 });
    const result = await train({ env, policy, objective: modifiedDetailedBalanceObjective({ loss: 'huber' }), sampler, iterations: 20, batchSize: 8, evalEvery: 20 });
    policy.dispose();
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    expect(sampler.buffer.size).toBe(16 + 20);
    const restored = replayBuffer({ capacity: 200, unit: 'transitions' });
    restored.setState(JSON.parse(JSON.stringify(sampler.buffer.getState())));
    expect(restored.transitions).toBe(sampler.buffer.transitions);
  });
});
