import type { Objective, ObjectiveContext, RegressionLoss, TrajectoryBatch } from '@gflownet/core';
import { assertGradientsUnderTape, maskedMean, ObjectiveTypeId, regressionLoss, rowLayout, shiftRows, trajectoryTensors } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link detailedBalance}: one entry per transition s → s', all of shape `[M]`. */
export interface DetailedBalanceInputs {
  /** log F(s) of each transition's source state (log Z at s0). */
  readonly logFSource: tf.Tensor1D;
  /** log P_F(s'|s). */
  readonly logPF: tf.Tensor1D;
  /** log F(s') of each transition's target state; log R(x) for the terminating transition x → s_f. */
  readonly logFTarget: tf.Tensor1D;
  /** log P_B(s|s'); 0 for x → s_f. */
  readonly logPB: tf.Tensor1D;
  /** Optional `[M]` 0/1 weights selecting the transitions that count (default: all). */
  readonly mask?: tf.Tensor1D;
  /** Regression loss on the residual (default: `squared`). */
  readonly loss?: RegressionLoss;
}

function checkSameLength(name: string, tensors: Record<string, tf.Tensor>): number {
  let M = -1;
  for (const [k, t] of Object.entries(tensors)) {
    if (t.shape.length !== 1) throw new RangeError(`${name}: ${k} must be a 1-D tensor of shape [M], got shape [${t.shape.join(', ')}]`);
    if (M < 0) M = t.shape[0] as number;
    else if (t.shape[0] !== M) {
      const shapes = Object.entries(tensors).map(([n, x]) => `${n} [${x.shape.join(', ')}]`).join(', ');
      throw new RangeError(`${name}: shapes differ: ${shapes}`);
    }
  }
  return M;
}

/** The DB residuals log F(s) + log P_F(s'|s) − log F(s') − log P_B(s|s'), `[M]`. */
export function detailedBalanceResiduals(inputs: Omit<DetailedBalanceInputs, 'loss' | 'mask'>): tf.Tensor1D {
  const { logFSource, logPF, logFTarget, logPB } = inputs;
  checkSameLength('detailedBalance', { logFSource, logPF, logFTarget, logPB });
  return tf.tidy(() => tf.sub(tf.add(logFSource, logPF), tf.add(logFTarget, logPB)) as tf.Tensor1D);
}

/**
 * Detailed balance (Bengio et al. 2021, "GFlowNet Foundations"): the (masked) mean over transitions of
 * ℓ(log F(s) + log P_F(s'|s) − log F(s') − log P_B(s|s')), with ℓ(r) = r² by default; the terminating
 * transition x → s_f uses F(s_f-side) = R(x) and P_B = 1. Pure: usable on tensors from any model.
 * Returns a scalar the caller disposes.
 *
 * @example
 * const loss = detailedBalance({ logFSource, logPF, logFTarget, logPB });
 */
export function detailedBalance(inputs: DetailedBalanceInputs): tf.Scalar {
  assertGradientsUnderTape();
  if (inputs.mask && inputs.mask.shape[0] !== inputs.logPF.shape[0]) {
    throw new RangeError(`detailedBalance: mask has shape [${inputs.mask.shape.join(', ')}], expected [${inputs.logPF.shape[0]}]`);
  }
  return tf.tidy(() => maskedMean(regressionLoss(detailedBalanceResiduals(inputs), inputs.loss ?? 'squared') as tf.Tensor1D, inputs.mask));
}

/** Inputs of {@link modifiedDetailedBalance}: one entry per non-stop transition s → s', all `[M]`. */
export interface ModifiedDetailedBalanceInputs {
  /** log R(s) of the source state (every state must be able to stop). */
  readonly logRSource: tf.Tensor1D;
  /** log R(s') of the target state. */
  readonly logRTarget: tf.Tensor1D;
  /** log P_F(s'|s). */
  readonly logPF: tf.Tensor1D;
  /** log P_B(s|s'). */
  readonly logPB: tf.Tensor1D;
  /** log P_F(stop|s). */
  readonly logPStopSource: tf.Tensor1D;
  /** log P_F(stop|s'). */
  readonly logPStopTarget: tf.Tensor1D;
  /** Optional `[M]` 0/1 weights selecting the transitions that count (default: all). */
  readonly mask?: tf.Tensor1D;
  /** Regression loss (default: `squared`; DAG-GFlowNet used `huber`). */
  readonly loss?: RegressionLoss;
}

/**
 * The modified-DB residuals log R(s') + log P_B(s|s') + log P_F(stop|s) − log R(s) − log P_F(s'|s) −
 * log P_F(stop|s'), `[M]`.
 */
export function modifiedDetailedBalanceResiduals(inputs: Omit<ModifiedDetailedBalanceInputs, 'loss' | 'mask'>): tf.Tensor1D {
  const { logRSource, logRTarget, logPF, logPB, logPStopSource, logPStopTarget } = inputs;
  checkSameLength('modifiedDetailedBalance', { logRSource, logRTarget, logPF, logPB, logPStopSource, logPStopTarget });
  return tf.tidy(
    () => tf.sub(tf.add(tf.add(logRTarget, logPB), logPStopSource), tf.add(tf.add(logRSource, logPF), logPStopTarget)) as tf.Tensor1D,
  );
}

