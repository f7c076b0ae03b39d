import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { trajectoryBalance } from '../src/index.js';

describe('trajectoryBalance', () => {
  const logPF = [-1.2, -0.3, -2.0];
  const logPB = [-0.7, 0, -1.1];
  const logR = [0.5, -0.2, 1.5];
  const logZ = 0.4;
  // Hand-computed residuals r = logZ + logPF − logR − logPB.
  const r = [0.4 - 1.2 - 0.5 + 0.7, 0.4 - 0.3 + 0.2 - 0, 0.4 - 2.0 - 1.5 + 1.1];

  const run = (loss?: 'squared' | 'huber', z = logZ): number =>
    tf.tidy(() =>
      trajectoryBalance({ logZ: tf.scalar(z), logPF: tf.tensor1d(logPF), logPB: tf.tensor1d(logPB), logR: tf.tensor1d(logR), ...(loss ? { loss } : {}) }).dataSync()[0] as number,
    );

  it('matches hand-computed values (squared and huber)', () => {
    expect(run()).toBeCloseTo(r.reduce((s, v) => s + v * v, 0) / 3, 6);
    const huber = (v: number): number => (Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5);
    expect(run('huber')).toBeCloseTo(r.reduce((s, v) => s + huber(v), 0) / 3, 6);
  });

  it('is zero on a balanced batch', () => {
    const v = tf.tidy(() =>
      trajectoryBalance({ logZ: tf.scalar(1), logPF: tf.tensor1d([-1, -2]), logPB: tf.tensor1d([-0.5, -1]), logR: tf.tensor1d([0.5, 0]) }).dataSync()[0],
    );
    expect(v).toBeCloseTo(0, 7);
  });

  it('has gradients that agree with finite differences', () => {
    const f = (z: tf.Tensor, pf: tf.Tensor, pb: tf.Tensor): tf.Scalar =>
      trajectoryBalance({ logZ: z as tf.Scalar, logPF: pf as tf.Tensor1D, logPB: pb as tf.Tensor1D, logR: tf.tensor1d(logR) });
    const [gz, gpf, gpb] = tf.grads(f)([tf.scalar(logZ), tf.tensor1d(logPF), tf.tensor1d(logPB)]).map((g) => Array.from(g.dataSync()));
    // Analytic: dL/dlogZ = 2 mean(r); dL/dlogPF_i = 2 r_i / B; dL/dlogPB_i = −2 r_i / B.
    expect(gz?.[0]).toBeCloseTo((2 * r.reduce((s, v) => s + v, 0)) / 3, 5);
    r.forEach((ri, i) => {
      expect(gpf?.[i]).toBeCloseTo((2 * ri) / 3, 5);
      expect(gpb?.[i]).toBeCloseTo((-2 * ri) / 3, 5);
    });
    const h = 1e-2;
    const numeric = (run(undefined, logZ + h) - run(undefined, logZ - h)) / (2 * h);
    expect(Math.abs(numeric - (gz?.[0] as number))).toBeLessThan(1e-3);
  });

  it('rejects mismatched shapes with a clear message', () => {
    expect(() =>
      tf.tidy(() => trajectoryBalance({ logZ: tf.scalar(0), logPF: tf.tensor1d([1, 2]), logPB: tf.tensor1d([1]), logR: tf.tensor1d([1, 2]) })),
    ).toThrow(/shapes differ/);
  });
});
