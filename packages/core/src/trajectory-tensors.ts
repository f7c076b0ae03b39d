import * as tf from '@tensorflow/tfjs-core';
import { maskBias } from './log-softmax.js';
import type { Policy } from './policy.js';
import type { TrajectoryBatch } from './trajectories.js';
import { expandRows, uniqueRows } from './unique-rows.js';

/**
 * Tensors an objective needs, recomputed from a {@link TrajectoryBatch} under the *current* policy.
 * Row tensors have shape `[numRows]` in the batch's row order; trajectory tensors `[numTrajectories]`.
 * Created inside the caller's tape/tidy; the caller disposes them.
 */
export interface TrajectoryTensors {
  /** log P_F(a_r | s_r) of the action taken at each row (the stop action on a trajectory's last row). */
  readonly logPF: tf.Tensor1D;
  /** log P_B(s_{r-1} | s_r) at each row; 0 at s0 rows. */
  readonly logPB: tf.Tensor1D;
  /** log P_F(stop | s_r) at each row (−1e9-ish where stopping is not allowed). */
  readonly logPStop: tf.Tensor1D;
  /** log F(s_r); present when asked for. */
  readonly logFlow?: tf.Tensor1D;
  /** log R(x) per trajectory. */
  readonly logR: tf.Tensor1D;
  /** Sums a row tensor `[numRows]` over each trajectory, giving `[numTrajectories]` (a matMul, so gradients work on every backend). */
  perTrajectory(rows: tf.Tensor1D): tf.Tensor1D;
}

/** Options of {@link trajectoryTensors}. */
export interface TrajectoryTensorOptions {
  /** Compute the state flow (needs a policy with a flow head). */
  readonly flow?: boolean;
}

/**
 * The adapter between a batch and the pure objective functions: one batched policy pass over every
 * visited state, masked log-softmax, and the taken actions' log-probabilities selected by one-hot
 * products (gather's gradient is missing on wasm). With a uniform backward policy, log P_B is
 * −log(number of valid backward actions) and carries no gradient.
 */
export function trajectoryTensors(
  policy: Policy,
  batch: TrajectoryBatch,
  options: TrajectoryTensorOptions = {},
): TrajectoryTensors {
  const N = batch.numRows;
  const A = batch.numActions;
  const K = batch.numBackwardActions;
  if (policy.featureSize !== batch.featureSize || policy.numActions !== A || policy.numBackwardActions !== K) {
    throw new RangeError(
      `policy (features ${policy.featureSize}, actions ${policy.numActions}/${policy.numBackwardActions}) does not fit the batch (features ${batch.featureSize}, actions ${A}/${K})`,
    );
  }
  if (options.flow && !policy.hasFlow) throw new Error('this objective needs a policy with a state-flow head (flow: true)');
  const learnedPB = policy.backward === 'learned';
  // One policy pass over the distinct visited states, expanded back to rows (s0 alone is in every trajectory).
  const unique = uniqueRows(batch.features, N, batch.featureSize);
  const dedupe = unique.numUnique < N;
  const features = dedupe ? tf.tensor2d(unique.rows, [unique.numUnique, batch.featureSize]) : tf.tensor2d(batch.features, [N, batch.featureSize]);
  const raw = policy.apply(features, { backward: learnedPB, flow: options.flow === true });
  features.dispose();
  const expand = <T extends tf.Tensor2D | undefined>(t: T): T => (dedupe && t ? (expandRows(t, unique.index) as T) : t);
  const out = {
    forwardLogits: expand(raw.forwardLogits),
    backwardLogits: expand(raw.backwardLogits),
    logFlow: raw.logFlow && dedupe ? (tf.reshape(expandRows(tf.reshape(raw.logFlow, [unique.numUnique, 1]) as tf.Tensor2D, unique.index), [N]) as tf.Tensor1D) : raw.logFlow,
  };

  const fwdLogProbs = tf.logSoftmax(tf.add(out.forwardLogits, tf.tensor2d(maskBias(batch.forwardMasks), [N, A])));
  const takenF = new Float32Array(N * A);
  const stopF = new Float32Array(N * A);
  for (let r = 0; r < N; r++) {
    takenF[r * A + (batch.forwardActions[r] as number)] = 1;
    stopF[r * A + A - 1] = 1;
  }
  const logPF = tf.sum(tf.mul(fwdLogProbs, tf.tensor2d(takenF, [N, A])), 1) as tf.Tensor1D;
  const logPStop = tf.sum(tf.mul(fwdLogProbs, tf.tensor2d(stopF, [N, A])), 1) as tf.Tensor1D;

  let logPB: tf.Tensor1D;
  if (learnedPB) {
    if (!out.backwardLogits) throw new Error('policy.apply did not return backward logits although backward is "learned"');
    const bwdLogProbs = tf.logSoftmax(tf.add(out.backwardLogits, tf.tensor2d(maskBias(batch.backwardMasks), [N, K])));
    const takenB = new Float32Array(N * K);
    for (let r = 0; r < N; r++) {
      const a = batch.backwardActions[r] as number;
      if (a >= 0) takenB[r * K + a] = 1;
    }
    logPB = tf.sum(tf.mul(bwdLogProbs, tf.tensor2d(takenB, [N, K])), 1) as tf.Tensor1D;
  } else {
    logPB = tf.tensor1d(uniformBackwardLogProbs(batch));
  }

  const B = batch.numTrajectories;
  const segment = new Float32Array(B * N);
  for (let r = 0; r < N; r++) segment[(batch.trajectoryOfRow[r] as number) * N + r] = 1;
  const segmentT = tf.tensor2d(segment, [B, N]);
  const perTrajectory = (rows: tf.Tensor1D): tf.Tensor1D =>
    tf.reshape(tf.matMul(segmentT, tf.reshape(rows, [N, 1])), [B]) as tf.Tensor1D;

  return {
    logPF,
    logPB,
    logPStop,
    ...(out.logFlow ? { logFlow: out.logFlow } : {}),
    logR: tf.tensor1d(Float32Array.from(batch.logRewards)),
    perTrajectory,
  };
}

/** log P_B of each row under the uniform backward policy: −log(#valid backward actions); 0 at s0. */
export function uniformBackwardLogProbs(batch: TrajectoryBatch): Float32Array {
  const N = batch.numRows;
  const K = batch.numBackwardActions;
  const out = new Float32Array(N);
  for (let r = 0; r < N; r++) {
    if ((batch.backwardActions[r] as number) < 0) continue;
    let c = 0;
    for (let a = 0; a < K; a++) c += batch.backwardMasks[r * K + a] as number;
    out[r] = -Math.log(c);
  }
  return out;
}