/**
 * Modified detailed balance (Deleu et al. 2022) for environments where every state can stop: DB with
 * F(s) = R(s) / P_F(stop|s) substituted, so no state flow is learned. The (masked) mean over non-stop
 * transitions of ℓ(log R(s') + log P_B(s|s') + log P_F(stop|s) − log R(s) − log P_F(s'|s) − log P_F(stop|s')).
 * Pure: usable on tensors from any model.
 *
 * @example
 * const loss = modifiedDetailedBalance({ logRSource, logRTarget, logPF, logPB, logPStopSource, logPStopTarget, loss: 'huber' });
 */
export function modifiedDetailedBalance(inputs: ModifiedDetailedBalanceInputs): tf.Scalar {
  assertGradientsUnderTape();
  if (inputs.mask && inputs.mask.shape[0] !== inputs.logPF.shape[0]) {
    throw new RangeError(`modifiedDetailedBalance: mask has shape [${inputs.mask.shape.join(', ')}], expected [${inputs.logPF.shape[0]}]`);
  }
  return tf.tidy(() => maskedMean(regressionLoss(modifiedDetailedBalanceResiduals(inputs), inputs.loss ?? 'squared') as tf.Tensor1D, inputs.mask));
}

/** Options of the detailed-balance objectives. */
export interface DetailedBalanceOptions {
  /** Regression loss (default: `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * Detailed balance as an {@link Objective}: every transition of every trajectory in the batch, the stop
 * transition included, with F(s0) := Z (the learned log Z, so log Z is reported, and SubTB's λ → 0
 * limit is exactly this loss averaged per trajectory first) and a learned state flow F(s) elsewhere
 * (`requires.flow`). No importance weights: DB is valid off-policy as it is.
 */
export function detailedBalanceObjective(options: DetailedBalanceOptions = {}): Objective {
  const loss = options.loss ?? 'squared';
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: 'db',
    requires: { logZ: true, flow: true },
    loss({ policy, batch, logZ }: ObjectiveContext): tf.Scalar {
      if (!logZ) throw new Error('detailed balance needs a learned logZ in its context (it stands for F(s0))');
      return tf.tidy(() => {
        const t = trajectoryTensors(policy, batch, { flow: true });
        if (!t.logFlow) throw new Error('detailed balance: the policy returned no state flow');
        const layout = rowLayout(batch);
        const start = tf.tensor1d(layout.isStart);
        const last = tf.tensor1d(layout.isLast);
        // F at each row's state, with log Z at s0.
        const logFRow = tf.add(tf.mul(t.logFlow, tf.sub(1, start)), tf.mul(tf.reshape(logZ, []), start)) as tf.Tensor1D;
        const notLast = tf.sub(1, last);
        const logFTarget = tf.add(tf.mul(shiftRows(logFRow), notLast), tf.mul(tf.tensor1d(layout.logRRow), last)) as tf.Tensor1D;
        const logPB = tf.mul(shiftRows(t.logPB), notLast) as tf.Tensor1D;
        return detailedBalance({ logFSource: logFRow, logPF: t.logPF, logFTarget, logPB, loss });
      });
    },
  };
}

/** Where the row of trajectory `b`, step `t`, has no finite log R. */
function missingReward(batch: TrajectoryBatch, r: number): Error {
  return new RangeError(
    `modified detailed balance needs log R of every visited state, but row ${r} (trajectory ${batch.trajectoryOfRow[r]}, step ${batch.stepOfRow[r]}) has none: every state must be able to stop`,
  );
}

/**
 * Modified detailed balance as an {@link Objective}: every non-stop transition of the batch, with log R
 * of each visited state from `batch.stateLogRewards` (`requires.stateLogRewards`, recorded by the
 * sampler) and log P_F(stop|·) from the policy. Learns no flow and no log Z. No importance weights.
 */
export function modifiedDetailedBalanceObjective(options: DetailedBalanceOptions = {}): Objective {
  const loss = options.loss ?? 'squared';
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: 'mdb',
    requires: { stateLogRewards: true },
    loss({ policy, batch }: ObjectiveContext): tf.Scalar {
      const sr = batch.stateLogRewards;
      if (!sr) throw new Error('modified detailed balance needs batch.stateLogRewards (a sampler records them when the objective requires stateLogRewards)');
      const layout = rowLayout(batch);
      const N = batch.numRows;
      const logRSource = new Float32Array(N);
      const logRTarget = new Float32Array(N);
      for (let r = 0; r < N; r++) {
        if (layout.isLast[r]) continue;
        const a = sr[r] as number;
        const b = sr[r + 1] as number;
        if (!Number.isFinite(a)) throw missingReward(batch, r);
        if (!Number.isFinite(b)) throw missingReward(batch, r + 1);
        logRSource[r] = a;
        logRTarget[r] = b;
      }
      return tf.tidy(() => {
        const t = trajectoryTensors(policy, batch);
        const notLast = tf.sub(1, tf.tensor1d(layout.isLast)) as tf.Tensor1D;
        // The stop rows have no transition to another state; the mask removes them and their
        // −1e9-ish log P_F(stop|·) neighbours never reach the loss (multiplied by 0 first).
        const logPStopSource = tf.mul(t.logPStop, notLast) as tf.Tensor1D;
        const logPStopTarget = tf.mul(shiftRows(t.logPStop), notLast) as tf.Tensor1D;
        return modifiedDetailedBalance({
          logRSource: tf.tensor1d(logRSource),
          logRTarget: tf.tensor1d(logRTarget),
          logPF: tf.mul(t.logPF, notLast) as tf.Tensor1D,
          logPB: tf.mul(shiftRows(t.logPB), notLast) as tf.Tensor1D,
          logPStopSource,
          logPStopTarget,
          mask: notLast,
          loss,
        });
      });
    },
  };
}
