import { detailedBalance, modifiedDetailedBalance } from '@gflownet/objective-detailed-balance';
import { flowMatching } from '@gflownet/objective-flow-matching';
import { reverseKL } from '@gflownet/objective-hvi';
import { subTrajectoryBalance } from '@gflownet/objective-subtrajectory-balance';
import { trajectoryBalance } from '@gflownet/objective-trajectory-balance';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';

// A user who imports only @tensorflow/tfjs-core has no gradients. The setup file registers them
// (tfjs-layers); each test takes one away and puts it back.
const saved = tf.getGradient('BatchMatMul');
afterEach(() => {
  if (saved && !tf.getGradient('BatchMatMul')) tf.registerGradient(saved);
});

const t = (values: number[]): tf.Tensor1D => tf.tensor1d(values);
const losses: Record<string, (x: tf.Variable) => tf.Scalar> = {
  trajectoryBalance: (logZ) => trajectoryBalance({ logZ: logZ as tf.Scalar, logPF: t([-1.2, -0.3]), logPB: t([-0.7, 0]), logR: t([0.5, -0.2]) }),
  detailedBalance: (x) => detailedBalance({ logFSource: tf.add(x, t([0.3])) as tf.Tensor1D, logPF: t([-0.7]), logFTarget: t([0.1]), logPB: t([-0.4]) }),
  modifiedDetailedBalance: (x) =>
    modifiedDetailedBalance({
      logRSource: t([0.2]),
      logRTarget: t([0.5]),
      logPF: tf.add(x, t([-0.6])) as tf.Tensor1D,
      logPB: t([-0.7]),
      logPStopSource: t([-1.1]),
      logPStopTarget: t([-0.5]),
    }),
  flowMatching: (x) =>
    flowMatching({
      logInflows: tf.add(x, tf.tensor2d([[0.2, -0.5]])) as tf.Tensor2D,
      incomingMask: Uint8Array.from([1, 1]),
      logOutflows: tf.tensor2d([[-1.0, 0.4]]),
      outgoingMask: Uint8Array.from([1, 1]),
    }),
  subTrajectoryBalance: (x) =>
    subTrajectoryBalance({
      logF: tf.add(x, tf.tensor2d([[0.5, -0.3, 1.2]])) as tf.Tensor2D,
      logPF: tf.tensor2d([[-0.4, -1.1]]),
      logPB: tf.tensor2d([[-0.2, 0]]),
      lengths: [2],
    }),
  reverseKL: (logZ) => reverseKL({ logPF: t([-1, -2]), logPB: t([-0.3, -0.7]), logR: t([0.2, -0.4]), logZ: logZ as tf.Scalar }),
};

describe('objectives under a gradient tape without tfjs gradients', () => {
  for (const [name, loss] of Object.entries(losses)) {
    it(`${name} says to import @tensorflow/tfjs-layers; without a tape it still computes the loss`, () => {
      const x = tf.variable(tf.scalar(0));
      tf.unregisterGradient('BatchMatMul');
      expect(() => tf.variableGrads(() => loss(x))).toThrow(/tfjs gradients are not registered .*import "@tensorflow\/tfjs-layers"/);
      const value = tf.tidy(() => loss(x).dataSync()[0] as number);
      expect(Number.isFinite(value)).toBe(true);
      x.dispose();
    });
  }
});
