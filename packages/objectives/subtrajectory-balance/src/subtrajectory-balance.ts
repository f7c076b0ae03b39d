import type { Objective, ObjectiveContext, RegressionLoss } from '@gflownet/core';
import { assertGradientsUnderTape, ObjectiveTypeId, padRows, regressionLoss, trajectoryTensors } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * How SubTB weighs the sub-trajectories τ_{i:j}:
 * - `geometric-within` (default, Madan et al. 2023; torchgfn's `geometric_within`): within each
 *   trajectory, weight ∝ λ^{j−i}, normalised to sum to 1; then the mean over trajectories.
 * - `equal-within`: every sub-trajectory of a trajectory equally (λ = 1); then the mean over trajectories.
 * - `equal`: every sub-trajectory of the batch equally (longer trajectories count more).
 */
export type SubTrajectoryWeighting = 'geometric-within' | 'equal-within' | 'equal';

/** Inputs of {@link subTrajectoryBalance}, padded per trajectory: `B` trajectories, at most `T` transitions. */
export interface SubTrajectoryBalanceInputs {
  /**
   * `[B, T + 1]` log flows of the nodes u_0 … u_L of each trajectory (L = `lengths[b]`):
   * u_0 = log Z, u_L = log R(x) (the node after the stop transition), learned log F(s_k) in between.
   * Entries past L are ignored (they must be finite).
   */
  readonly logF: tf.Tensor2D;
  /** `[B, T]` log P_F of transition k (u_k → u_{k+1}); the last one is log P_F(stop|x). Entries past L ignored. */
  readonly logPF: tf.Tensor2D;
  /** `[B, T]` log P_B of transition k (u_k ← u_{k+1}); 0 for the stop transition. Entries past L ignored. */
  readonly logPB: tf.Tensor2D;
  /** `[B]` number of transitions L_b of each trajectory, stop included (1 ≤ L_b ≤ T). */
  readonly lengths: ArrayLike<number>;
  /** λ ≥ 0 of the geometric weighting (default `0.9`); `0` gives DB's per-trajectory mean, `Infinity` gives TB. */
  readonly lambda?: number;
  /** Default `geometric-within`. */
  readonly weighting?: SubTrajectoryWeighting;
  /** Regression loss (default `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * The `[B, T+1, T+1]` weight of each sub-trajectory (i, j), i < j ≤ L_b, computed on the host in float64
 * in log space so that λ^{j−i} neither overflows nor underflows; λ = 0 and λ = ∞ are the exact limits.
 */
export function subTrajectoryWeights(lengths: ArrayLike<number>, T: number, lambda: number, weighting: SubTrajectoryWeighting): Float32Array {
  const B = lengths.length;
  const n = T + 1;
  const out = new Float32Array(B * n * n);
  let totalPairs = 0;
  for (let b = 0; b < B; b++) totalPairs += ((lengths[b] as number) * ((lengths[b] as number) + 1)) / 2;
  for (let b = 0; b < B; b++) {
    const L = lengths[b] as number;
    const o = b * n * n;
    // logWeight(k) for a sub-trajectory of k transitions, up to a per-trajectory constant.
    let logWeight: (k: number) => number;
    if (weighting === 'equal' || weighting === 'equal-within' || lambda === 1) logWeight = () => 0;
    else if (lambda === 0) logWeight = (k) => (k === 1 ? 0 : Number.NEGATIVE_INFINITY);
    else if (lambda === Number.POSITIVE_INFINITY) logWeight = (k) => (k === L ? 0 : Number.NEGATIVE_INFINITY);
    else {
      const ll = Math.log(lambda);
      const top = ll > 0 ? L * ll : ll; // the largest k·log λ, subtracted so the biggest weight is 1
      logWeight = (k) => k * ll - top;
    }
    let sum = 0;
    for (let i = 0; i < L; i++) for (let j = i + 1; j <= L; j++) sum += Math.exp(logWeight(j - i));
    const norm = weighting === 'equal' ? totalPairs : sum * B;
    for (let i = 0; i < L; i++) for (let j = i + 1; j <= L; j++) out[o + i * n + j] = Math.exp(logWeight(j - i)) / norm;
  }
  return out;
}

function checkInputs(inputs: SubTrajectoryBalanceInputs): { B: number; T: number; lengths: Int32Array } {
  const { logF, logPF, logPB } = inputs;
  if (logPF.shape.length !== 2 || logPB.shape.length !== 2 || logF.shape.length !== 2) {
    throw new RangeError('subTrajectoryBalance: logF must be [B, T+1], logPF and logPB [B, T]');
  }
  const [B, T] = logPF.shape;
  if (logPB.shape[0] !== B || logPB.shape[1] !== T || logF.shape[0] !== B || logF.shape[1] !== T + 1) {
    throw new RangeError(
      `subTrajectoryBalance: shapes differ: logF [${logF.shape.join(', ')}] (expected [${B}, ${T + 1}]), logPF [${B}, ${T}], logPB [${logPB.shape.join(', ')}]`,
    );
  }
  if (inputs.lengths.length !== B) throw new RangeError(`subTrajectoryBalance: lengths has ${inputs.lengths.length} entries for ${B} trajectories`);
  const lengths = Int32Array.from(inputs.lengths as ArrayLike<number>);
  lengths.forEach((L, b) => {
    if (!(L >= 1 && L <= T)) throw new RangeError(`subTrajectoryBalance: lengths[${b}] = ${L} must be between 1 and T = ${T}`);
  });
  const lambda = inputs.lambda ?? 0.9;
  if (!(lambda >= 0)) throw new RangeError(`subTrajectoryBalance: lambda must be ≥ 0 (Infinity allowed), got ${lambda}`);
  const w = inputs.weighting ?? 'geometric-within';
  if (w !== 'geometric-within' && w !== 'equal-within' && w !== 'equal') {
    throw new RangeError(`subTrajectoryBalance: unknown weighting "${String(w)}" (expected geometric-within, equal-within or equal)`);
  }
  return { B, T, lengths };
}

/**
 * The `[B, T+1]` potentials a_i = u_i − Σ_{k<i}(log P_F_k − log P_B_k): the residual of the
 * sub-trajectory i → j is a_i − a_j.
 */
export function subTrajectoryPotentials(inputs: Pick<SubTrajectoryBalanceInputs, 'logF' | 'logPF' | 'logPB' | 'lengths'>): tf.Tensor2D {
  const [B, T] = inputs.logPF.shape;
  return tf.tidy(() => {
    const valid = new Uint8Array(B * T);
    for (let b = 0; b < B; b++) valid.fill(1, b * T, b * T + (inputs.lengths[b] as number));
    const d = tf.where(tf.tensor2d(valid, [B, T], 'bool'), tf.sub(inputs.logPF, inputs.logPB), tf.zeros([B, T]));
    const cumulative = tf.concat([tf.zeros([B, 1]), tf.cumsum(d, 1)], 1);
    return tf.sub(inputs.logF, cumulative) as tf.Tensor2D;
  });
}

/**
 * Subtrajectory balance SubTB(λ) (Madan et al. 2023): for each trajectory u_0 → … → u_L and each
 * 0 ≤ i < j ≤ L, the residual log F(u_i) + Σ_{k=i}^{j−1} log P_F − log F(u_j) − Σ_{k=i}^{j−1} log P_B,
 * with F(u_0) = Z and F(u_L) = R(x); the loss is Σ_{i<j} λ^{j−i} ℓ(residual) / Σ_{i<j} λ^{j−i},
 * averaged over trajectories (`geometric-within`). λ → 0 gives detailed balance, λ → ∞ trajectory
 * balance. Pure: usable on tensors from any model; memory is `B·(T+1)²`.
 *
 * @example
 * const loss = subTrajectoryBalance({ logF, logPF, logPB, lengths, lambda: 0.9 });
 */
export function subTrajectoryBalance(inputs: SubTrajectoryBalanceInputs): tf.Scalar {
  assertGradientsUnderTape();
  const { B, T, lengths } = checkInputs(inputs);
  const weights = subTrajectoryWeights(lengths, T, inputs.lambda ?? 0.9, inputs.weighting ?? 'geometric-within');
  return tf.tidy(() => {
    const a = subTrajectoryPotentials(inputs);
    const residuals = tf.sub(tf.reshape(a, [B, T + 1, 1]), tf.reshape(a, [B, 1, T + 1]));
    return tf.sum(tf.mul(regressionLoss(residuals, inputs.loss ?? 'squared'), tf.tensor3d(weights, [B, T + 1, T + 1]))) as tf.Scalar;
  });
}

/** Options of {@link subTrajectoryBalanceObjective}. */
export interface SubTrajectoryBalanceOptions {
  /** λ (default `0.9`). */
  readonly lambda?: number;
  /** Default `geometric-within`. */
  readonly weighting?: SubTrajectoryWeighting;
  /** Regression loss (default `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * SubTB(λ) as an {@link Objective}: needs a learned log Z (F(s0) := Z) and a state-flow head; every
 * sub-trajectory of every trajectory in the batch, the stop transition to the sink (F := R) included.
 * No importance weights: valid off-policy as it is.
 */
export function subTrajectoryBalanceObjective(options: SubTrajectoryBalanceOptions = {}): Objective {
  const lambda = options.lambda ?? 0.9;
  const weighting = options.weighting ?? 'geometric-within';
  if (!(lambda >= 0)) throw new RangeError(`subTrajectoryBalanceObjective: lambda must be ≥ 0, got ${lambda}`);
  const loss = options.loss ?? 'squared';
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: 'subtb',
    requires: { logZ: true, flow: true },
    loss({ policy, batch, logZ }: ObjectiveContext): tf.Scalar {
      if (!logZ) throw new Error('subtrajectory balance needs a learned logZ in its context (it stands for F(s0))');
      const B = batch.numTrajectories;
      const N = batch.numRows;
      const lengths = new Int32Array(B);
      for (let b = 0; b < B; b++) lengths[b] = (batch.offsets[b + 1] as number) - (batch.offsets[b] as number);
      const T = Math.max(...lengths);
      // Node masks [B, T+1]: u_0 is log Z, u_L is log R, nodes 1 … L−1 are the learned flows.
      const start = new Float32Array(B * (T + 1));
      const end = new Float32Array(B * (T + 1));
      const interior = new Float32Array(B * (T + 1));
      for (let b = 0; b < B; b++) {
        const L = lengths[b] as number;
        start[b * (T + 1)] = 1;
        end[b * (T + 1) + L] = 1;
        for (let k = 1; k < L; k++) interior[b * (T + 1) + k] = 1;
      }
      // The backward log-probability of transition k lives at row k + 1; the stop transition has none.
      const notLast = new Float32Array(N).fill(1);
      for (let b = 0; b < B; b++) notLast[(batch.offsets[b + 1] as number) - 1] = 0;
      return tf.tidy(() => {
        const t = trajectoryTensors(policy, batch, { flow: true });
        if (!t.logFlow) throw new Error('subtrajectory balance: the policy returned no state flow');
        const logPBNext = tf.mul(N > 1 ? tf.concat([tf.slice(t.logPB, [1], [N - 1]), tf.zeros([1])]) : tf.zerosLike(t.logPB), tf.tensor1d(notLast)) as tf.Tensor1D;
        const flows = tf.concat([padRows(t.logFlow, batch, T), tf.zeros([B, 1])], 1);
        const logF = tf.addN([
          tf.mul(flows, tf.tensor2d(interior, [B, T + 1])),
          tf.mul(tf.reshape(logZ, []), tf.tensor2d(start, [B, T + 1])),
          tf.mul(tf.reshape(t.logR, [B, 1]), tf.tensor2d(end, [B, T + 1])),
        ]) as tf.Tensor2D;
        return subTrajectoryBalance({ logF, logPF: padRows(t.logPF, batch, T), logPB: padRows(logPBNext, batch, T), lengths, lambda, weighting, loss });
      });
    },
  };
}
