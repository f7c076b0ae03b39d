import type { Rows, TrajectoryBatch } from '@gflownet/core';
import { Random, trajectoryTensors } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sampleBackward } from '@gflownet/sampler-rollout';

const env = hypergrid({ ndim: 2, height: 5 });
const A = env.numActions;
const K = env.numBackwardActions;
const F = env.featureSize;
const policy = mlpPolicy({ featureSize: F, numActions: A, numBackwardActions: K, hidden: [32], seed: 8 });
const uniformPolicy = mlpPolicy({ featureSize: F, numActions: A, numBackwardActions: K, hidden: [32], seed: 8, backward: 'uniform' });
const grid = (coords: number[][]): Rows<Int32Array> => ({ data: Int32Array.from(coords.flat()), width: 2, n: coords.length });

/** Walks each trajectory forward from s0 with the environment and checks every recorded row against it. */
function checkForwardTrajectories(batch: TrajectoryBatch<Rows<Int32Array>>, terminals: Rows<Int32Array>): void {
  expect(batch.numTrajectories).toBe(terminals.n);
  for (let b = 0; b < batch.numTrajectories; b++) {
    let state = env.initialStates(1);
    const lo = batch.offsets[b] as number;
    const hi = batch.offsets[b + 1] as number;
    for (let r = lo; r < hi; r++) {
      expect(batch.stepOfRow[r]).toBe(r - lo);
      expect(batch.trajectoryOfRow[r]).toBe(b);
      expect(Array.from(batch.features.subarray(r * F, (r + 1) * F))).toEqual(Array.from(env.features(state)));
      expect(Array.from(batch.forwardMasks.subarray(r * A, (r + 1) * A))).toEqual(Array.from(env.forwardMask(state)));
      expect(Array.from(batch.backwardMasks.subarray(r * K, (r + 1) * K))).toEqual(r === lo ? new Array(K).fill(0) : Array.from(env.backwardMask(state)));
      const a = batch.forwardActions[r] as number;
      expect(env.forwardMask(state)[a]).toBe(1);
      if (r === hi - 1) {
        expect(a).toBe(A - 1);
        expect(env.stateKey(state, 0)).toBe(env.stateKey(terminals, b));
      } else {
        expect(a).not.toBe(A - 1);
        const action = Int32Array.of(a);
        expect(batch.backwardActions[r + 1]).toBe(env.inverseForward(state, action)[0]);
        state = env.step(state, action);
      }
    }
    expect(batch.backwardActions[lo]).toBe(-1);
    expect(batch.logRewards[b]).toBe((env.logReward(env.select(terminals, [b])) as Float64Array)[0]);
  }
}

describe('sampleBackward', () => {
  const terminals = grid([[4, 4], [0, 0], [2, 3], [1, 0], [0, 4], [3, 1]]);

  it('returns forward trajectories from s0 that end at the given states (learned P_B)', async () => {
    const { batch, logPB } = await sampleBackward(env, policy, terminals, new Random(1));
    checkForwardTrajectories(batch, terminals);
    expect(batch.behaviour.onPolicy).toBe(false);
    expect(Array.from(batch.behaviour.logProbs).every(Number.isNaN)).toBe(true);
    // Trajectory lengths are fixed on the hypergrid: one row per unit step plus the stop row.
    for (let b = 0; b < terminals.n; b++) {
      expect((batch.offsets[b + 1] as number) - (batch.offsets[b] as number)).toBe((terminals.data[2 * b] as number) + (terminals.data[2 * b + 1] as number) + 1);
    }
    expect(logPB[1]).toBe(0);
  });

  it('returns log P_B equal to the objective adapter’s recomputation (learned P_B)', async () => {
    const { batch, logPB } = await sampleBackward(env, policy, terminals, new Random(2));
    const recomputed = tf.tidy(() => {
      const t = trajectoryTensors(policy, batch);
      return t.perTrajectory(t.logPB).arraySync() as number[];
    });
    recomputed.forEach((v, b) => expect(logPB[b]).toBeCloseTo(v, 4));
  });

  it('returns log P_B = −Σ log(#valid parents) under the uniform P_B', async () => {
    for (const [p, options] of [[uniformPolicy, {}], [policy, { pb: 'uniform' as const }], [undefined, {}]] as const) {
      const { batch, logPB } = await sampleBackward(env, p, terminals, new Random(3), options);
      checkForwardTrajectories(batch, terminals);
      for (let b = 0; b < terminals.n; b++) {
        let expected = 0;
        for (let r = (batch.offsets[b] as number) + 1; r < (batch.offsets[b + 1] as number); r++) {
          let c = 0;
          for (let k = 0; k < K; k++) c += batch.backwardMasks[r * K + k] as number;
          expected -= Math.log(c);
        }
        expect(logPB[b]).toBeCloseTo(expected, 12);
      }
    }
  });

  it('samples paths with the probabilities it reports', async () => {
    // All paths to (2, 2) under the learned P_B: C(4, 2) = 6 of them.
    const n = 6000;
    const x = grid(Array.from({ length: n }, () => [2, 2]));
    const { batch, logPB } = await sampleBackward(env, policy, x, new Random(4));
    const freq = new Map<string, number>();
    const prob = new Map<string, number>();
    for (let b = 0; b < n; b++) {
      const key = Array.from(batch.forwardActions.subarray(batch.offsets[b] as number, batch.offsets[b + 1] as number)).join('');
      freq.set(key, (freq.get(key) ?? 0) + 1);
      const p = Math.exp(logPB[b] as number);
      if (prob.has(key)) expect(prob.get(key)).toBeCloseTo(p, 10);
      prob.set(key, p);
    }
    expect(prob.size).toBe(6);
    expect([...prob.values()].reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    for (const [key, p] of prob) {
      const sd = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs((freq.get(key) as number) / n - p)).toBeLessThan(5 * sd);
    }
  });

  it('records log R of visited states when asked, and gives the same batch for the same seed', async () => {
    const a = await sampleBackward(env, policy, terminals, new Random(5), { recordStateLogRewards: true });
    const b = await sampleBackward(env, policy, terminals, new Random(5), { recordStateLogRewards: true });
    expect(b.batch.forwardActions).toEqual(a.batch.forwardActions);
    expect(b.logPB).toEqual(a.logPB);
    const s = a.batch.stateLogRewards as Float64Array;
    for (let r = 0; r < a.batch.numRows; r++) {
      const coords = Array.from({ length: 2 }, (_, d) => a.batch.features.subarray(r * F + d * 5, r * F + (d + 1) * 5).indexOf(1));
      expect(s[r]).toBeCloseTo(Math.log(env.reward(coords)), 12);
    }
  });

  it('rejects a learned P_B without one, and bad inputs, with clear messages', async () => {
    await expect(sampleBackward(env, uniformPolicy, terminals, new Random(0), { pb: 'learned' })).rejects.toThrow(/learned backward head/);
    await expect(sampleBackward(env, undefined, terminals, new Random(0), { pb: 'learned' })).rejects.toThrow(/needs a policy/);
    await expect(sampleBackward(env, policy, grid([]), new Random(0))).rejects.toThrow(/at least one terminal/);
    const other = mlpPolicy({ featureSize: 7, numActions: A, numBackwardActions: K, hidden: [4] });
    await expect(sampleBackward(env, other, terminals, new Random(0))).rejects.toThrow(/does not fit/);
    other.dispose();
  });

  it('does not leak tensors', async () => {
    const before = tf.memory().numTensors;
    await sampleBackward(env, policy, terminals, new Random(6));
    expect(tf.memory().numTensors).toBe(before);
  });
});
