/**
 * A batch of complete trajectories, packed row by row with no padding.
 *
 * Each row is one visited state from which a forward action was taken; trajectory `b` owns rows
 * `offsets[b] .. offsets[b + 1] - 1` in order s0, s1, …, x, and its last row takes the stop action.
 * Everything here is plain typed arrays, so objectives can rebuild log-probabilities under the
 * *current* policy from `features` and the masks. The log-probabilities of the policy that actually
 * sampled the batch are kept apart, in {@link TrajectoryBatch.behaviour}, for importance weights only.
 */
export interface TrajectoryBatch<S = unknown> {
  readonly numTrajectories: number;
  /** Total number of rows (visited states, stop rows included). */
  readonly numRows: number;
  /** `[numTrajectories + 1]` row offsets. */
  readonly offsets: Int32Array;
  /** `[numRows]` trajectory index of each row. */
  readonly trajectoryOfRow: Int32Array;
  /** `[numRows]` step index of each row within its trajectory (0 at s0). */
  readonly stepOfRow: Int32Array;
  /** `[numRows, featureSize]` policy inputs of each row's state. */
  readonly features: Float32Array;
  readonly featureSize: number;
  /** `[numRows, numActions]` forward masks. */
  readonly forwardMasks: Uint8Array;
  readonly numActions: number;
  /** `[numRows]` forward action taken at each row (stop on each trajectory's last row). */
  readonly forwardActions: Int32Array;
  /** `[numRows, numBackwardActions]` backward masks of each row's state (all zero at s0). */
  readonly backwardMasks: Uint8Array;
  readonly numBackwardActions: number;
  /** `[numRows]` backward action at each row's state that leads back to the previous row; -1 at s0. */
  readonly backwardActions: Int32Array;
  /** `[numTrajectories]` log R(x) of each terminating state. */
  readonly logRewards: Float64Array;
  /** The terminating states, one per trajectory. */
  readonly terminals: S;
  /**
   * The visited state of every row, in row order: `numRows` states of the environment's own batch
   * type (row `r`'s state is `env.select(states, [r])`; each trajectory's last row is its terminal).
   * The samplers record it, so objectives that need states (flow matching lists their parents) do
   * not replay trajectories through the environment. Optional: batches built without it stay valid.
   */
  readonly states?: S;
  /**
   * `[numRows]` log R(s) of every row's state where the environment lets it stop and the sampler
   * was asked to record it (modified detailed balance needs this); NaN elsewhere. Absent otherwise.
   */
  readonly stateLogRewards?: Float64Array;
  /** How the batch was produced; kept for importance weights, never for the loss itself. */
  readonly behaviour: BehaviourRecord;
}

/**
 * What the sampling (behaviour) policy did. `logProbs[r]` is the log-density of the action taken at
 * row `r` under the distribution it was actually drawn from (for an ε-mixture, the mixture), or
 * NaN when unknown (e.g. replayed from a file). These values are stale by construction: the loss
 * must use log-probabilities recomputed under the current policy.
 */
export interface BehaviourRecord {
  readonly logProbs: Float64Array;
  /** True when the behaviour policy was the current forward policy itself (no exploration, no replay). */
  readonly onPolicy: boolean;
}

/** Sum of behaviour log-probabilities per trajectory, `[numTrajectories]`. */
export function behaviourLogProbsPerTrajectory(batch: TrajectoryBatch): Float64Array {
  const out = new Float64Array(batch.numTrajectories);
  for (let r = 0; r < batch.numRows; r++) {
    const b = batch.trajectoryOfRow[r] as number;
    out[b] = (out[b] as number) + (batch.behaviour.logProbs[r] as number);
  }
  return out;
}

/** Number of transitions of each trajectory, stop included, `[numTrajectories]`. */
export function trajectoryLengths(batch: Pick<TrajectoryBatch, 'offsets' | 'numTrajectories'>): Int32Array {
  const out = new Int32Array(batch.numTrajectories);
  for (let b = 0; b < batch.numTrajectories; b++) out[b] = (batch.offsets[b + 1] as number) - (batch.offsets[b] as number);
  return out;
}

/** Per-row arrays for one trajectory, used by {@link packTrajectories}. */
export interface TrajectoryRows {
  readonly features: Float32Array;
  readonly forwardMasks: Uint8Array;
  readonly forwardActions: Int32Array;
  readonly backwardMasks: Uint8Array;
  readonly backwardActions: Int32Array;
  readonly behaviourLogProbs: Float64Array;
  readonly stateLogRewards?: Float64Array;
}

/** Shape of a batch, shared by builders. */
export interface BatchShape {
  readonly featureSize: number;
  readonly numActions: number;
  readonly numBackwardActions: number;
}

