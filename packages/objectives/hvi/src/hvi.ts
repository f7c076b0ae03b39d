import { assertGradientsUnderTape } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { detach } from './detach.js';

/**
 * Control variate b subtracted from the score c(τ) in the score-function (REINFORCE) terms:
 * `none` (b = 0), `local` (c̄, the batch estimate of E_{P_F}[c], importance-weighted off-policy),
 * `global` (b = −log Z, with log Z learned by the regression (log Z + c̄)²) or `batch-mean` (the plain
 * mean of c over the batch, whatever the weights: the DAG paper's off-policy reverse KL, which with
 * `plain` weights is Σ log P_F · w(c − mean c), w = exp(log P_F − log π)/B). All detached.
 * On-policy `local` and `batch-mean` are the same.
 */
export type Baseline = 'none' | 'local' | 'global' | 'batch-mean';

/**
 * How off-policy batches are re-weighted towards P_F: `plain` w = P_F(τ)/π(τ) (unnormalised, as the
 * paper's hypergrid code) or `self-normalized` w = softmax_b(log P_F − log π) (lower variance, biased).
 */
export type ImportanceWeighting = 'plain' | 'self-normalized';

/** The four hierarchical-VI objectives of Malkin et al. (2023), Table 1. */
export type HviKind = 'rkl' | 'fkl' | 'ws' | 'rws';

/** Inputs of the hierarchical-VI losses; all per trajectory, `[B]`. */
export interface HviInputs {
  /** log P_F(τ) under the current policy (differentiable), stop step included. */
  readonly logPF: tf.Tensor1D;
  /** log P_B(τ|x) (differentiable when P_B is learned). */
  readonly logPB: tf.Tensor1D;
  /** log R(x). */
  readonly logR: tf.Tensor1D;
  /**
   * log π(τ) of the behaviour policy that sampled each trajectory, a constant. Omit for on-policy
   * batches (π = P_F: every importance weight is 1).
   */
  readonly logBehaviour?: tf.Tensor1D;
  /** Default `global` (needs `logZ`). */
  readonly baseline?: Baseline;
  /**
   * The learned log Z. When given, the loss includes (log Z + c̄)² with c̄ the detached estimate of
   * E_{P_F}[c], so log Z tracks log Ẑ − KL(P_F‖P_B); it is the baseline when `baseline` is `global`.
   */
  readonly logZ?: tf.Scalar;
  /** Off-policy re-weighting (default `plain`). */
  readonly importanceWeighting?: ImportanceWeighting;
}

/** The detached quantities every HVI estimator is built from, `[B]` each (scalars for the rest). */
export interface HviTerms {
  /** c(τ) = log P_F(τ) − log R(x) − log P_B(τ|x), detached. */
  readonly score: tf.Tensor1D;
  /** Weights v of expectations under P_F: 1/B on-policy; importance weights off-policy. Detached. */
  readonly forwardWeights: tf.Tensor1D;
  /** Self-normalised weights w of expectations under the target P_B(τ) = R(x)P_B(τ|x)/Ẑ: softmax(−c + log P_F − log π). Detached. */
  readonly backwardWeights: tf.Tensor1D;
  /** c̄ = Σ v c / Σ v, the estimate of E_{P_F}[c]. Detached. */
  readonly meanScore: tf.Scalar;
  /** The baseline b. Detached. */
  readonly baseline: tf.Scalar;
}

function checkInputs(name: string, inputs: HviInputs): number {
  const { logPF, logPB, logR, logBehaviour } = inputs;
  const list: [string, tf.Tensor | undefined][] = [['logPF', logPF], ['logPB', logPB], ['logR', logR], ['logBehaviour', logBehaviour]];
  for (const [k, t] of list) if (t && t.shape.length !== 1) throw new RangeError(`${name}: ${k} must be a 1-D tensor of shape [B]`);
  const B = logPF.shape[0];
  if (list.some(([, t]) => t && t.shape[0] !== B)) {
    throw new RangeError(`${name}: shapes differ: ${list.filter(([, t]) => t).map(([k, t]) => `${k} [${t?.shape[0]}]`).join(', ')}`);
  }
  if (B < 1) throw new RangeError(`${name}: the batch is empty`);
  const baseline = inputs.baseline ?? 'global';
  if (!['none', 'local', 'global', 'batch-mean'].includes(baseline)) throw new RangeError(`${name}: unknown baseline "${String(baseline)}" (expected none, local, global or batch-mean)`);
  if (baseline === 'global' && !inputs.logZ) throw new RangeError(`${name}: the global baseline needs logZ`);
  if (inputs.logZ && inputs.logZ.size !== 1) throw new RangeError(`${name}: logZ must be a scalar`);
  const iw = inputs.importanceWeighting ?? 'plain';
  if (iw !== 'plain' && iw !== 'self-normalized') throw new RangeError(`${name}: unknown importance weighting "${String(iw)}" (expected plain or self-normalized)`);
  return B;
}

