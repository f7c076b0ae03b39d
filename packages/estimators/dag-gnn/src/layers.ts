import type { Random } from '@gflownet/core';
import { dense } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Standard deviation of a standard normal truncated to [−2, 2]. */
const TRUNCATED_STD = 0.8796256610342398;

/** `n` draws of `std`·N(0, 1) truncated to [−2, 2] (by rejection), as Haiku's `TruncatedNormal(std)`. */
export function truncatedNormal(random: Random, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = random.normal();
    while (z < -2 || z > 2) z = random.normal();
    out[i] = std * z;
  }
  return out;
}

/** A variable initialised from `t`; `t` itself is released (the variable keeps the data). */
export function variableFrom<R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** `x` with its last two axes swapped. */
export function swapLastAxes<T extends tf.Tensor>(x: T): T {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1] as number, perm[r - 2] as number];
  return tf.transpose(x, perm) as T;
}

/**
 * `a·b` (2-D, or batched 3-D) whose gradient multiplies by explicitly transposed operands, like
 * core's `dense`: autodiff's gradient uses matMul's transpose flags, which wasm runs on a slow path
 * (most of a backward pass of this network, measured). Pass `swapLastAxes(b)` for `a·bᵀ`.
 */
export const product = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, swapLastAxes(sb)), tf.matMul(swapLastAxes(sa), dy)];
    },
  };
}) as <T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T) => T;

/**
 * `out[s] = Σ_{r: segment[r] = s} x[r]` for a `[m, k]` tensor, `[numSegments, k]`: the sum on the
 * host (one pass), the gradient a gather. Works on every backend (wasm ships no
 * `UnsortedSegmentSum`); the sizes here (edges × width) make the host pass cheap.
 */
export function sumRows(x: tf.Tensor2D, segment: Int32Array, numSegments: number): tf.Tensor2D {
  const [m, k] = x.shape;
  if (segment.length !== m) throw new RangeError(`sumRows: ${segment.length} segment ids for ${m} rows`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const values = (args[0] as tf.Tensor2D).dataSync();
    const out = new Float32Array(numSegments * k);
    for (let r = 0; r < m; r++) {
      const o = (segment[r] as number) * k;
      for (let j = 0; j < k; j++) out[o + j] = (out[o + j] as number) + (values[r * k + j] as number);
    }
    return {
      value: tf.tensor2d(out, [numSegments, k]),
      gradFunc: (dy: tf.Tensor) => [tf.gather(dy, tf.tensor1d(segment, 'int32'))],
    };
  });
  return op(x) as tf.Tensor2D;
}

/** A linear layer `x·W + b`. */
export interface Linear {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

/**
 * A linear layer initialised as Haiku's `Linear`: W ~ TruncatedNormal(1/√fan_in), b = 0. `scale`
 * gives Haiku's `VarianceScaling(scale)` instead: a truncated normal whose *actual* standard deviation
 * is √(scale/fan_in) (used by its multi-head attention with `w_init_scale`).
 */
export function linear(fanIn: number, fanOut: number, random: Random, scale?: number): Linear {
  const std = scale === undefined ? 1 / Math.sqrt(fanIn) : Math.sqrt(scale / fanIn) / TRUNCATED_STD;
  return {
    w: variableFrom(tf.tensor2d(truncatedNormal(random, fanIn * fanOut, std), [fanIn, fanOut])),
    b: variableFrom(tf.zeros([fanOut]) as tf.Tensor1D),
  };
}

/** An MLP `x → relu(x·W1 + b1) → … → x·WL + bL` (Haiku's `nets.MLP`: no activation after the last layer). */
export class Mlp {
  readonly layers: Linear[];
  constructor(sizes: readonly number[], random: Random) {
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) this.layers.push(linear(sizes[l] as number, sizes[l + 1] as number, random));
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, i) => {
      h = dense(h, layer.w, layer.b, i + 1 < this.layers.length ? 'relu' : 'linear');
    });
    return h;
  }
  variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.w, l.b]);
  }
}

