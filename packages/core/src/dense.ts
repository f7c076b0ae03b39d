import * as tf from '@tensorflow/tfjs-core';

/**
 * A dense layer `act(x·W + b)` whose gradient multiplies by explicitly transposed matrices instead of
 * using matMul's transpose flags. On the wasm backend only flag-free matMul reaches XNNPACK; autodiff's
 * flagged products fall to a slow path, and this layer makes a training step several times faster
 * (see docs/architecture.md). Its values equal tfjs autodiff's to float rounding, on every backend.
 */
export type DenseActivation = 'relu' | 'linear';

/** Options of {@link dense}. */
export interface DenseOptions {
  /**
   * Compute the gradient with respect to `x` (default: `true`). A first layer, whose input is data,
   * can skip it: the gradient is then zeros, and an `[n, in] × [in, out]ᵀ` product is saved.
   */
  readonly inputGradient?: boolean;
}

/**
 * x's gradient `g · Wᵀ`. On wasm a transpose costs about as much per value as a product's
 * multiply-adds per output, so the cheaper of the two forms is used: transposing W (in·out values), or
 * computing `(W · gᵀ)ᵀ` (n·(in + out) values: fewer when W is wide and the batch small, as for the
 * fragments' 256 × 3151 output layer on a few dozen states). Equal values, to float rounding.
 */
function inputGradientOf(g: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [n, outSize] = g.shape;
  const inSize = w.shape[0];
  if (n * (inSize + outSize) < inSize * outSize) return tf.transpose(tf.matMul(w, tf.transpose(g)));
  return tf.matMul(g, tf.transpose(w));
}

function denseOp(activation: DenseActivation, inputGradient: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    // Bias fused, ReLU apart: fused activations are unfused under a gradient tape (three kernels), and
    // this form shares its cached XNNPACK operator (keyed by weight, bias and activation) with inference.
    const z = tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
    const y = activation === 'relu' ? tf.relu(z) : z;
    save(activation === 'relu' ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        const g = (sy ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor2D;
        return [inputGradient ? inputGradientOf(g, sw) : tf.zerosLike(sx), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
      },
    };
  });
}

const ops = {
  relu: { withInput: denseOp('relu', true), withoutInput: denseOp('relu', false) },
  linear: { withInput: denseOp('linear', true), withoutInput: denseOp('linear', false) },
};

/** `act(x·W + b)` with wasm-friendly gradients. Shapes: x `[n, in]`, W `[in, out]`, b `[out]` → `[n, out]`. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: DenseActivation, options: DenseOptions = {}): tf.Tensor2D {
  const op = ops[activation][options.inputGradient === false ? 'withoutInput' : 'withInput'];
  return op(x, w, b) as tf.Tensor2D;
}
