import { Random } from '@gflownet/core';
import { sampleForward } from '@gflownet/sampler-rollout';
import { describe, expect, it } from 'vitest';
import type { ReplayBufferOptions } from '@gflownet/sampler-replay';
import { replayBuffer } from '@gflownet/sampler-replay';
import { env, keysOf, policy, trajectoriesTo } from './support/replay-fixtures.js';

async function filled(options: ReplayBufferOptions) {
  const buffer = replayBuffer(options);
  buffer.add(env, await sampleForward(env, policy, 6, new Random(1), { recordStateLogRewards: true }));
  buffer.add(env, await trajectoriesTo([[3, 5], [7, 7]])); // behaviour log-probs are NaN here
  return buffer;
}

describe('replay buffer state', () => {
  for (const options of [
    { capacity: 6 },
    { capacity: 6, eviction: 'reward', sampling: 'reward' },
    { capacity: 6, store: 'terminals' },
  ] as ReplayBufferOptions[]) {
    it(`round-trips through JSON and samples identically (${JSON.stringify(options)})`, async () => {
      const a = await filled(options);
      const state = a.getState();
      const json = JSON.parse(JSON.stringify(state));
      expect(json).toEqual(state);
      const b = replayBuffer(options);
      b.setState(json);
      expect(b.entries()).toEqual(a.entries());
      const x = await a.sample({ env, policy, n: 5, random: new Random(9) });
      const y = await b.sample({ env, policy, n: 5, random: new Random(9) });
      expect(keysOf(y)).toEqual(keysOf(x));
      expect(y.forwardActions).toEqual(x.forwardActions);
      expect(y.features).toEqual(x.features);
      expect(y.backwardMasks).toEqual(x.backwardMasks);
      expect(y.behaviour.logProbs).toEqual(x.behaviour.logProbs);
      expect(y.logRewards).toEqual(x.logRewards);
      // FIFO position survives: the next add evicts the same item in both.
      a.add(env, await trajectoriesTo([[2, 2]]));
      b.add(env, await trajectoriesTo([[2, 2]]));
      expect(b.entries()).toEqual(a.entries());
    });
  }

  it('refuses a state from a buffer with other options, or a malformed one, naming the problem', async () => {
    const state = (await filled({ capacity: 6 })).getState();
    expect(() => replayBuffer({ capacity: 7 }).setState(state)).toThrow(/capacity is 6, this buffer has 7/);
    expect(() => replayBuffer({ capacity: 6 }).setState({ format: 'x' })).toThrow(/not a replay buffer state/);
    const broken = JSON.parse(JSON.stringify(state));
    broken.items[0].features.pop();
    expect(() => replayBuffer({ capacity: 6 }).setState(broken)).toThrow(/items\[0\]\.features has/);
  });

  it('detects a state replayed in the wrong environment', async () => {
    const state = JSON.parse(JSON.stringify((await filled({ capacity: 6 })).getState()));
    // Same shape, different path: replaying it reaches another state than the stored key.
    state.items[0].terminalKey = '9,9';
    const b = replayBuffer({ capacity: 6 });
    b.setState(state);
    await expect(b.sample({ env, n: 6, random: new Random(0) })).rejects.toThrow(/stored terminal is 9,9/);
  });
});