/**
 * An MLP whose input is the concatenation of several blocks, with the first layer's weight split by
 * block: `relu(Σ_k x_k·W_k + b)` then the remaining layers. Equal to the MLP on the concatenated input,
 * but a block can be computed at its own, smaller shape and broadcast (the edge update of a graph
 * network sees node features per node, not per edge).
 */
export class SplitInputMlp {
  readonly first: tf.Variable<tf.Rank.R2>[];
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly rest: Mlp;
  constructor(inputSizes: readonly number[], sizes: readonly number[], random: Random) {
    const fanIn = inputSizes.reduce((a, b) => a + b, 0);
    const whole = linear(fanIn, sizes[0] as number, random);
    this.first = [];
    let offset = 0;
    for (const size of inputSizes) {
      this.first.push(variableFrom(tf.slice(whole.w, [offset, 0], [size, sizes[0] as number]) as tf.Tensor2D));
      offset += size;
    }
    whole.w.dispose();
    this.bias = whole.b;
    this.rest = new Mlp(sizes, random);
  }
  /** Projection of input block `k` (`[m, inputSizes[k]]`) by its part of the first layer. */
  project(k: number, x: tf.Tensor2D): tf.Tensor2D {
    return product(x, this.first[k] as tf.Tensor2D);
  }
  /** The rest of the MLP on the summed (already broadcast) first-layer pre-activation, bias excluded. */
  finish(preActivation: tf.Tensor2D): tf.Tensor2D {
    const h = tf.relu(tf.add(preActivation, this.bias)) as tf.Tensor2D;
    return this.rest.layers.length > 0 ? this.rest.apply(h) : h;
  }
  variables(): tf.Variable[] {
    return [...this.first, this.bias, ...this.rest.variables()];
  }
}

/**
 * Multi-head self-attention (Haiku's `MultiHeadAttention`, softmax(QKᵀ/√key_size)·V per head, heads
 * concatenated, then a linear output) over the `n` items of each of `batch` sets: `[batch·n, in]`
 * inputs for queries, keys and values, `[batch·n, out]` output.
 */
export class MultiHeadAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  constructor(
    inputSize: number,
    readonly heads: number,
    readonly keySize: number,
    outputSize: number,
    random: Random,
    scale: number,
  ) {
    this.query = linear(inputSize, heads * keySize, random, scale);
    this.key = linear(inputSize, heads * keySize, random, scale);
    this.value = linear(inputSize, heads * keySize, random, scale);
    this.output = linear(heads * keySize, outputSize, random, scale);
  }
  apply(queries: tf.Tensor2D, keys: tf.Tensor2D, values: tf.Tensor2D, batch: number, n: number): tf.Tensor2D {
    const H = this.heads;
    const K = this.keySize;
    // [batch·n, H·K] → [batch·H, n, K]
    const split = (x: tf.Tensor2D, l: Linear): tf.Tensor3D =>
      tf.reshape(tf.transpose(tf.reshape(dense(x, l.w, l.b, 'linear'), [batch, n, H, K]), [0, 2, 1, 3]), [batch * H, n, K]) as tf.Tensor3D;
    const q = split(queries, this.query);
    const k = split(keys, this.key);
    const v = split(values, this.value);
    const weights = tf.softmax(tf.div(product(q, swapLastAxes(k)), Math.sqrt(K))) as tf.Tensor3D;
    const attended = tf.reshape(tf.transpose(tf.reshape(product(weights, v), [batch, H, n, K]), [0, 2, 1, 3]), [batch * n, H * K]) as tf.Tensor2D;
    return dense(attended, this.output.w, this.output.b, 'linear');
  }
  variables(): tf.Variable[] {
    return [this.query, this.key, this.value, this.output].flatMap((l) => [l.w, l.b]);
  }
}
