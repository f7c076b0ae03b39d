import type { Rows, TrajectoryBatch } from '@gflownet/core';
import { Random } from '@gflownet/core';
import { exploration } from '@gflownet/sampler-rollout';
import { describe, expect, it } from 'vitest';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { env, isUniformTrajectory, policy } from './support/replay-fixtures.js';

const actionKeys = (batch: TrajectoryBatch<Rows<Int32Array>>): string[] =>
  Array.from({ length: batch.numTrajectories }, (_, b) => Array.from(batch.forwardActions.subarray(batch.offsets[b] as number, batch.offsets[b + 1] as number)).join(''));

describe('replaySampler', () => {
  it('prefills with the uniform policy and mixes fresh and replayed trajectories in the given ratio', async () => {
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 100 }), ratio: 0.25, prefill: 16 });
    const batch = await sampler.sample({ env, policy, n: 8, random: new Random(1), iteration: 0 });
    expect(batch.numTrajectories).toBe(8);
    expect(batch.behaviour.onPolicy).toBe(false);
    // Six fresh on-policy trajectories first, then two replayed from the uniform prefill.
    expect(Array.from({ length: 8 }, (_, b) => isUniformTrajectory(batch, b))).toEqual([false, false, false, false, false, false, true, true]);
    expect(sampler.buffer.size).toBe(16 + 8);
    expect(sampler.buffer.entries().filter((e) => e.seq < 16).length).toBe(16);
  });

  it('pure replay (ratio 1): fresh trajectories feed the buffer, the batch comes from the buffer', async () => {
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 100 }), ratio: 1 });
    const first = await sampler.sample({ env, policy, n: 6, random: new Random(2), iteration: 0 });
    // Nothing to replay yet: the first batch is fresh and on-policy.
    expect(first.behaviour.onPolicy).toBe(true);
    expect(sampler.buffer.size).toBe(6);
    const second = await sampler.sample({ env, policy, n: 6, random: new Random(3), iteration: 1 });
    expect(second.behaviour.onPolicy).toBe(false);
    expect(sampler.buffer.size).toBe(12);
    const firstKeys = new Set(actionKeys(first));
    for (const k of actionKeys(second)) expect(firstKeys.has(k)).toBe(true);
  });

  it('ratio 0 with exploration is an off-policy sampler that also fills the buffer', async () => {
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 100 }), ratio: 0, behaviour: exploration({ epsilon: 0.5 }) });
    const batch = await sampler.sample({ env, policy, n: 5, random: new Random(4), iteration: 0 });
    expect(batch.behaviour.onPolicy).toBe(false);
    expect(sampler.buffer.size).toBe(5);
  });

  it('one seed gives the same batches, and a restored checkpoint continues identically', async () => {
    const make = () => replaySampler({ buffer: replayBuffer({ capacity: 20, eviction: 'reward', sampling: 'reward' }), ratio: 0.5, prefill: 8, behaviour: exploration({ exitBias: 1 }) });
    const run = async (sampler: ReturnType<typeof make>, random: Random, from: number, to: number) => {
      const out: TrajectoryBatch<Rows<Int32Array>>[] = [];
      for (let it = from; it < to; it++) out.push(await sampler.sample({ env, policy, n: 6, random, iteration: it }));
      return out;
    };
    const a = make();
    const ra = new Random(7);
    const batchesA = await run(a, ra, 0, 3);
    const saved = JSON.parse(JSON.stringify({ sampler: a.getState(), random: ra.getState() }));
    const laterA = await run(a, ra, 3, 5);

    const b = make();
    const batchesB = await run(b, new Random(7), 0, 3);
    batchesA.forEach((x, i) => {
      const y = batchesB[i] as TrajectoryBatch<Rows<Int32Array>>;
      expect(y.forwardActions).toEqual(x.forwardActions);
      expect(y.features).toEqual(x.features);
      expect(y.behaviour.logProbs).toEqual(x.behaviour.logProbs);
      expect(y.logRewards).toEqual(x.logRewards);
    });

    const c = make();
    c.setState(saved.sampler);
    // `>>> 0`: before core's fix in nextUint32, Random.getState could return negative words its own setState rejects.
    const words = saved.random as Record<'a' | 'b' | 'c' | 'd', number>;
    const laterC = await run(c, Random.fromState({ a: words.a >>> 0, b: words.b >>> 0, c: words.c >>> 0, d: words.d >>> 0 }), 3, 5);
    laterA.forEach((x, i) => {
      const y = laterC[i] as TrajectoryBatch<Rows<Int32Array>>;
      expect(y.forwardActions).toEqual(x.forwardActions);
      expect(y.behaviour.logProbs).toEqual(x.behaviour.logProbs);
      expect(y.terminals.data).toEqual(x.terminals.data);
    });
  });

  it('rejects a bad ratio or prefill', () => {
    expect(() => replaySampler({ buffer: replayBuffer({ capacity: 2 }), ratio: 1.5 })).toThrow(/ratio/);
    expect(() => replaySampler({ buffer: replayBuffer({ capacity: 2 }), prefill: -1 })).toThrow(/prefill/);
  });
});
