import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Baseline } from '../src/index.js';
import { reverseKL } from '../src/index.js';

// Three off-policy trajectories: c = log P_F − log R − log P_B = [−0.5, −3, 0.9] and plain weights
// w = exp(log P_F − log π)/3 = [e^0.5, e^−1, 1]/3 = [0.549574, 0.122626, 0.333333].
const logPF = [-1, -2, -0.5];
const logBehaviour = [-1.5, -1, -0.5];
const logR = [0.2, 1.0, -0.3];
const logPB = [-0.7, 0, -1.1];
const logZ = 0.6;

function reverseKLGradients(baseline: Baseline): { value: number; gF: number[]; gB: number[]; gZ: number } {
  return tf.tidy(() => {
    const f = (pf: tf.Tensor, pb: tf.Tensor, z: tf.Tensor): tf.Scalar =>
      reverseKL({ logPF: pf as tf.Tensor1D, logPB: pb as tf.Tensor1D, logR: tf.tensor1d(logR), logBehaviour: tf.tensor1d(logBehaviour), logZ: z as tf.Scalar, baseline, importanceWeighting: 'plain' });
    const { value, grads } = tf.valueAndGrads(f)([tf.tensor1d(logPF), tf.tensor1d(logPB), tf.scalar(logZ)]);
    const [gF, gB, gZ] = grads.map((g) => Array.from(g.dataSync())) as [number[], number[], number[]];
    return { value: value.dataSync()[0] as number, gF, gB, gZ: gZ[0] as number };
  });
}

describe('off-policy reverse KL: the paper\'s batch-mean baseline beside the weighted one', () => {
  it('batch-mean: ∇_{log P_F} = w·(c − mean c), mean c = −2.6/3 (the DAG paper\'s estimator)', () => {
    const before = tf.memory().numTensors;
    const g = reverseKLGradients('batch-mean');
    // w·(c + 0.866667) by hand.
    [0.2015104, -0.2616032, 0.5888889].forEach((want, i) => expect(g.gF[i]).toBeCloseTo(want, 5));
    // P_B by −Σ w log P_B and log Z by (log Z + c̄)² do not depend on the policy term's baseline.
    [-0.5495738, -0.1226265, -0.3333333].forEach((want, i) => expect(g.gB[i]).toBeCloseTo(want, 5));
    expect(g.gZ).toBeCloseTo(0.5184388, 5);
    expect(g.value).toBeCloseTo(0.8458145, 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('local (consistent): ∇_{log P_F} = w·(c − c̄), c̄ = Σwc/Σw = −0.340781', () => {
    const g = reverseKLGradients('local');
    [-0.0875028, -0.3260907, 0.4135935].forEach((want, i) => expect(g.gF[i]).toBeCloseTo(want, 5));
    expect(g.gZ).toBeCloseTo(0.5184388, 5);
    expect(g.value).toBeCloseTo(1.3514505, 5);
  });

  it('on-policy, batch-mean and local are the same estimator', () => {
    const run = (baseline: Baseline) =>
      tf.tidy(() => {
        const f = (pf: tf.Tensor): tf.Scalar => reverseKL({ logPF: pf as tf.Tensor1D, logPB: tf.tensor1d(logPB), logR: tf.tensor1d(logR), logZ: tf.scalar(logZ), baseline });
        return Array.from(tf.grad(f)(tf.tensor1d(logPF)).dataSync());
      });
    const local = run('local');
    run('batch-mean').forEach((v, i) => expect(v).toBeCloseTo(local[i] as number, 6));
    // (c − mean c)/3 by hand.
    [0.1222222, -0.7111111, 0.5888889].forEach((want, i) => expect(local[i]).toBeCloseTo(want, 5));
    expect(() => reverseKL({ logPF: tf.tensor1d(logPF), logPB: tf.tensor1d(logPB), logR: tf.tensor1d(logR), baseline: 'median' as never })).toThrow(/unknown baseline "median" \(expected none, local, global or batch-mean\)/);
  });
});
