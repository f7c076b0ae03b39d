import type { Rows, TrajectoryBatch } from '@gflownet/core';
import { Random } from '@gflownet/core';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { env, policy } from './support/replay-fixtures.js';

describe('losses on replayed batches are recomputed under the current policy', () => {
  it('TB loss ignores the stored behaviour log-probabilities and follows the current parameters', async () => {
    const sampler = replaySampler({ buffer: replayBuffer({ capacity: 50 }), ratio: 0.5, prefill: 10 });
    const batch = await sampler.sample({ env, policy, n: 8, random: new Random(1), iteration: 0 });
    expect(batch.behaviour.onPolicy).toBe(false);
    const objective = trajectoryBalanceObjective();
    const logZ = tf.variable(tf.scalar(0.7));
    const lossOf = (b: TrajectoryBatch<Rows<Int32Array>>): number => tf.tidy(() => objective.loss({ policy, batch: b, logZ }).dataSync()[0] as number);

    const base = lossOf(batch);
    const r = new Random(2);
    const scrambled: TrajectoryBatch<Rows<Int32Array>> = {
      ...batch,
      behaviour: { logProbs: Float64Array.from(batch.behaviour.logProbs, () => -10 * r.next()), onPolicy: true },
    };
    expect(lossOf(scrambled)).toBe(base);
    const nan: TrajectoryBatch<Rows<Int32Array>> = { ...batch, behaviour: { logProbs: new Float64Array(batch.numRows).fill(Number.NaN), onPolicy: false } };
    expect(lossOf(nan)).toBe(base);

    // Changing the policy changes the loss on the same stored batch: it is not read from the buffer.
    const w = policy.parameters().forward[0] as tf.Variable;
    const old = w.clone();
    w.assign(tf.tidy(() => tf.add(w, tf.scalar(0.05))));
    expect(Math.abs(lossOf(batch) - base)).toBeGreaterThan(1e-4);
    w.assign(old);
    old.dispose();
    expect(lossOf(batch)).toBe(base);
    logZ.dispose();
  });
});
