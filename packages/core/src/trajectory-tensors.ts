import * as tf from '@tensorflow/tfjs-core';
import { maskedLogSoftmax } from './log-softmax.js';
import type { Policy } from './policy.js';
import type { TrajectoryBatch } from './trajectories.js';
import { pickEntries, uniqueRows } from './unique-rows.js';

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
  /** log P_F(stop | s_r) at each row (−1e9-ish where stopping is not allowed); a new tensor on each read. */
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
 * The adapter between a batch and the pure objective functions: one batched policy pass over the
 * distinct visited states (rows with equal features and masks share it: s0 is in every trajectory),
 * masked log-softmax on those, and each row's taken-action log-probability picked out with one
 * gather whose gradient is summed on the host (gather's own gradient is missing on wasm). With a
 * uniform backward policy, log P_B is −log(number of valid backward actions) and carries no gradient.
 * `logPStop` is computed when read (inside the caller's tape/tidy), since most objectives never
 * need it.
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
  // Rows with equal features and masks get equal log-probabilities: compute them once.
  const unique = uniqueRows(batch.features, N, batch.featureSize, { data: batch.forwardMasks, width: A }, { data: batch.backwardMasks, width: K });
  const U = unique.numUnique;
  const first = unique.firstRow;
  const maskOf = (mask: Uint8Array, k: number): Uint8Array => {
    if (U === N) return mask;
    const out = new Uint8Array(U * k);
    for (let u = 0; u < U; u++) out.set(mask.subarray((first[u] as number) * k, (first[u] as number) * k + k), u * k);
    return out;
  };
  const features = tf.tensor2d(U < N ? unique.rows : batch.features, [U, batch.featureSize]);
  const raw = policy.apply(features, { backward: learnedPB, flow: options.flow === true });
  features.dispose();
  const pickIndex = (actions: Int32Array, k: number): Int32Array =>
    Int32Array.from(actions, (a, r) => (a < 0 ? -1 : (unique.index[r] as number) * k + a));

  const fwdLogProbs = tf.reshape(maskedLogSoftmax(raw.forwardLogits, maskOf(batch.forwardMasks, A)), [U * A]) as tf.Tensor1D;
  const logPF = pickEntries(fwdLogProbs, pickIndex(batch.forwardActions, A));

  let logPB: tf.Tensor1D;
  if (learnedPB) {
    if (!raw.backwardLogits) throw new Error('policy.apply did not return backward logits although backward is "learned"');
    const bwdLogProbs = tf.reshape(maskedLogSoftmax(raw.backwardLogits, maskOf(batch.backwardMasks, K)), [U * K]) as tf.Tensor1D;
    logPB = pickEntries(bwdLogProbs, pickIndex(batch.backwardActions, K));
  } else {
    logPB = tf.tensor1d(uniformBackwardLogProbs(batch));
  }
  const logFlow = raw.logFlow ? (U < N ? pickEntries(raw.logFlow, unique.index) : raw.logFlow) : undefined;

  const B = batch.numTrajectories;
  const segment = new Float32Array(B * N);
  for (let r = 0; r < N; r++) segment[(batch.trajectoryOfRow[r] as number) * N + r] = 1;
  const segmentT = tf.tensor2d(segment, [B, N]);
  // The gradient of row r is that of its trajectory: a gather, where autodiff's matMul gradient would
  // multiply by the transposed segment matrix (a transposed matMul, ~1 GFLOP/s on wasm). Equal values.
  // (The index tensor is made in the gradient's own scope: the forward scope may be gone by then.)
  const perTrajectory = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.reshape(tf.matMul(segmentT, tf.reshape(args[0] as tf.Tensor1D, [N, 1])), [B]),
    gradFunc: (dy: tf.Tensor) => [tf.gather(dy, tf.tensor1d(batch.trajectoryOfRow, 'int32'))],
  })) as (rows: tf.Tensor1D) => tf.Tensor1D;

  const stopIndex = Int32Array.from(unique.index, (u) => u * A + A - 1);
  return {
    logPF,
    logPB,
    // Made on each read, in the reader's scope (a cached one could be disposed by an inner tidy).
    get logPStop(): tf.Tensor1D {
      return pickEntries(fwdLogProbs, stopIndex);
    },
    ...(logFlow ? { logFlow } : {}),
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
