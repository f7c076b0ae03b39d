import * as tf from '@tensorflow/tfjs-core';

/**
 * A dense layer `act(x·W + b)` whose gradient multiplies by explicitly transposed matrices instead of
 * using matMul's transpose flags. On the wasm backend only flag-free matMul reaches XNNPACK; autodiff's
 * flagged products fall to a slow path, and this layer makes a training step several times faster
 * (see docs/architecture.md). Numerically identical on every backend.
 */
export type DenseActivation = 'relu' | 'linear';

const denseRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  // Bias fused, ReLU apart: fused activations are unfused under a gradient tape (three kernels), and
  // this form shares its cached XNNPACK operator (keyed by weight, bias and activation) with inference.
  const y = tf.relu(tf.fused.matMul({ a: x, b: w, bias: b }));
  save([x, w, y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const g = tf.mul(dy, tf.step(sy)) as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
    },
  };
});

const denseLinear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  const y = tf.fused.matMul({ a: x, b: w, bias: b });
  save([x, w]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
    },
  };
});

/** `act(x·W + b)` with wasm-friendly gradients. Shapes: x `[n, in]`, W `[in, out]`, b `[out]` → `[n, out]`. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: DenseActivation): tf.Tensor2D {
  return (activation === 'relu' ? denseRelu(x, w, b) : denseLinear(x, w, b)) as tf.Tensor2D;
}
