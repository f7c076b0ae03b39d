import * as tf from '@tensorflow/tfjs-core';

/**
 * Fill value added to the logits of invalid actions. Finite on purpose: `-Infinity` turns a one-hot
 * product (0 × -inf) and the gradients of fully masked rows into NaN.
 */
export const MASKED_LOGIT = -1e9;

/** `[n, k]` additive bias: 0 where `mask` is 1, {@link MASKED_LOGIT} where it is 0. */
export function maskBias(mask: Uint8Array): Float32Array {
  const out = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) out[i] = MASKED_LOGIT;
  return out;
}

/**
 * exp(z) of values z ≤ 0. On wasm as σ(z)/σ(−z), equal to float32 rounding: its Exp is a scalar loop,
 * slower still on the −1e9 of masked entries (3.6 ms for a [45, 3151] batch of fragment logits), its
 * Sigmoid an XNNPACK SIMD kernel (0.3 ms each). Other backends use exp.
 */
function expOfNonPositive(z: tf.Tensor): tf.Tensor {
  return tf.getBackend() === 'wasm' ? tf.div(tf.sigmoid(z), tf.sigmoid(tf.neg(z))) : tf.exp(z);
}

/**
 * Log-softmax of each row of `[n, k]` logits, its exponentials computed as σ(z)/σ(−z) on wasm (whose Exp
 * is a scalar loop; equal to float32 rounding): y = z − log Σ exp(z) with z = x − max x, and
 * dx = dy − exp(y) · Σ dy. (The output is saved rather
 * than the softmax: tfjs's test-mode leak check rejects saving a tensor that is neither input nor output.)
 */
export const logSoftmaxRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const z = tf.sub(x, tf.max(x, 1, true));
  const value = tf.sub(z, tf.log(tf.sum(expOfNonPositive(z), 1, true)));
  save([value]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.sub(dy, tf.mul(expOfNonPositive(saved[0] as tf.Tensor), tf.sum(dy, 1, true)))],
  };
}) as (logits: tf.Tensor2D) => tf.Tensor2D;

/**
 * Log-softmax over the valid entries of each row of `logits` (`[n, k]`), with invalid entries pushed
 * to a large finite negative value. Differentiable; safe for rows with no valid entry (they become
 * uniform and should be multiplied by zero by the caller).
 */
export function maskedLogSoftmax(logits: tf.Tensor2D, mask: Uint8Array): tf.Tensor2D {
  return tf.tidy(() => logSoftmaxRows(tf.add(logits, tf.tensor2d(maskBias(mask), logits.shape))));
}

/**
 * Log-softmax on host arrays: for row `i`, `out[i, a] = log softmax(logits[i, valid])[a]` for valid
 * `a` and `-Infinity` for invalid ones. Computed in float64.
 */
export function maskedLogSoftmaxRows(
  logits: ArrayLike<number>,
  mask: Uint8Array,
  n: number,
  k: number,
  out: Float64Array = new Float64Array(n * k),
): Float64Array {
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < k; a++) if (mask[o + a] && (logits[o + a] as number) > max) max = logits[o + a] as number;
    if (max === Number.NEGATIVE_INFINITY) {
      for (let a = 0; a < k; a++) out[o + a] = Number.NEGATIVE_INFINITY;
      continue;
    }
    let sum = 0;
    for (let a = 0; a < k; a++) if (mask[o + a]) sum += Math.exp((logits[o + a] as number) - max);
    const lse = max + Math.log(sum);
    for (let a = 0; a < k; a++) out[o + a] = mask[o + a] ? (logits[o + a] as number) - lse : Number.NEGATIVE_INFINITY;
  }
  return out;
}

/** Numerically stable log(Σ exp(x)) of host values; `-Infinity` for an empty or all `-Infinity` input. */
export function logSumExp(xs: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if ((xs[i] as number) > max) max = xs[i] as number;
  if (max === Number.NEGATIVE_INFINITY) return max;
  if (max === Number.POSITIVE_INFINITY) return max;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp((xs[i] as number) - max);
  return max + Math.log(s);
}

/** Number of ones in each row of an `[n, k]` mask. */
export function countValid(mask: Uint8Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let a = 0; a < k; a++) c += mask[i * k + a] as number;
    out[i] = c;
  }
  return out;
}
