import type { Objective, ObjectiveContext, RegressionLoss } from '@gflownet/core';
import { assertGradientsUnderTape, ObjectiveTypeId, regressionLoss, trajectoryTensors } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Inputs of {@link trajectoryBalance}; all per trajectory, shape `[B]`, except the scalar `logZ`. */
export interface TrajectoryBalanceInputs {
  /** Learned log Z (a scalar; usually a `tf.Variable`). */
  readonly logZ: tf.Scalar;
  /** log P_F(τ) = Σ_t log P_F(s_{t+1}|s_t), stop step included. */
  readonly logPF: tf.Tensor1D;
  /** log P_B(τ|x) = Σ_t log P_B(s_t|s_{t+1}). */
  readonly logPB: tf.Tensor1D;
  /** log R(x). */
  readonly logR: tf.Tensor1D;
  /** Regression loss on the residual (default: `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * Trajectory balance (Malkin et al. 2022): the batch mean of
 * ℓ(log Z + log P_F(τ) − log R(x) − log P_B(τ|x)), with ℓ(r) = r² by default.
 * Pure: usable on tensors from any model. Returns a scalar the caller disposes.
 *
 * @example
 * const loss = trajectoryBalance({ logZ, logPF, logPB, logR });
 */
export function trajectoryBalance(inputs: TrajectoryBalanceInputs): tf.Scalar {
  assertGradientsUnderTape();
  return tf.tidy(() => tf.mean(regressionLoss(trajectoryBalanceResiduals(inputs), inputs.loss ?? 'squared')) as tf.Scalar);
}

/** The per-trajectory residuals log Z + log P_F − log R − log P_B, `[B]`. */
export function trajectoryBalanceResiduals(inputs: Omit<TrajectoryBalanceInputs, 'loss'>): tf.Tensor1D {
  const { logZ, logPF, logPB, logR } = inputs;
  if (logPF.shape.length !== 1 || logPB.shape.length !== 1 || logR.shape.length !== 1) {
    throw new RangeError('trajectoryBalance: logPF, logPB and logR must be 1-D tensors of shape [B]');
  }
  const B = logPF.shape[0];
  if (logPB.shape[0] !== B || logR.shape[0] !== B) {
    throw new RangeError(`trajectoryBalance: shapes differ: logPF [${B}], logPB [${logPB.shape[0]}], logR [${logR.shape[0]}]`);
  }
  if (logZ.size !== 1) throw new RangeError('trajectoryBalance: logZ must be a scalar');
  return tf.tidy(() => tf.sub(tf.add(tf.reshape(logZ, []), tf.sub(logPF, logPB)), logR) as tf.Tensor1D);
}

/** Options of {@link trajectoryBalanceObjective}. */
export interface TrajectoryBalanceOptions {
  /** Regression loss (default: `squared`). */
  readonly loss?: RegressionLoss;
}

/**
 * Trajectory balance as an {@link Objective} for the trainer: rebuilds log P_F and log P_B from the
 * batch under the current policy (no importance weights: TB is valid off-policy as it is).
 */
export function trajectoryBalanceObjective(options: TrajectoryBalanceOptions = {}): Objective {
  const loss = options.loss ?? 'squared';
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: 'tb',
    requires: { logZ: true },
    loss({ policy, batch, logZ }: ObjectiveContext): tf.Scalar {
      if (!logZ) throw new Error('trajectory balance needs a learned logZ in its context');
      return tf.tidy(() => {
        const t = trajectoryTensors(policy, batch);
        return trajectoryBalance({ logZ: logZ as tf.Scalar, logPF: t.perTrajectory(t.logPF), logPB: t.perTrajectory(t.logPB), logR: t.logR, loss });
      });
    },
  };
}
