import type { Environment, TrajectoryBatch } from '@gflownet/core';
import { Random, stateKeys } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { flowMatchingObjective } from '@gflownet/objective-flow-matching';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { onPolicySampler, sampleBackward, sampleForward } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const env = hypergrid({ ndim: 2, height: 5 });
const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], seed: 3 });

/**
 * batch.states is present and is the batch's rows: the features, masks and s0 flags of the states are
 * the rows', each trajectory's last state is its terminal, and stepping each row's forward action
 * from its state gives the next row's state.
 */
function expectStatesMatchRows<S>(e: Environment<S>, batch: TrajectoryBatch<S>): void {
  const states = batch.states as S;
  expect(states, 'the batch carries its visited states').toBeDefined();
  expect(e.batchSize(states)).toBe(batch.numRows);
  expect(Array.from(e.features(states))).toEqual(Array.from(batch.features));
  expect(Array.from(e.forwardMask(states))).toEqual(Array.from(batch.forwardMasks));
  expect(Array.from(e.isInitial(states))).toEqual(Array.from(batch.stepOfRow, (t) => (t === 0 ? 1 : 0)));
  const lastRows = Array.from({ length: batch.numTrajectories }, (_, b) => (batch.offsets[b + 1] as number) - 1);
  expect(stateKeys(e, e.select(states, lastRows))).toEqual(stateKeys(e, batch.terminals));
  const moving = Array.from({ length: batch.numRows }, (_, r) => r).filter((r) => !lastRows.includes(r));
  const next = e.step(e.select(states, moving), Int32Array.from(moving, (r) => batch.forwardActions[r] as number));
  expect(stateKeys(e, next)).toEqual(stateKeys(e, e.select(states, moving.map((r) => r + 1))));
}

const fmLoss = (batch: TrajectoryBatch, withEnvInContext: boolean): number =>
  tf.tidy(() => (withEnvInContext ? flowMatchingObjective() : flowMatchingObjective({ env })).loss({ policy, batch, ...(withEnvInContext ? { env } : {}) }).dataSync()[0] as number);

describe('trajectory batches carry their visited states', () => {
  it('sampleForward and sampleBackward record them', async () => {
    expectStatesMatchRows(env, await sampleForward(env, policy, 12, new Random(0)));
    const terminals = (await sampleForward(env, policy, 6, new Random(1))).terminals;
    expectStatesMatchRows(env, (await sampleBackward(env, policy, terminals, new Random(2))).batch);
  });

  it('replay buffers keep them, and re-derive them after a JSON checkpoint round trip', async () => {
    for (const store of ['trajectories', 'terminals'] as const) {
      const buffer = replayBuffer({ capacity: 50, store });
      buffer.add(env, await sampleForward(env, policy, 20, new Random(3)));
      expectStatesMatchRows(env, await buffer.sample({ env, policy, n: 10, random: new Random(4) }));
      const restored = replayBuffer({ capacity: 50, store });
      restored.setState(JSON.parse(JSON.stringify(buffer.getState())));
      const again = await restored.sample({ env, policy, n: 10, random: new Random(4), recordStateLogRewards: true });
      expectStatesMatchRows(env, again);
      // The same draw from the restored buffer gives the same trajectories and states.
      if (store === 'trajectories') {
        const before = await buffer.sample({ env, policy, n: 10, random: new Random(4) });
        expect(stateKeys(env, again.states as never)).toEqual(stateKeys(env, before.states as never));
      }
    }
  });

  it('the replay sampler keeps them when it mixes fresh and replayed trajectories', async () => {
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 100 }), ratio: 0.5, prefill: 8 });
    const batch = await sampler.sample({ env, policy, n: 8, random: new Random(5), iteration: 0 });
    expect(batch.behaviour.onPolicy).toBe(false);
    expectStatesMatchRows(env, batch);
    // Later batches mix stored trajectories (states kept from add) with fresh ones.
    expectStatesMatchRows(env, await sampler.sample({ env, policy, n: 8, random: new Random(6), iteration: 1 }));
  });

  it('flow matching gives the same loss from recorded states as from replayed ones, with the environment from either place', async () => {
    const batch = await sampleForward(env, policy, 10, new Random(6));
    const { states: _states, ...withoutStates } = batch;
    const reference = fmLoss(withoutStates as TrajectoryBatch, false);
    expect(fmLoss(batch as TrajectoryBatch, true)).toBeCloseTo(reference, 6);
    expect(fmLoss(batch as TrajectoryBatch, false)).toBeCloseTo(reference, 6);
    expect(() => flowMatchingObjective().loss({ policy, batch: batch as TrajectoryBatch })).toThrow(/flow matching needs the environment/);
    expect(flowMatchingObjective().requires.env).toBe(true);
    expect(flowMatchingObjective({ env }).requires.env).toBeUndefined();
  });

  it('the trainer passes the environment, so flow matching can be built without it', async () => {
    const p = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], seed: 7 });
    const result = await train({ env, policy: p, objective: flowMatchingObjective(), sampler: onPolicySampler(), iterations: 5, batchSize: 4, seed: 0, evalEvery: 5 });
    p.dispose();
    expect(result.history).toHaveLength(1);
    expect(Number.isFinite(result.history[0]?.loss)).toBe(true);
  });
});
