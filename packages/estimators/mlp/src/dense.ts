import type { DenseActivation, DenseOptions } from '@gflownet/core';
import { dense } from '@gflownet/core';
import type * as tf from '@tensorflow/tfjs-core';

// `dense` lives in core (estimators and the conformance kit share it); re-exported here as before.
export type { DenseActivation, DenseOptions };
export { dense };

/**
 * A whole MLP `x → relu(x·W1 + b1) → … → x·WL + bL` made of {@link dense} layers. `params` is
 * `[W1, b1, …, WL, bL]`; every layer but the last has a ReLU. (One custom op per layer, each saving
 * only its input, weight and output: a single op over the whole MLP would have to save the hidden
 * activations, which tfjs's test-mode leak check rejects.)
 */
export function mlpForward(x: tf.Tensor2D, params: readonly tf.Tensor[], options: MlpForwardOptions = {}): tf.Tensor2D {
  if (params.length === 0 || params.length % 2 !== 0) throw new RangeError(`mlpForward: params must be [W1, b1, …], got ${params.length} tensors`);
  const layers = params.length / 2;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const inputGradient = l > 0 || options.inputGradient !== false;
    h = dense(h, params[2 * l] as tf.Tensor2D, params[2 * l + 1] as tf.Tensor1D, l < layers - 1 ? 'relu' : 'linear', { inputGradient });
  }
  return h;
}

/** Options of {@link mlpForward}. */
export interface MlpForwardOptions {
  /** Compute the gradient with respect to `x` (default: `true`); a policy on data features skips it (zeros). */
  readonly inputGradient?: boolean;
}
