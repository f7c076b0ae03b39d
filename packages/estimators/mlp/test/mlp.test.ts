import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense, mlpForward, mlpPolicy } from '../src/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(tol);
};

describe('dense and mlpForward', () => {
  const x = tf.tensor2d(Float32Array.from({ length: 5 * 4 }, (_, i) => Math.sin(i + 1)), [5, 4]);
  const w1 = tf.tensor2d(Float32Array.from({ length: 4 * 6 }, (_, i) => Math.cos(i) * 0.5), [4, 6]);
  const b1 = tf.tensor1d(Float32Array.from({ length: 6 }, (_, i) => 0.1 * i - 0.2));
  const w2 = tf.tensor2d(Float32Array.from({ length: 6 * 3 }, (_, i) => Math.sin(2 * i) * 0.5), [6, 3]);
  const b2 = tf.tensor1d([0.1, -0.1, 0.05]);
  const plain = (a: tf.Tensor, p: tf.Tensor[]): tf.Tensor =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(a, p[0] as tf.Tensor), p[1] as tf.Tensor)), p[2] as tf.Tensor), p[3] as tf.Tensor);
  const loss = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(y, tf.tensor2d([1, -2, 0.5], [1, 3]))) as tf.Scalar;

  it('gives the values and gradients of plain autodiff, for every input', () => {
    const ours = tf.grads((a, c, d, e, f) => loss(mlpForward(a as tf.Tensor2D, [c, d, e, f] as tf.Tensor[])))([x, w1, b1, w2, b2]);
    const ref = tf.grads((a, c, d, e, f) => loss(plain(a as tf.Tensor, [c, d, e, f] as tf.Tensor[])))([x, w1, b1, w2, b2]);
    ours.forEach((g, i) => close(g.dataSync(), (ref[i] as tf.Tensor).dataSync(), 1e-5));
    close(dense(x, w1, b1, 'linear').dataSync(), tf.add(tf.matMul(x, w1), b1).dataSync(), 1e-6);
  });

  it('matches finite differences of the weights', () => {
    const f = (w: Float32Array): number => tf.tidy(() => loss(mlpForward(x, [tf.tensor2d(w, [4, 6]), b1, w2, b2])).dataSync()[0] as number);
    const w = w1.dataSync() as Float32Array;
    const g = tf.grad((t: tf.Tensor) => loss(mlpForward(x, [t, b1, w2, b2])))(w1).dataSync();
    const h = 1e-2;
    for (const i of [0, 5, 11, 23]) {
      const up = Float32Array.from(w);
      const down = Float32Array.from(w);
      up[i] = (up[i] as number) + h;
      down[i] = (down[i] as number) - h;
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 2);
    }
  });

  it('gives autodiff\'s gradients through a wide layer on few rows, whose input gradient is (W · gᵀ)ᵀ', () => {
    const xs = tf.tensor2d(Float32Array.from({ length: 2 * 4 }, (_, i) => Math.cos(3 * i)), [2, 4]);
    const ws = tf.tensor2d(Float32Array.from({ length: 4 * 30 }, (_, i) => Math.sin(i) * 0.3), [4, 30]);
    const bs = tf.tensor1d(Float32Array.from({ length: 30 }, (_, i) => 0.01 * i));
    const weights = tf.tensor2d(Float32Array.from({ length: 30 }, (_, i) => (i % 3) - 1), [1, 30]);
    for (const activation of ['relu', 'linear'] as const) {
      const ours = tf.grads((a, c, d) => tf.sum(tf.mul(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, activation), weights)))([xs, ws, bs]);
      const act = (z: tf.Tensor): tf.Tensor => (activation === 'relu' ? tf.relu(z) : z);
      const ref = tf.grads((a, c, d) => tf.sum(tf.mul(act(tf.add(tf.matMul(a, c), d)), weights)))([xs, ws, bs]);
      ours.forEach((g, i) => close(g.dataSync(), (ref[i] as tf.Tensor).dataSync(), 1e-5));
    }
  });

  it('skips the input gradient when asked (zeros), with the weights\' gradients unchanged', () => {
    const params = [w1, b1, w2, b2];
    const full = tf.grads((a, c, d, e, f) => loss(mlpForward(a as tf.Tensor2D, [c, d, e, f] as tf.Tensor[])))([x, ...params]);
    const skipped = tf.grads((a, c, d, e, f) => loss(mlpForward(a as tf.Tensor2D, [c, d, e, f] as tf.Tensor[], { inputGradient: false })))([x, ...params]);
    expect(Array.from(skipped[0]?.dataSync() ?? [])).toEqual(new Array(x.size).fill(0));
    skipped.slice(1).forEach((g, i) => close(g.dataSync(), (full[i + 1] as tf.Tensor).dataSync(), 0));
  });

  it('rejects an odd parameter list', () => {
    expect(() => mlpForward(x, [w1])).toThrow(/params must be \[W1, b1, …\]/);
  });
});

describe('mlpPolicy', () => {
  it('samples with the logits it trains with, running duplicated rows once, and leaks nothing', () => {
    const policy = mlpPolicy({ featureSize: 4, numActions: 3, numBackwardActions: 2, hidden: [16, 16], seed: 3 });
    const rows = Float32Array.from([1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1]);
    const before = tf.memory().numTensors;
    const sampled = policy.forwardLogits(rows, 4);
    expect(tf.memory().numTensors).toBe(before);
    const trained = tf.tidy(() => policy.apply(tf.tensor2d(rows, [4, 4])).forwardLogits.dataSync());
    close(sampled, trained, 1e-5);
    close(sampled.subarray(0, 3), sampled.subarray(6, 9), 0);
    policy.dispose();
  });

  it('is reproducible from its seed and has the paper architecture by default', () => {
    const a = mlpPolicy({ featureSize: 4, numActions: 3, numBackwardActions: 2, seed: 1 });
    const b = mlpPolicy({ featureSize: 4, numActions: 3, numBackwardActions: 2, seed: 1 });
    expect(a.hidden).toEqual([256, 256]);
    const p = a.parameters();
    expect(p.forward.map((v) => v.shape)).toEqual([[4, 256], [256], [256, 256], [256], [256, 3], [3]]);
    expect(p.backward.length).toBe(6);
    close(p.forward[0]?.dataSync() ?? [], b.parameters().forward[0]?.dataSync() ?? [], 0);
    a.dispose();
    b.dispose();
  });
});
