import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Adam } from '../src/index.js';

/** PyTorch's Adam on one scalar parameter, in float64. */
function reference(w0: number, grads: number[], lr: number): number {
  let w = w0;
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    w -= ((lr / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
  });
  return w;
}

describe('Adam', () => {
  for (const placement of ['host', 'backend'] as const) {
    it(`(${placement}) follows PyTorch's update and leaks nothing`, () => {
      const w = tf.variable(tf.tensor1d([1, -2, 0.5]));
      const adam = new Adam(0.1, 0.9, 0.999, 1e-8, placement);
      const grads = [
        [0.5, -1, 0],
        [0.25, 3, 0],
        [-0.75, 0.5, 0],
      ];
      adam.apply([w], [tf.tensor1d(grads[0] as number[])]);
      const before = tf.memory().numTensors;
      for (const g of grads.slice(1)) {
        const t = tf.tensor1d(g);
        adam.apply([w], [t]);
        t.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      const got = w.dataSync();
      [1, -2, 0.5].forEach((w0, i) => expect(got[i]).toBeCloseTo(reference(w0, grads.map((g) => g[i] as number), 0.1), 5));
      adam.dispose();
      w.dispose();
    });
  }

  it('on the host, picks up weights assigned by someone else and round-trips its state', () => {
    const w = tf.variable(tf.tensor1d([1, 1]));
    const adam = new Adam(0.1, 0.9, 0.999, 1e-8, 'host');
    const g = tf.tensor1d([1, -1]);
    adam.apply([w], [g]);
    w.assign(tf.tensor1d([5, 5]));
    adam.apply([w], [g]);
    const got = Array.from(w.dataSync());
    expect(got[0]).toBeLessThan(5);
    expect(got[0]).toBeGreaterThan(4.7);
    const state = adam.getState();
    const copy = new Adam(0.1, 0.9, 0.999, 1e-8, 'backend');
    copy.setState(state, [w]);
    expect(copy.getState()).toEqual(state);
    tf.dispose([w, g]);
    adam.dispose();
    copy.dispose();
  });
});