/** Computes the detached {@link HviTerms} of a batch. Tensors are created in the caller's scope. */
export function hviTerms(inputs: HviInputs): HviTerms {
  const B = checkInputs('hvi', inputs);
  const logPF = detach(inputs.logPF);
  const score = tf.sub(tf.sub(logPF, detach(inputs.logR)), detach(inputs.logPB)) as tf.Tensor1D;
  // log ρ = log P_F − log π: the log importance weight towards P_F (0 on-policy).
  const logRho = inputs.logBehaviour ? (tf.sub(logPF, detach(inputs.logBehaviour)) as tf.Tensor1D) : (tf.zeros([B]) as tf.Tensor1D);
  let forwardWeights: tf.Tensor1D;
  if (!inputs.logBehaviour) forwardWeights = tf.fill([B], 1 / B) as tf.Tensor1D;
  else if ((inputs.importanceWeighting ?? 'plain') === 'plain') forwardWeights = tf.div(tf.exp(logRho), B) as tf.Tensor1D;
  else forwardWeights = tf.softmax(logRho) as tf.Tensor1D;
  const backwardWeights = tf.softmax(tf.sub(logRho, score)) as tf.Tensor1D;
  const meanScore = tf.div(tf.sum(tf.mul(forwardWeights, score)), tf.sum(forwardWeights)) as tf.Scalar;
  const kind = inputs.baseline ?? 'global';
  const baseline =
    kind === 'none'
      ? tf.scalar(0)
      : kind === 'local'
        ? meanScore
        : kind === 'batch-mean'
          ? (tf.mean(score) as tf.Scalar)
          : (tf.neg(detach(tf.reshape(inputs.logZ as tf.Scalar, []))) as tf.Scalar);
  return { score, forwardWeights, backwardWeights, meanScore, baseline };
}

/** Σ v·log P_F·(c − b): gradient ∇_θ KL(P_F‖P_B) (REINFORCE with baseline). */
function reverseForwardTerm(inputs: HviInputs, t: HviTerms): tf.Scalar {
  return tf.sum(tf.mul(inputs.logPF, tf.mul(t.forwardWeights, tf.sub(t.score, t.baseline)))) as tf.Scalar;
}
/** −Σ v·log P_B: gradient ∇_φ KL(P_F‖P_B) (maximum likelihood of P_B on P_F's samples). */
function reverseBackwardTerm(inputs: HviInputs, t: HviTerms): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(inputs.logPB, t.forwardWeights))) as tf.Scalar;
}
/** −Σ w·log P_F: gradient ∇_θ KL(P_B‖P_F) (self-normalised weighted maximum likelihood). */
function forwardForwardTerm(inputs: HviInputs, t: HviTerms): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(inputs.logPF, t.backwardWeights))) as tf.Scalar;
}
/** −Σ w·log P_B·(c − b): gradient ∇_φ KL(P_B‖P_F) (self-normalised score function). */
function forwardBackwardTerm(inputs: HviInputs, t: HviTerms): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(inputs.logPB, tf.mul(t.backwardWeights, tf.sub(t.score, t.baseline))))) as tf.Scalar;
}

/**
 * The surrogate loss of one HVI objective: a scalar whose gradient is the estimator (its value is
 * not a divergence). With P_F's parameters θ and P_B's φ:
 * - `rkl` reverse KL: θ and φ by ∇ D_KL(P_F‖P_B) — Σ v·log P_F·(c − b) − Σ v·log P_B;
 * - `fkl` forward KL: θ and φ by ∇ D_KL(P_B‖P_F) — −Σ w·log P_F − Σ w·log P_B·(c − b);
 * - `ws` wake-sleep: θ by forward KL (sleep), φ by reverse KL (wake) — −Σ w·log P_F − Σ v·log P_B;
 * - `rws` reverse wake-sleep: θ by reverse KL, φ by forward KL — Σ v·log P_F·(c − b) − Σ w·log P_B·(c − b);
 * plus (log Z + c̄)² when `logZ` is given. c, v, w, b are detached (see {@link hviTerms}).
 * Pure: usable on tensors from any model. Returns a scalar the caller disposes.
 *
 * @example
 * const loss = hviLoss('rkl', { logPF, logPB, logR, logZ, baseline: 'global' });
 */
export function hviLoss(kind: HviKind, inputs: HviInputs): tf.Scalar {
  assertGradientsUnderTape();
  checkInputs(kind, inputs);
  return tf.tidy(() => {
    const t = hviTerms(inputs);
    const parts: tf.Scalar[] = [];
    if (kind === 'rkl') parts.push(reverseForwardTerm(inputs, t), reverseBackwardTerm(inputs, t));
    else if (kind === 'fkl') parts.push(forwardForwardTerm(inputs, t), forwardBackwardTerm(inputs, t));
    else if (kind === 'ws') parts.push(forwardForwardTerm(inputs, t), reverseBackwardTerm(inputs, t));
    else if (kind === 'rws') parts.push(reverseForwardTerm(inputs, t), forwardBackwardTerm(inputs, t));
    else throw new RangeError(`hviLoss: unknown objective "${String(kind)}" (expected rkl, fkl, ws or rws)`);
    if (inputs.logZ) parts.push(tf.square(tf.add(tf.reshape(inputs.logZ, []), t.meanScore)) as tf.Scalar);
    return tf.addN(parts) as tf.Scalar;
  });
}

/** Reverse KL D_KL(P_F‖P_B) with the score-function estimator (see {@link hviLoss}). */
export function reverseKL(inputs: HviInputs): tf.Scalar {
  return hviLoss('rkl', inputs);
}
/** Forward KL D_KL(P_B‖P_F) with self-normalised importance weights (see {@link hviLoss}). */
export function forwardKL(inputs: HviInputs): tf.Scalar {
  return hviLoss('fkl', inputs);
}
/** Wake-sleep: P_F by forward KL, P_B by reverse KL (see {@link hviLoss}). */
export function wakeSleep(inputs: HviInputs): tf.Scalar {
  return hviLoss('ws', inputs);
}
/** Reverse wake-sleep: P_F by reverse KL, P_B by forward KL (see {@link hviLoss}). */
export function reverseWakeSleep(inputs: HviInputs): tf.Scalar {
  return hviLoss('rws', inputs);
}
