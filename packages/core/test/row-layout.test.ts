import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maskedMean, padRows, rowLayout, shiftRows } from '../src/index.js';

// Two trajectories packed as rows 0–2 and 3–4 (offsets [0, 3, 5]), log R = (−1, 2).
const batch = { numRows: 5, numTrajectories: 2, offsets: Int32Array.of(0, 3, 5), logRewards: Float64Array.of(-1, 2) };

describe('row bookkeeping', () => {
  it('marks first and last rows and spreads log R over each trajectory', () => {
    const layout = rowLayout(batch as never);
    expect([...layout.isStart]).toEqual([1, 0, 0, 1, 0]);
    expect([...layout.isLast]).toEqual([0, 0, 1, 0, 1]);
    expect([...layout.logRRow]).toEqual([-1, -1, -1, 2, 2]);
    expect(() => rowLayout({ ...batch, offsets: Int32Array.of(0, 0, 5) } as never)).toThrow(/trajectory 0 of the batch has no rows/);
  });

  it('shifts rows up with a zero at the end, and passes gradients back one row', () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    expect([...shiftRows(x).dataSync()]).toEqual([2, 3, 4, 0]);
    // d/dx Σ w·shift(x) = (0, w0, w1, w2).
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(shiftRows(t as tf.Tensor1D), tf.tensor1d([5, 6, 7, 8]))))(x);
    expect([...g.dataSync()]).toEqual([0, 5, 6, 7]);
    expect([...shiftRows(tf.tensor1d([9])).dataSync()]).toEqual([0]);
    tf.dispose([x, g]);
  });

  it('averages under a mask, and gives 0 for an empty mask', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3, 6]);
      expect(maskedMean(x).dataSync()[0]).toBeCloseTo(3, 6);
      expect(maskedMean(x, tf.tensor1d([1, 0, 0, 1])).dataSync()[0]).toBeCloseTo(3.5, 6);
      expect(maskedMean(x, tf.tensor1d([0, 0, 0, 0])).dataSync()[0]).toBe(0);
    });
  });

  it('pads packed rows to [B, T] with zeros past each trajectory, without leaking tensors', () => {
    const rows = tf.tensor1d([1, 2, 3, 4, 5]);
    const before = tf.memory().numTensors;
    const padded = padRows(rows, batch, 4);
    expect(padded.shape).toEqual([2, 4]);
    expect([...padded.dataSync()]).toEqual([1, 2, 3, 0, 4, 5, 0, 0]);
    padded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    rows.dispose();
  });
});
