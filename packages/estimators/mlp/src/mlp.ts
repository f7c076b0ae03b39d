import type { BackwardPolicyKind, ParameterGroup, Policy, PolicyHeads, PolicyOutputs } from '@gflownet/core';
import { PolicyTypeId, Random, uniqueRows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { mlpForward } from './dense.js';

/** Options of {@link mlpPolicy}. */
export interface MlpPolicyOptions {
  /** Input width (the environment's `featureSize`). */
  readonly featureSize: number;
  /** Forward actions including stop. */
  readonly numActions: number;
  /** Backward actions. */
  readonly numBackwardActions: number;
  /** Hidden layer widths (default: `[256, 256]`, as in the paper). */
  readonly hidden?: readonly number[];
  /** `learned`: a separate MLP for P_B; `uniform`: P_B uniform over valid parents (default: `learned`). */
  readonly backward?: BackwardPolicyKind;
  /** Add a separate MLP for the log state flow log F(s) (DB, SubTB) (default: `false`). */
  readonly flow?: boolean;
  /** Seed of the weight initialisation (default: `0`). */
  readonly seed?: number;
}

/** A variable initialised from `t`; `t` itself is released (the variable keeps the data). */
function variableFrom<R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

interface Layer {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

/** One MLP: hidden ReLU layers, then a linear output layer. */
class Mlp {
  readonly layers: Layer[];
  constructor(sizes: readonly number[], random: Random) {
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l] as number;
      const fanOut = sizes[l + 1] as number;
      // PyTorch's default Linear initialisation, U(−1/√fan_in, 1/√fan_in), drawn from our seeded generator.
      const bound = 1 / Math.sqrt(fanIn);
      const w = new Float32Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = (2 * random.next() - 1) * bound;
      const b = new Float32Array(fanOut);
      for (let i = 0; i < b.length; i++) b[i] = (2 * random.next() - 1) * bound;
      this.layers.push({ w: variableFrom(tf.tensor2d(w, [fanIn, fanOut])), b: variableFrom(tf.tensor1d(b)) });
    }
  }
  /** Differentiable output (one fused op on the gradient tape). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return mlpForward(x, this.variables());
  }
  /**
   * Inference output. Same kernels as {@link Mlp.apply}'s forward pass (matMul with fused bias, then
   * ReLU), so on wasm the weights packed for sampling are reused by the loss pass of the same step.
   */
  infer(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, i) => {
      const z = tf.fused.matMul({ a: h, b: layer.w, bias: layer.b }) as tf.Tensor2D;
      h = i + 1 < this.layers.length ? tf.relu(z) : z;
    });
    return h;
  }
  variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.w, l.b]);
  }
}

/** A {@link Policy} made of MLPs, with its options. */
export interface MlpPolicy extends Policy {
  readonly hidden: readonly number[];
}

function checkSize(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`mlpPolicy: ${name} must be a positive integer, got ${v}`);
}

/**
 * A GFlowNet policy of separate MLPs (as in the paper): P_F always; P_B when `backward` is
 * `learned`; log F(s) when `flow` is set. Weights are initialised from `seed`, so equal seeds give
 * equal policies on every backend.
 *
 * @example
 * const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions });
 */
export function mlpPolicy(options: MlpPolicyOptions): MlpPolicy {
  const hidden = options.hidden ?? [256, 256];
  checkSize('featureSize', options.featureSize);
  checkSize('numActions', options.numActions);
  checkSize('numBackwardActions', options.numBackwardActions);
  hidden.forEach((h, i) => checkSize(`hidden[${i}]`, h));
  const backward = options.backward ?? 'learned';
  if (backward !== 'learned' && backward !== 'uniform') throw new RangeError(`mlpPolicy: backward must be "learned" or "uniform", got ${String(backward)}`);
  const random = new Random(options.seed ?? 0);
  const F = options.featureSize;
  const forward = new Mlp([F, ...hidden, options.numActions], random);
  const backwardNet = backward === 'learned' ? new Mlp([F, ...hidden, options.numBackwardActions], random) : undefined;
  const flowNet = options.flow ? new Mlp([F, ...hidden, 1], random) : undefined;

  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: F,
    numActions: options.numActions,
    numBackwardActions: options.numBackwardActions,
    backward,
    hasFlow: flowNet !== undefined,
    hidden: [...hidden],
    apply(features: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs {
      const forwardLogits = forward.apply(features);
      const out: { forwardLogits: tf.Tensor2D; backwardLogits?: tf.Tensor2D; logFlow?: tf.Tensor1D } = { forwardLogits };
      if (heads.backward && backwardNet) out.backwardLogits = backwardNet.apply(features);
      if (heads.flow && flowNet) out.logFlow = tf.reshape(flowNet.apply(features), [features.shape[0]]) as tf.Tensor1D;
      return out;
    },
    forwardLogits(features: Float32Array, n: number): Float32Array {
      // Trajectories share states (all start at s0): run the network once per distinct row.
      const unique = uniqueRows(features, n, F);
      const rows = unique.numUnique < n ? unique.rows : features;
      const m = unique.numUnique < n ? unique.numUnique : n;
      // Read the result outside tidy: tidy walks a returned typed array element by element (~1 s per million).
      const out = tf.tidy(() => forward.infer(tf.tensor2d(rows, [m, F])));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      if (m === n) return data;
      const A = options.numActions;
      const logits = new Float32Array(n * A);
      for (let i = 0; i < n; i++) logits.set(data.subarray((unique.index[i] as number) * A, (unique.index[i] as number) * A + A), i * A);
      return logits;
    },
    parameters(): Record<ParameterGroup, tf.Variable[]> {
      return { forward: forward.variables(), backward: backwardNet?.variables() ?? [], flow: flowNet?.variables() ?? [] };
    },
    dispose() {
      for (const v of [...forward.variables(), ...(backwardNet?.variables() ?? []), ...(flowNet?.variables() ?? [])]) v.dispose();
    },
  };
}
