import { Random } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { sampleForward } from '@gflownet/sampler-rollout';
import { describe, expect, it } from 'vitest';
import { replayBuffer } from '@gflownet/sampler-replay';
import { coordsOfRow, env, keysOf, policy, trajectoriesTo } from './support/replay-fixtures.js';

describe('replayBuffer', () => {
  it('FIFO: evicts the oldest trajectories first', async () => {
    const buffer = replayBuffer({ capacity: 4 });
    buffer.add(env, await trajectoriesTo([[0, 1], [0, 2], [0, 3]]));
    expect(buffer.size).toBe(3);
    buffer.add(env, await trajectoriesTo([[1, 0], [2, 0], [3, 0]]));
    expect(buffer.size).toBe(4);
    expect(buffer.entries().map((e) => e.seq).sort()).toEqual([2, 3, 4, 5]);
    expect(new Set(buffer.entries().map((e) => e.terminalKey))).toEqual(new Set(['0,3', '1,0', '2,0', '3,0']));
    buffer.add(env, await trajectoriesTo([[4, 0]]));
    expect(new Set(buffer.entries().map((e) => e.terminalKey))).toEqual(new Set(['1,0', '2,0', '3,0', '4,0']));
  });

  it('keeps duplicates by default, and stores one copy of a trajectory when unique', async () => {
    const twice = await trajectoriesTo([[0, 2], [0, 2]]);
    const plain = replayBuffer({ capacity: 10 });
    plain.add(env, twice);
    expect(plain.size).toBe(2);
    const unique = replayBuffer({ capacity: 10, unique: true });
    unique.add(env, twice);
    unique.add(env, twice);
    expect(unique.size).toBe(1);
  });

  it('reward eviction keeps the top K by log R', async () => {
    const buffer = replayBuffer({ capacity: 3, eviction: 'reward' });
    // R: (0,0) 0.6, (1,1) 2.6, (3,3) 0.1, (6,6) 2.6, (2,2) 0.1, (7,7) 0.6, (1,6) 2.6
    for (const c of [[0, 0], [1, 1], [3, 3], [6, 6], [2, 2], [7, 7], [1, 6]]) buffer.add(env, await trajectoriesTo([c]));
    expect(new Set(buffer.entries().map((e) => e.terminalKey))).toEqual(new Set(['1,1', '6,6', '1,6']));
    expect(buffer.entries().every((e) => Math.abs(e.logReward - Math.log(2.6)) < 1e-12)).toBe(true);
    buffer.add(env, await trajectoriesTo([[7, 0]]));
    expect(new Set(buffer.entries().map((e) => e.terminalKey))).toEqual(new Set(['1,1', '6,6', '1,6']));
  });

  it('reward sampling draws in proportion to softmax(log R / T)', async () => {
    for (const temperature of [1, 2]) {
      const buffer = replayBuffer({ capacity: 3, sampling: 'reward', priorityTemperature: temperature });
      buffer.add(env, await trajectoriesTo([[3, 3], [0, 0], [1, 1]]));
      const R = { '3,3': 0.1, '0,0': 0.6, '1,1': 2.6 } as Record<string, number>;
      const z = Object.values(R).reduce((s, r) => s + r ** (1 / temperature), 0);
      const n = 6000;
      const counts = new Map<string, number>();
      for (const k of keysOf(await buffer.sample({ env, n, random: new Random(temperature) }))) counts.set(k, (counts.get(k) ?? 0) + 1);
      for (const [k, r] of Object.entries(R)) {
        const p = r ** (1 / temperature) / z;
        expect(Math.abs((counts.get(k) ?? 0) / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
      }
    }
  });

  it('uniform sampling draws without replacement when it can, and covers the buffer evenly', async () => {
    const buffer = replayBuffer({ capacity: 5 });
    buffer.add(env, await trajectoriesTo([[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]]));
    const all = keysOf(await buffer.sample({ env, n: 5, random: new Random(1) }));
    expect(new Set(all).size).toBe(5);
    const n = 5000;
    const counts = new Map<string, number>();
    for (const k of keysOf(await buffer.sample({ env, n, random: new Random(2) }))) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const c of counts.values()) expect(Math.abs(c / n - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / n));
  });

  it('replayed batches keep the stored rows and behaviour log-probs, and are marked off-policy', async () => {
    const fresh = await sampleForward(env, policy, 3, new Random(3));
    const buffer = replayBuffer({ capacity: 3 });
    buffer.add(env, fresh);
    const replayed = await buffer.sample({ env, n: 3, random: new Random(4) });
    expect(replayed.behaviour.onPolicy).toBe(false);
    const rowsOf = (batch: typeof fresh) =>
      Array.from({ length: batch.numTrajectories }, (_, b) => {
        const lo = batch.offsets[b] as number;
        const hi = batch.offsets[b + 1] as number;
        return JSON.stringify([Array.from(batch.forwardActions.subarray(lo, hi)), Array.from(batch.behaviour.logProbs.subarray(lo, hi)), batch.logRewards[b]]);
      }).sort();
    expect(rowsOf(replayed)).toEqual(rowsOf(fresh));
  });

  it('terminal-state buffer: unique states, trajectories re-sampled backward to them', async () => {
    const buffer = replayBuffer({ capacity: 10, store: 'terminals' });
    buffer.add(env, await trajectoriesTo([[2, 3], [2, 3], [5, 1], [0, 0]], 1));
    buffer.add(env, await trajectoriesTo([[2, 3]], 2));
    expect(buffer.size).toBe(3);
    const batch = await buffer.sample({ env, policy, n: 12, random: new Random(5) });
    expect(batch.behaviour.onPolicy).toBe(false);
    expect(Array.from(batch.behaviour.logProbs).every(Number.isNaN)).toBe(true);
    const keys = new Set(['2,3', '5,1', '0,0']);
    const paths = new Set<string>();
    for (let b = 0; b < batch.numTrajectories; b++) {
      const key = env.stateKey(batch.terminals, b);
      expect(keys.has(key)).toBe(true);
      const last = (batch.offsets[b + 1] as number) - 1;
      expect(coordsOfRow(batch, last).join(',')).toBe(key);
      expect(coordsOfRow(batch, batch.offsets[b] as number)).toEqual([0, 0]);
      if (key === '2,3') paths.add(Array.from(batch.forwardActions.subarray(batch.offsets[b] as number, last)).join(''));
    }
    // Several different paths to the same state: trajectories really are re-sampled.
    expect(paths.size).toBeGreaterThan(1);
  });

  it('fills in per-state log R for replayed trajectories that lack it', async () => {
    const buffer = replayBuffer({ capacity: 4 });
    buffer.add(env, await trajectoriesTo([[6, 1], [0, 7]]));
    const batch = await buffer.sample({ env, n: 2, random: new Random(6), recordStateLogRewards: true });
    const s = batch.stateLogRewards as Float64Array;
    expect(s).toBeDefined();
    for (let r = 0; r < batch.numRows; r++) expect(s[r]).toBeCloseTo(Math.log(env.reward(coordsOfRow(batch, r))), 12);
  });

  it('rejects bad options, an empty sample and a different environment', async () => {
    expect(() => replayBuffer({ capacity: 0 })).toThrow(/capacity/);
    expect(() => replayBuffer({ capacity: 3, eviction: 'lifo' as 'fifo' })).toThrow(/eviction/);
    expect(() => replayBuffer({ capacity: 3, priorityTemperature: 0 })).toThrow(/priorityTemperature/);
    const buffer = replayBuffer({ capacity: 3 });
    await expect(buffer.sample({ env, n: 1, random: new Random(0) })).rejects.toThrow(/empty/);
    buffer.add(env, await trajectoriesTo([[1, 1]]));
    const other = hypergrid({ ndim: 2, height: 5 });
    await expect(buffer.sample({ env: other, n: 1, random: new Random(0) })).rejects.toThrow(/features 10/);
  });
});
