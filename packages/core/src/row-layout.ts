import * as tf from '@tensorflow/tfjs-core';
import type { TrajectoryBatch } from './trajectories.js';

// Row bookkeeping shared by the objectives that work on packed transition rows (DB, modified DB, SubTB).

/** Host-side 0/1 row masks of a batch, as float arrays ready to become tensors. */
export interface RowLayout {
  /** 1 at each trajectory's first row (s0). */
  readonly isStart: Float32Array;
  /** 1 at each trajectory's last row (the stop transition). */
  readonly isLast: Float32Array;
  /** log R(x) of the row's trajectory. */
  readonly logRRow: Float32Array;
}

/** The {@link RowLayout} of a batch. */
export function rowLayout(batch: TrajectoryBatch): RowLayout {
  const N = batch.numRows;
  const isStart = new Float32Array(N);
  const isLast = new Float32Array(N);
  const logRRow = new Float32Array(N);
  for (let b = 0; b < batch.numTrajectories; b++) {
    const lo = batch.offsets[b] as number;
    const hi = batch.offsets[b + 1] as number;
    if (hi <= lo) throw new RangeError(`trajectory ${b} of the batch has no rows`);
    isStart[lo] = 1;
    isLast[hi - 1] = 1;
    logRRow.fill(batch.logRewards[b] as number, lo, hi);
  }
  return { isStart, isLast, logRRow };
}

/** `out[r] = x[r + 1]`, and 0 for the last entry (differentiable: a slice and a concat). */
export function shiftRows(x: tf.Tensor1D): tf.Tensor1D {
  const N = x.shape[0];
  if (N <= 1) return tf.zerosLike(x);
  return tf.concat([tf.slice(x, [1], [N - 1]), tf.zeros([1])]) as tf.Tensor1D;
}

/** Σ mask·x / Σ mask (0 when the mask is empty), or the plain mean without a mask. */
export function maskedMean(x: tf.Tensor1D, mask?: tf.Tensor1D): tf.Scalar {
  if (!mask) return tf.mean(x) as tf.Scalar;
  return tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1e-30)) as tf.Scalar;
}

/**
 * Packed rows `[N]` to padded `[B, T]` (zeros past each trajectory's end): one split, a pad per
 * trajectory and a stack, all differentiable on every backend, and linear in memory.
 */
export function padRows(rows: tf.Tensor1D, batch: Pick<TrajectoryBatch, 'offsets' | 'numTrajectories'>, T: number): tf.Tensor2D {
  return tf.tidy(() => {
    const sizes: number[] = [];
    for (let b = 0; b < batch.numTrajectories; b++) sizes.push((batch.offsets[b + 1] as number) - (batch.offsets[b] as number));
    // One trajectory: no split (tfjs's gradient of a one-piece split fails with "Pass at least one tensor to concat").
    if (sizes.length === 1) return tf.reshape((sizes[0] as number) < T ? tf.pad(rows, [[0, T - (sizes[0] as number)]]) : rows, [1, T]) as tf.Tensor2D;
    const parts = tf.split(rows, sizes);
    return tf.stack(parts.map((p, b) => ((sizes[b] as number) < T ? tf.pad(p, [[0, T - (sizes[b] as number)]]) : p))) as tf.Tensor2D;
  });
}
