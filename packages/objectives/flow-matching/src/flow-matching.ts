import type { Environment, Objective, ObjectiveContext, RegressionLoss, TrajectoryBatch } from '@gflownet/core';
import { assertGradientsUnderTape, expandRows, maskBias, ObjectiveTypeId, parentsOf, pickEntries, regressionLoss, uniqueRows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link flowMatching}: `M` states, each with its incoming and outgoing edge flows. */
export interface FlowMatchingInputs {
  /** `[M, P]` log flows log F(s→s') of the edges into each state s' (rows padded to P; see `incomingMask`). */
  readonly logInflows: tf.Tensor2D;
  /** `[M, P]` row-major, 1 where the entry of `logInflows` is a real edge. A row of zeros (s0) is skipped. */
  readonly incomingMask: Uint8Array;
  /** `[M, K]` log flows of the edges out of each state, the edge to the sink (stop) included. */
  readonly logOutflows: tf.Tensor2D;
  /** `[M, K]` row-major, 1 where the entry of `logOutflows` is a real edge. */
  readonly outgoingMask: Uint8Array;
  /** `[L]` log F(x→s_f) of terminating edges, matched to `logR` (omit both for no leaf terms). */
  readonly logSinkFlows?: tf.Tensor1D;
  /** `[L]` log R(x) of those terminating states. */
  readonly logR?: tf.Tensor1D;
  /** Weight of each leaf term relative to a state term (default `1`). */
  readonly leafWeight?: number;
  /** Regression loss (default `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * Flow matching (Bengio et al. 2021) in log space: for each state s' with parents,
 * ℓ(log Σ_{s→s'} F(s→s') − log Σ_{s'→s''} F(s'→s'')), where the outgoing edges include the edge to the
 * sink; and for each terminating edge, ℓ(log F(x→s_f) − log R(x)) (the sink edge carries the reward).
 * The loss is the weighted mean of these terms. Sums are log-sum-exps over the masked entries, so no ε is
 * needed. Pure: usable on tensors from any model.
 *
 * @example
 * const loss = flowMatching({ logInflows, incomingMask, logOutflows, outgoingMask, logSinkFlows, logR });
 */
export function flowMatching(inputs: FlowMatchingInputs): tf.Scalar {
  assertGradientsUnderTape();
  const { logInflows, incomingMask, logOutflows, outgoingMask } = inputs;
  if (logInflows.shape.length !== 2 || logOutflows.shape.length !== 2) throw new RangeError('flowMatching: logInflows must be [M, P] and logOutflows [M, K]');
  const [M, P] = logInflows.shape;
  const K = logOutflows.shape[1];
  if (logOutflows.shape[0] !== M) throw new RangeError(`flowMatching: shapes differ: logInflows [${M}, ${P}], logOutflows [${logOutflows.shape.join(', ')}]`);
  if (incomingMask.length !== M * P) throw new RangeError(`flowMatching: incomingMask has ${incomingMask.length} entries, expected ${M}×${P}`);
  if (outgoingMask.length !== M * K) throw new RangeError(`flowMatching: outgoingMask has ${outgoingMask.length} entries, expected ${M}×${K}`);
  if ((inputs.logSinkFlows === undefined) !== (inputs.logR === undefined)) throw new RangeError('flowMatching: give both logSinkFlows and logR, or neither');
  const L = inputs.logSinkFlows?.shape[0] ?? 0;
  if (inputs.logR && inputs.logR.shape[0] !== L) throw new RangeError(`flowMatching: shapes differ: logSinkFlows [${L}], logR [${inputs.logR.shape[0]}]`);
  const leafWeight = inputs.leafWeight ?? 1;
  if (!(leafWeight >= 0 && Number.isFinite(leafWeight))) throw new RangeError(`flowMatching: leafWeight must be a finite number ≥ 0, got ${leafWeight}`);
  const kind = inputs.loss ?? 'squared';
  // States with no incoming edge (s0) have an unknown inflow (Z): they carry no term.
  const stateWeights = new Float32Array(M);
  let count = 0;
  for (let m = 0; m < M; m++) {
    for (let p = 0; p < P; p++) if (incomingMask[m * P + p]) {
      stateWeights[m] = 1;
      count++;
      break;
    }
  }
  const total = count + leafWeight * L;
  return tf.tidy(() => {
    const inflow = tf.logSumExp(tf.add(logInflows, tf.tensor2d(maskBias(incomingMask), [M, P])), 1);
    const outflow = tf.logSumExp(tf.add(logOutflows, tf.tensor2d(maskBias(outgoingMask), [M, K])), 1);
    let sum = tf.sum(tf.mul(regressionLoss(tf.sub(inflow, outflow), kind), tf.tensor1d(stateWeights)));
    if (inputs.logSinkFlows && inputs.logR && L > 0) {
      sum = tf.add(sum, tf.mul(leafWeight, tf.sum(regressionLoss(tf.sub(inputs.logSinkFlows, inputs.logR), kind))));
    }
    return tf.div(sum, Math.max(total, 1e-30)) as tf.Scalar;
  });
}

/**
 * The state of every row of a batch, rebuilt by replaying the forward actions from s0 (for batches
 * without {@link TrajectoryBatch.states}). Throws when the replayed features differ from the batch's
 * (wrong environment).
 */
export function replayStates<S>(env: Environment<S>, batch: TrajectoryBatch): S {
  const B = batch.numTrajectories;
  const stop = env.numActions - 1;
  const parts: S[] = [];
  const rowOfPosition: number[] = [];
  let states = env.initialStates(B);
  let active = Int32Array.from({ length: B }, (_, b) => b);
  for (let t = 0; active.length > 0; t++) {
    parts.push(states);
    const keep: number[] = [];
    const actions: number[] = [];
    active.forEach((b, i) => {
      const row = (batch.offsets[b] as number) + t;
      rowOfPosition.push(row);
      const a = batch.forwardActions[row] as number;
      const last = row === (batch.offsets[b + 1] as number) - 1;
      if (last !== (a === stop)) throw new RangeError(`trajectory ${b} of the batch ${last ? 'ends without' : 'stops before its last row with'} the stop action (row ${row})`);
      if (!last) {
        keep.push(i);
        actions.push(a);
      }
    });
    if (keep.length === 0) break;
    states = env.step(env.select(states, keep), Int32Array.from(actions));
    active = Int32Array.from(keep, (i) => active[i] as number);
  }
  const all = env.concat(parts);
  const position = new Int32Array(batch.numRows);
  rowOfPosition.forEach((row, p) => {
    position[row] = p;
  });
  const rows = env.select(all, position);
  const features = env.features(rows);
  const F = batch.featureSize;
  for (let i = 0; i < features.length; i++) {
    if (features[i] !== batch.features[i]) {
      throw new RangeError(`the batch does not come from environment "${env.name}": row ${Math.floor(i / F)} replays to a state with other features`);
    }
  }
  return rows;
}

/** Options of {@link flowMatchingObjective}. */
export interface FlowMatchingOptions<S = unknown> {
  /**
   * The environment the batches come from: flow matching needs every parent of every visited state.
   * Optional: without it the objective takes the environment of each loss call's context
   * ({@link ObjectiveContext.env}, which the trainer always passes).
   */
  readonly env?: Environment<S>;
  /** Weight of each terminating-edge term relative to a state term (default `1`). */
  readonly leafWeight?: number;
  /** Regression loss (default `squared`). */
  readonly loss?: RegressionLoss;
}

/** The visited states of a batch: recorded by the sampler, or replayed through the environment. */
function visitedStates<S>(env: Environment<S>, batch: TrajectoryBatch): S {
  if (batch.states === undefined) return replayStates(env, batch);
  const states = batch.states as S;
  const n = env.batchSize(states);
  if (n !== batch.numRows) throw new RangeError(`flow matching: batch.states holds ${n} states for ${batch.numRows} rows`);
  return states;
}

/**
 * Flow matching as an {@link Objective}. The policy's unnormalised forward logits are the log edge flows,
 * log F(s→s') = logit(s, a) and log F(s→s_f) = logit(s, stop), so sampling from softmax(logits) is
 * P_F(s'|s) = F(s→s')/F(s). For every visited state other than s0 the inflow (over all its parents,
 * from {@link parentsOf}) must equal its outflow; for every trajectory's terminating state x the stop
 * edge must carry R(x). One policy pass covers the visited states and their parents. No P_B, no log Z,
 * no importance weights. The visited states come from {@link TrajectoryBatch.states} (replayed from
 * s0 when a batch lacks them); the environment, which lists their parents, from the loss context
 * ({@link ObjectiveContext.env}) or, where the context has none, from the options.
 *
 * @example
 * const fm = flowMatchingObjective({ leafWeight: 1 }); // the trainer passes the environment
 * const fmWithEnv = flowMatchingObjective({ env }); // for loops that do not
 */
export function flowMatchingObjective<S>(options: FlowMatchingOptions<S> = {}): Objective {
  const loss = options.loss ?? 'squared';
  const leafWeight = options.leafWeight ?? 1;
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: 'fm',
    requires: options.env === undefined ? { env: true } : {},
    loss({ policy, batch, env: contextEnv }: ObjectiveContext): tf.Scalar {
      const env = (contextEnv ?? options.env) as Environment<S> | undefined;
      if (!env) throw new Error('flow matching needs the environment: pass env in the loss context or to flowMatchingObjective({ env })');
      const A = env.numActions;
      const F = env.featureSize;
      if (policy.numActions !== A || policy.featureSize !== F || batch.numActions !== A || batch.featureSize !== F) {
        throw new RangeError(`flow matching: policy (${policy.featureSize} features, ${policy.numActions} actions) or batch does not fit environment "${env.name}" (${F}, ${A})`);
      }
      const N = batch.numRows;
      const B = batch.numTrajectories;
      const states = visitedStates(env, batch);
      const parents = parentsOf(env, states);
      let P = 1;
      for (let r = 0; r < N; r++) P = Math.max(P, (parents.offsets[r + 1] as number) - (parents.offsets[r] as number));
      const parentFeatures = env.features(parents.parents);
      const features = new Float32Array((N + N * P) * F);
      features.set(batch.features);
      const incomingMask = new Uint8Array(N * P);
      const takenAction = new Int32Array(N * P);
      for (let r = 0; r < N; r++) {
        const lo = parents.offsets[r] as number;
        const hi = parents.offsets[r + 1] as number;
        // Padding slots repeat the row's own state, so the policy only ever sees real states.
        for (let j = hi - lo; j < P; j++) features.set(batch.features.subarray(r * F, (r + 1) * F), (N + r * P + j) * F);
        for (let j = lo; j < hi; j++) {
          const slot = r * P + (j - lo);
          incomingMask[slot] = 1;
          takenAction[slot] = parents.actions[j] as number;
          features.set(parentFeatures.subarray(j * F, (j + 1) * F), (N + slot) * F);
        }
      }
      // Padding slots, parents that were visited themselves and revisited states repeat rows: run the
      // policy once per distinct row and pick each needed logit from those (gathers whose gradients
      // are summed on the host, so no transposed matMul reaches the backward pass).
      const M = N + N * P;
      const unique = uniqueRows(features, M, F);
      const U = unique.numUnique;
      const inflowIndex = new Int32Array(N * P).fill(-1);
      for (let slot = 0; slot < N * P; slot++) if (incomingMask[slot]) inflowIndex[slot] = (unique.index[N + slot] as number) * A + (takenAction[slot] as number);
      // The stop logit of each trajectory's last row.
      const sinkIndex = new Int32Array(B);
      for (let b = 0; b < B; b++) sinkIndex[b] = (unique.index[(batch.offsets[b + 1] as number) - 1] as number) * A + A - 1;
      return tf.tidy(() => {
        const logits = policy.apply(tf.tensor2d(U < M ? unique.rows : features, [U, F]), { backward: false, flow: false }).forwardLogits;
        const flat = tf.reshape(logits, [U * A]) as tf.Tensor1D;
        const rowLogits = U < M ? expandRows(logits, unique.index.subarray(0, N)) : (tf.slice(logits, [0, 0], [N, A]) as tf.Tensor2D);
        const logInflows = tf.reshape(pickEntries(flat, inflowIndex), [N, P]) as tf.Tensor2D;
        const logSinkFlows = pickEntries(flat, sinkIndex);
        return flowMatching({
          logInflows,
          incomingMask,
          logOutflows: rowLogits,
          outgoingMask: batch.forwardMasks,
          logSinkFlows,
          logR: tf.tensor1d(Float32Array.from(batch.logRewards)),
          leafWeight,
          loss,
        });
      });
    },
  };
}
