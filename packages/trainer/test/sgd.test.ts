import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { TrainingState } from '../src/index.js';
import { parseCheckpoint, runOptimisers, serializeCheckpoint, Sgd } from '../src/index.js';

/** Applies `grads` (one scalar per step) to a one-element variable starting at `w0`; returns the weights after each step. */
function steps(sgd: Sgd, w0: number, grads: number[]): number[] {
  const init = tf.tensor1d([w0]);
  const w = tf.variable(init);
  init.dispose();
  const out = grads.map((g) => {
    const t = tf.tensor1d([g]);
    sgd.apply([w], [t]);
    t.dispose();
    return w.dataSync()[0] as number;
  });
  w.dispose();
  return out;
}

describe('Sgd (momentum, as optax.sgd)', () => {
  it('takes the hand-computed steps, with a NaN gradient counted as 0', () => {
    // lr 0.1, μ 0.8, from b = 0: b1 = 0.5, w1 = 1 − 0.05; b2 = 0.4 − 1 = −0.6, w2 = 0.95 + 0.06;
    // b3 = −0.48 + 0 (NaN zeroed), w3 = 1.01 + 0.048; b4 = −0.384 + 0.25 = −0.134, w4 = 1.058 + 0.0134.
    const got = steps(new Sgd(0.1, 0.8), 1, [0.5, -1, Number.NaN, 0.25]);
    [0.95, 1.01, 1.058, 1.0714].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6));
    expect(new Sgd(0.1, 0.8).getState()).toEqual({ kind: 'sgd', step: 0, buffers: [] });
  });

  it('without momentum is plain gradient descent; NaN passes through when not zeroed', () => {
    expect(steps(new Sgd(0.5, 0), 2, [1, 1])).toEqual([1.5, 1]);
    expect(steps(new Sgd(0.1, 0.8, false), 1, [0.5, Number.NaN]).map(Number.isNaN)).toEqual([false, true]);
    expect(() => new Sgd(0.1, 1)).toThrow(/momentum must be in \[0, 1\)/);
    expect(() => new Sgd(0, 0.5)).toThrow(/learning rate must be a positive number/);
  });

  it('resumes from its state bit for bit, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const grads = [0.3, -0.7, 1.1, 0.05, -2];
    const whole = steps(new Sgd(0.1, 0.8), 0, grads);
    const first = new Sgd(0.1, 0.8);
    const head = steps(first, 0, grads.slice(0, 2));
    const second = new Sgd(0.1, 0.8);
    const shapeOnly = tf.tidy(() => tf.variable(tf.zeros([1])));
    second.setState(first.getState(), [shapeOnly]);
    shapeOnly.dispose();
    const tail = steps(second, head[1] as number, grads.slice(2));
    expect([...head, ...tail]).toEqual(whole);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('log-Z optimiser in checkpoints', () => {
  const base = (logZSgd?: TrainingState['logZSgd']): TrainingState => ({
    iteration: 3,
    parameters: { forward: [], backward: [], flow: [] },
    logZ: 1.5,
    optimisers: { forward: { step: 3, moments: [] }, backward: { step: 0, moments: [] }, flow: { step: 0, moments: [] }, logZ: { step: 0, moments: [] } },
    ...(logZSgd ? { logZSgd } : {}),
    random: { a: 1, b: 2, c: 3, d: 4 },
    sampler: null,
    history: [],
    lossSum: 0,
    lossCount: 0,
    seconds: { sampling: 0, update: 0, evaluation: 0 },
  });

  it('round-trips the SGD momentum exactly; checkpoints without it load as before', () => {
    const sgd = { kind: 'sgd' as const, step: 3, buffers: [Float32Array.from([-0.134])] };
    expect(parseCheckpoint(serializeCheckpoint(base(sgd), {})).state.logZSgd).toEqual(sgd);
    expect(parseCheckpoint(serializeCheckpoint(base(), {})).state.logZSgd).toBeUndefined();
  });

  it('refuses to resume with the other log-Z optimiser', () => {
    const logZ = tf.variable(tf.scalar(0));
    const groups = { forward: [], backward: [], flow: [], logZ: [logZ] };
    const adamState = { ...base(), optimisers: { ...base().optimisers, logZ: { step: 3, moments: [{ m: new Float32Array(1), v: new Float32Array(1) }] } } };
    expect(() => runOptimisers({}, { logZOptimizer: 'sgd' }).setState(adamState, groups)).toThrow(/trained log Z with Adam/);
    const sgdState = base({ kind: 'sgd', step: 3, buffers: [new Float32Array(1)] });
    expect(() => runOptimisers({}, {}).setState(sgdState, groups)).toThrow(/trained log Z with SGD/);
    expect(() => runOptimisers({}, { logZOptimizer: 'sgd' }).setState(sgdState, groups)).not.toThrow();
    expect(() => runOptimisers({}, { logZOptimizer: 'sgd', logZMomentum: 1 })).toThrow(/logZMomentum must be in \[0, 1\)/);
    expect(() => runOptimisers({}, { logZOptimizer: 'rmsprop' as never })).toThrow(/logZOptimizer must be "adam" or "sgd"/);
    logZ.dispose();
  });
});
