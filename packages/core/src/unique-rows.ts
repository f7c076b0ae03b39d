import * as tf from '@tensorflow/tfjs-core';

/** Distinct rows of a row-major matrix and, for each original row, the index of its distinct row. */
export interface UniqueRows {
  /** `[numUnique, width]` the distinct rows in first-seen order. */
  readonly rows: Float32Array;
  readonly numUnique: number;
  /** `[n]` index into `rows` of each original row. */
  readonly index: Int32Array;
  /** `[numUnique]` the first original row of each distinct row. */
  readonly firstRow: Int32Array;
}

/** Extra per-row bytes that must also match for two rows to count as the same (e.g. action masks). */
export interface RowKey {
  /** `[n, width]` row-major. */
  readonly data: Uint8Array;
  readonly width: number;
}

/**
 * Deduplicates the rows of `data` (`[n, width]`) by exact bit equality, with a hash table; rows that
 * differ in any of `keys` stay apart. Batches of trajectories revisit states (every trajectory starts
 * at s0), so running the policy on distinct states only saves a large share of the dense work.
 */
export function uniqueRows(data: Float32Array, n: number, width: number, ...keys: RowKey[]): UniqueRows {
  const bits = new Uint32Array(data.buffer, data.byteOffset, n * width);
  const same = (p: number, i: number): boolean => {
    for (let k = 0; k < width; k++) if (bits[p * width + k] !== bits[i * width + k]) return false;
    for (const key of keys) {
      const w = key.width;
      for (let k = 0; k < w; k++) if (key.data[p * w + k] !== key.data[i * w + k]) return false;
    }
    return true;
  };
  // Open addressing on a power-of-two table of first-row indices (−1: empty); no per-row allocation.
  let size = 16;
  while (size < 2 * n) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const index = new Int32Array(n);
  const firstRow = new Int32Array(n);
  let numUnique = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    const o = i * width;
    for (let k = 0; k < width; k++) h = Math.imul(h ^ (bits[o + k] as number), 0x01000193);
    for (const key of keys) {
      const w = key.width;
      for (let k = 0; k < w; k++) h = Math.imul(h ^ (key.data[i * w + k] as number), 0x01000193);
    }
    let slot = (h ^ (h >>> 15)) & (size - 1);
    for (;;) {
      const u = table[slot] as number;
      if (u < 0) {
        table[slot] = numUnique;
        firstRow[numUnique] = i;
        index[i] = numUnique++;
        break;
      }
      if (same(firstRow[u] as number, i)) {
        index[i] = u;
        break;
      }
      slot = (slot + 1) & (size - 1);
    }
  }
  const rows = new Float32Array(numUnique * width);
  for (let u = 0; u < numUnique; u++) {
    const i = firstRow[u] as number;
    rows.set(data.subarray(i * width, (i + 1) * width), u * width);
  }
  return { rows, numUnique, index, firstRow: firstRow.slice(0, numUnique) };
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

/**
 * `out[r] = x[index[r]]` for a 1-D tensor, or 0 where `index[r]` is −1; differentiable on every
 * backend (the gradient sums per source entry on the host, as in {@link expandRows}). Picking the
 * taken actions' log-probabilities out of a flattened `[u, k]` matrix this way costs one gather,
 * where a one-hot product needs an `[n, k]` mask, a product and a sum.
 */
export function pickEntries(x: tf.Tensor1D, index: Int32Array): tf.Tensor1D {
  const size = x.shape[0];
  let missing = false;
  for (let r = 0; r < index.length; r++) {
    const i = index[r] as number;
    if (i === -1) missing = true;
    else if (!(i >= 0 && i < size)) throw new RangeError(`pickEntries: index[${r}] = ${i} is outside [0, ${size})`);
  }
  const pick = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor1D;
    const safe = missing ? index.map((i) => Math.max(i, 0)) : index;
    let value = tf.gather(input, tf.tensor1d(safe, 'int32')) as tf.Tensor1D;
    if (missing) value = tf.mul(value, tf.tensor1d(Float32Array.from(index, (i) => (i < 0 ? 0 : 1)))) as tf.Tensor1D;
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync();
        const acc = new Float32Array(size);
        for (let r = 0; r < index.length; r++) {
          const i = index[r] as number;
          if (i >= 0) acc[i] = (acc[i] as number) + (g[r] as number);
        }
        return [tf.tensor1d(acc)];
      },
    };
  });
  return pick(x) as tf.Tensor1D;
}
