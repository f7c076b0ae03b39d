import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logSumExp, maskedLogSoftmax, maskedLogSoftmaxRows } from '../src/index.js';

describe('masked log-softmax', () => {
  const logits = [1, 2, 3, 0.5, -1, 4];
  const mask = Uint8Array.from([1, 0, 1, 1, 1, 0]);
  it('normalises over valid actions only, on host arrays', () => {
    const out = maskedLogSoftmaxRows(logits, mask, 2, 3);
    const lse0 = Math.log(Math.exp(1) + Math.exp(3));
    expect(out[0]).toBeCloseTo(1 - lse0, 12);
    expect(out[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(Math.exp(out[3] as number) + Math.exp(out[4] as number)).toBeCloseTo(1, 12);
  });
  it('matches the host version as a tensor and keeps gradients finite, even on an all-masked row', () => {
    const x = tf.tensor2d([...logits, 1, 2, 3], [3, 3]);
    const m = Uint8Array.from([...mask, 0, 0, 0]);
    const host = maskedLogSoftmaxRows([...logits, 1, 2, 3], m, 3, 3);
    const t = maskedLogSoftmax(x, m);
    const values = t.dataSync();
    for (const i of [0, 2, 3, 4]) expect(values[i]).toBeCloseTo(host[i] as number, 5);
    const g = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(maskedLogSoftmax(y as tf.Tensor2D, m), tf.tensor2d([1, 0, 1, 1, 1, 0, 0, 0, 0], [3, 3]))))(x);
    expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, t, g]);
  });
  it('computes logSumExp stably', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 9);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});