/** Row slices of trajectory `b` (views, not copies). */
export function trajectoryRows(batch: TrajectoryBatch, b: number): TrajectoryRows {
  const lo = batch.offsets[b] as number;
  const hi = batch.offsets[b + 1] as number;
  const rows: TrajectoryRows = {
    features: batch.features.subarray(lo * batch.featureSize, hi * batch.featureSize),
    forwardMasks: batch.forwardMasks.subarray(lo * batch.numActions, hi * batch.numActions),
    forwardActions: batch.forwardActions.subarray(lo, hi),
    backwardMasks: batch.backwardMasks.subarray(lo * batch.numBackwardActions, hi * batch.numBackwardActions),
    backwardActions: batch.backwardActions.subarray(lo, hi),
    behaviourLogProbs: batch.behaviour.logProbs.subarray(lo, hi),
    ...(batch.stateLogRewards ? { stateLogRewards: batch.stateLogRewards.subarray(lo, hi) } : {}),
  };
  return rows;
}

/** Row indices of the given trajectories of a batch, trajectory after trajectory (e.g. to `env.select` their {@link TrajectoryBatch.states}). */
export function trajectoryRowIndices(batch: Pick<TrajectoryBatch, 'offsets' | 'numTrajectories'>, trajectories: ArrayLike<number>): Int32Array {
  let total = 0;
  for (let k = 0; k < trajectories.length; k++) {
    const b = trajectories[k] as number;
    if (!(Number.isInteger(b) && b >= 0 && b < batch.numTrajectories)) throw new RangeError(`trajectoryRowIndices: trajectory ${b} is not in a batch of ${batch.numTrajectories}`);
    total += (batch.offsets[b + 1] as number) - (batch.offsets[b] as number);
  }
  const out = new Int32Array(total);
  let k = 0;
  for (let j = 0; j < trajectories.length; j++) {
    const b = trajectories[j] as number;
    for (let r = batch.offsets[b] as number; r < (batch.offsets[b + 1] as number); r++) out[k++] = r;
  }
  return out;
}

/**
 * Packs trajectories (each given as its rows) into one {@link TrajectoryBatch}. Used by samplers and
 * replay buffers to mix fresh and stored trajectories. `states`, when given, are the visited states
 * of all rows in the packed order (trajectory after trajectory, s0 first), see {@link TrajectoryBatch.states}.
 */
export function packTrajectories<S>(
  shape: BatchShape,
  trajectories: readonly TrajectoryRows[],
  logRewards: ArrayLike<number>,
  terminals: S,
  onPolicy: boolean,
  states?: S,
): TrajectoryBatch<S> {
  const B = trajectories.length;
  const offsets = new Int32Array(B + 1);
  for (let b = 0; b < B; b++) offsets[b + 1] = (offsets[b] as number) + (trajectories[b] as TrajectoryRows).forwardActions.length;
  const N = offsets[B] as number;
  const { featureSize: F, numActions: A, numBackwardActions: K } = shape;
  const features = new Float32Array(N * F);
  const forwardMasks = new Uint8Array(N * A);
  const forwardActions = new Int32Array(N);
  const backwardMasks = new Uint8Array(N * K);
  const backwardActions = new Int32Array(N);
  const logProbs = new Float64Array(N);
  const hasStateRewards = trajectories.length > 0 && trajectories.every((t) => t.stateLogRewards !== undefined);
  const stateLogRewards = hasStateRewards ? new Float64Array(N) : undefined;
  const trajectoryOfRow = new Int32Array(N);
  const stepOfRow = new Int32Array(N);
  for (let b = 0; b < B; b++) {
    const t = trajectories[b] as TrajectoryRows;
    const lo = offsets[b] as number;
    const n = t.forwardActions.length;
    features.set(t.features, lo * F);
    forwardMasks.set(t.forwardMasks, lo * A);
    forwardActions.set(t.forwardActions, lo);
    backwardMasks.set(t.backwardMasks, lo * K);
    backwardActions.set(t.backwardActions, lo);
    logProbs.set(t.behaviourLogProbs, lo);
    if (stateLogRewards && t.stateLogRewards) stateLogRewards.set(t.stateLogRewards, lo);
    for (let i = 0; i < n; i++) {
      trajectoryOfRow[lo + i] = b;
      stepOfRow[lo + i] = i;
    }
  }
  return {
    numTrajectories: B,
    numRows: N,
    offsets,
    trajectoryOfRow,
    stepOfRow,
    features,
    featureSize: F,
    forwardMasks,
    numActions: A,
    forwardActions,
    backwardMasks,
    numBackwardActions: K,
    backwardActions,
    logRewards: Float64Array.from(logRewards),
    terminals,
    ...(states !== undefined ? { states } : {}),
    ...(stateLogRewards ? { stateLogRewards } : {}),
    behaviour: { logProbs, onPolicy },
  };
}
