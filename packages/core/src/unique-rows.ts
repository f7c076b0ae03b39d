import * as tf from '@tensorflow/tfjs-core';

/** Distinct rows of a row-major matrix and, for each original row, the index of its distinct row. */
export interface UniqueRows {
  /** `[numUnique, width]` the distinct rows in first-seen order. */
  readonly rows: Float32Array;
  readonly numUnique: number;
  /** `[n]` index into `rows` of each original row. */
  readonly index: Int32Array;
}

/**
 * Deduplicates the rows of `data` (`[n, width]`) by exact bit equality, with a hash table. Batches of
 * trajectories revisit states (every trajectory starts at s0), so running the policy on distinct
 * states only saves a large share of the dense work.
 */
export function uniqueRows(data: Float32Array, n: number, width: number): UniqueRows {
  const bits = new Uint32Array(data.buffer, data.byteOffset, n * width);
  const buckets = new Map<number, number[]>();
  const index = new Int32Array(n);
  const firstRow: number[] = [];
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    const o = i * width;
    for (let k = 0; k < width; k++) h = Math.imul(h ^ (bits[o + k] as number), 0x01000193);
    let bucket = buckets.get(h);
    let found = -1;
    if (bucket) {
      for (const u of bucket) {
        const p = (firstRow[u] as number) * width;
        let same = true;
        for (let k = 0; k < width && same; k++) same = bits[p + k] === bits[o + k];
        if (same) {
          found = u;
          break;
        }
      }
    } else {
      bucket = [];
      buckets.set(h, bucket);
    }
    if (found < 0) {
      found = firstRow.length;
      firstRow.push(i);
      bucket.push(found);
    }
    index[i] = found;
  }
  const rows = new Float32Array(firstRow.length * width);
  firstRow.forEach((i, u) => rows.set(data.subarray(i * width, (i + 1) * width), u * width));
  return { rows, numUnique: firstRow.length, index };
}

/**
 * `out[r] = x[index[r]]` for a `[u, k]` tensor, differentiable on every backend: the forward pass is
 * `gather`, the backward pass sums gradients per distinct row on the host (wasm lacks
 * `UnsortedSegmentSum`, which gather's own gradient needs).
 */
export function expandRows(x: tf.Tensor2D, index: Int32Array): tf.Tensor2D {
  const [u, k] = x.shape;
  const expand = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor2D;
    const value = tf.gather(input, tf.tensor1d(index, 'int32')) as tf.Tensor2D;
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync();
        const acc = new Float32Array(u * k);
        for (let r = 0; r < index.length; r++) {
          const o = (index[r] as number) * k;
          for (let j = 0; j < k; j++) acc[o + j] = (acc[o + j] as number) + (g[r * k + j] as number);
        }
        return [tf.tensor2d(acc, [u, k])];
      },
    };
  });
  return expand(x) as tf.Tensor2D;
}
