import * as tf from '@tensorflow/tfjs-core';

/** How a balance objective turns residuals into a loss. */
export type RegressionLoss = 'squared' | 'huber';

/**
 * Element-wise regression loss of residuals: `squared` is r² (the GFlowNet papers' convention, not ½r²);
 * `huber` is ½r² for |r| ≤ δ and δ(|r| − ½δ) beyond (δ = 1 by default, as DAG-GFlowNet uses).
 */
export function regressionLoss(residual: tf.Tensor, kind: RegressionLoss = 'squared', delta = 1): tf.Tensor {
  if (kind === 'squared') return tf.square(residual);
  if (kind !== 'huber') throw new RangeError(`unknown regression loss "${String(kind)}" (expected squared or huber)`);
  if (!(delta > 0)) throw new RangeError(`huber delta must be > 0, got ${delta}`);
  return tf.tidy(() => {
    const a = tf.abs(residual);
    const quadratic = tf.minimum(a, delta);
    const linear = tf.sub(a, quadratic);
    return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
  });
}
