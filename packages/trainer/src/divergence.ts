import type { Environment, TrajectoryBatch } from '@gflownet/core';

/** Raised when the loss becomes NaN or infinite; the message says where and, when it can, why. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
}

/**
 * Beyond this |log R| a squared residual overflows float32 (the losses' precision) whatever the policy
 * and the learning rates are: the reward is out of range, e.g. a linear-Gaussian score of data on a
 * scale of 1e140.
 */
export const OVERFLOWING_LOG_REWARD: number = Math.sqrt(3.4028234663852886e38) / 2;

/** The largest |log R| of a batch (terminal states, and visited states where recorded) and where it is. */
function largestLogReward<S>(env: Environment<S>, batch: TrajectoryBatch<S>): { value: number; where: string } {
  let value = 0;
  let where = '';
  batch.logRewards.forEach((v, i) => {
    if (!(Math.abs(v) <= Math.abs(value))) {
      value = v;
      where = `${env.name} state ${env.stateKey(batch.terminals, i)}`;
    }
  });
  batch.stateLogRewards?.forEach((v, row) => {
    if (!(Math.abs(v) <= Math.abs(value))) {
      value = v;
      where = `a state visited by trajectory ${batch.trajectoryOfRow[row]}`;
    }
  });
  return { value, where };
}

/**
 * The message of a non-finite loss. When the batch's rewards alone overflow the loss it blames them
 * (lower learning rates cannot help); otherwise the learning rates or the rewards.
 */
export function divergenceMessage<S>(
  objective: string,
  loss: number,
  iteration: number,
  logZ: number | null,
  env: Environment<S>,
  batch: TrajectoryBatch<S>,
): string {
  const at = `${objective} loss became ${loss} at iteration ${iteration} (log Z ${logZ})`;
  const largest = largestLogReward(env, batch);
  if (!(Math.abs(largest.value) < OVERFLOWING_LOG_REWARD)) {
    return `${at}: the reward overflows, not the training: log R is ${largest.value} for ${largest.where}, beyond what float32 losses hold (|log R| < ${OVERFLOWING_LOG_REWARD.toExponential(1)}); rescale the reward or its inputs (e.g. standardise the data), lowering the learning rates will not help`;
  }
  return `${at}; lower the learning rates or check the rewards`;
}
