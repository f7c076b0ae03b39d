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
  /**
   * How P_F treats the stop action (the last one). `softmax` (default): one masked softmax over all
   * actions. `sigmoid`: the DAG-GFlowNet parameterisation, P(stop) = σ(s) from the stop output and
   * P(a) = (1 − σ(s))·softmax over the valid non-stop actions; needs {@link MlpPolicyOptions.forwardMask}.
   */
  readonly stopHead?: StopHead;
  /**
   * `[n, numActions]` validity mask (1 = allowed) of the states whose features are given, as the
   * environment's `forwardMask` would return it. Required by `stopHead: 'sigmoid'`, whose
   * probabilities depend on which actions are valid. For the DAG environment, whose features are the
   * state bytes, `(f, n) => env.forwardMask({ data: Uint8Array.from(f), width: env.featureSize, n })`.
   */
  readonly forwardMask?: (features: Float32Array, n: number) => Uint8Array;
}

/**
 * Log-probability given to invalid actions: core's MASKED_LOGIT (finite, so that one-hot products
 * and gradients stay free of NaN). Spelled out here because this file's imports are edited elsewhere.
 */
const INVALID_LOG_PROB = -1e9;

/** Parameterisation of the stop probability (see {@link MlpPolicyOptions.stopHead}). */
export type StopHead = 'softmax' | 'sigmoid';

/**
 * Log-probabilities of the sigmoid-stop parameterisation (DAG-GFlowNet's `log_policy`): `logits`
 * `[n, A]` whose last column is the stop logit s, `mask` `[n, A]` 0/1 floats. Returns `[n, A]`:
 * log σ(s) for stop, log(1 − σ(s)) + masked log-softmax of the other valid actions; when stop is
 * invalid the others get the plain masked log-softmax, and when stop is the only valid action it gets
 * 0. Invalid entries are ≤ −1e9 (core's MASKED_LOGIT). log σ(s) = −softplus(−s), log(1 − σ(s)) = −softplus(s).
 * The rows are normalised over the valid actions, so a consumer's masked log-softmax leaves them
 * unchanged (log-softmax of log-probabilities is the identity): they can be returned as logits.
 */
export function sigmoidStopLogProbs(logits: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, A] = logits.shape;
    const K = A - 1;
    const actionLogits = tf.slice(logits, [0, 0], [n, K]);
    const stop = tf.slice(logits, [0, K], [n, 1]);
    const actionMask = tf.slice(mask, [0, 0], [n, K]);
    const stopValid = tf.slice(mask, [0, K], [n, 1]);
    const actionBias = tf.mul(tf.sub(1, actionMask), INVALID_LOG_PROB);
    const hasAction = tf.max(actionMask, 1, true);
    const actionLogProbs = tf.add(tf.sub(tf.logSoftmax(tf.add(actionLogits, actionBias)), tf.mul(tf.softplus(stop), stopValid)), actionBias);
    const stopLogProb = tf.add(tf.mul(tf.neg(tf.softplus(tf.neg(stop))), hasAction), tf.mul(tf.sub(1, stopValid), INVALID_LOG_PROB));
    return tf.concat([actionLogProbs, stopLogProb], 1) as tf.Tensor2D;
  });
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
  /** Differentiable in the parameters (one op per layer on the gradient tape); features are data, so x gets no gradient. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return mlpForward(x, this.variables(), { inputGradient: false });
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
  readonly stopHead: StopHead;
}

function checkSize(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`mlpPolicy: ${name} must be a positive integer, got ${v}`);
}

/**
 * A GFlowNet policy of separate MLPs (as in the paper): P_F always; P_B when `backward` is
 * `learned`; log F(s) when `flow` is set. Weights are initialised from `seed`, so equal seeds give
 * equal policies on every backend. With `stopHead: 'sigmoid'` the forward logits are the
 * log-probabilities of {@link sigmoidStopLogProbs} (the stop output is the sigmoid's logit).
 * `apply` is differentiable in the parameters only: features are data, and their gradient (which no
 * objective needs) is skipped; use {@link mlpForward} on the parameters for gradients in the inputs.
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
  const stopHead = options.stopHead ?? 'softmax';
  if (stopHead !== 'softmax' && stopHead !== 'sigmoid') throw new RangeError(`mlpPolicy: stopHead must be "softmax" or "sigmoid", got ${String(stopHead)}`);
  const maskOf = options.forwardMask;
  if (stopHead === 'sigmoid' && typeof maskOf !== 'function') throw new RangeError('mlpPolicy: stopHead "sigmoid" needs forwardMask(features, n), the environment\'s validity mask');
  if (stopHead === 'sigmoid' && options.numActions < 2) throw new RangeError(`mlpPolicy: stopHead "sigmoid" needs numActions ≥ 2 (stop and at least one other action), got ${options.numActions}`);
  const random = new Random(options.seed ?? 0);
  const F = options.featureSize;
  const A = options.numActions;
  // The sigmoid head's log-probabilities serve as logits: consumers re-apply the masked log-softmax, which leaves them unchanged.
  const head = (raw: tf.Tensor2D, rows: Float32Array, n: number): tf.Tensor2D => {
    if (stopHead === 'softmax' || !maskOf) return raw;
    const mask = maskOf(rows, n);
    if (mask.length !== n * A) throw new RangeError(`mlpPolicy: forwardMask returned ${mask.length} entries for ${n} states × ${A} actions`);
    return tf.tidy(() => sigmoidStopLogProbs(raw, tf.tensor2d(Float32Array.from(mask), [n, A])));
  };
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
    stopHead,
    apply(features: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs {
      const raw = forward.apply(features);
      const forwardLogits = stopHead === 'softmax' ? raw : head(raw, features.dataSync() as Float32Array, features.shape[0]);
      if (forwardLogits !== raw) raw.dispose();
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
      const out = tf.tidy(() => head(forward.infer(tf.tensor2d(rows, [m, F])), rows, m));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      if (m === n) return data;
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
