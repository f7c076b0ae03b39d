import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logSoftmaxRows, logSumExp, maskedLogSoftmax, maskedLogSoftmaxRows } from '../src/index.js';

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
  it('gives tfjs logSoftmax\'s values and gradients from logSoftmaxRows, whose gradient reuses the softmax', () => {
    const x = tf.tensor2d(Float32Array.from({ length: 3 * 5 }, (_, i) => 3 * Math.sin(i * 1.7) - (i === 7 ? 1e9 : 0)), [3, 5]);
    const weights = tf.tensor2d(Float32Array.from({ length: 15 }, (_, i) => Math.cos(i)), [3, 5]);
    const [ours, ref] = [logSoftmaxRows, (a: tf.Tensor2D) => tf.logSoftmax(a) as tf.Tensor2D].map((f) => tf.valueAndGrad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D), weights)))(x));
    expect(ours?.value.dataSync()[0]).toBeCloseTo(ref?.value.dataSync()[0] as number, 3);
    const [g, r] = [ours?.grad.dataSync() ?? [], ref?.grad.dataSync() ?? []];
    for (let i = 0; i < 15; i++) expect(Math.abs((g[i] as number) - (r[i] as number))).toBeLessThan(1e-6);
    const values = logSoftmaxRows(x).dataSync();
    const expected = tf.logSoftmax(x).dataSync();
    for (let i = 0; i < 15; i++) if (i !== 7) expect(Math.abs((values[i] as number) - (expected[i] as number))).toBeLessThan(1e-6);
    tf.dispose([x, weights]);
  });
  it('computes logSumExp stably', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 9);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});
