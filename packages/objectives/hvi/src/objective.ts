import type { Objective, ObjectiveContext, TrajectoryBatch } from '@gflownet/core';
import { behaviourLogProbsPerTrajectory, ObjectiveTypeId, trajectoryTensors } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Baseline, HviKind, ImportanceWeighting } from './hvi.js';
import { hviLoss } from './hvi.js';

/** Options of the hierarchical-VI objectives. */
export interface HviOptions {
  /**
   * Default `global`. `batch-mean` with `plain` weights, on replayed batches whose behaviour
   * log-probabilities were stored at sampling time, is the off-policy reverse KL of the DAG paper's Table 2.
   */
  readonly baseline?: Baseline;
  /** Off-policy re-weighting (default `plain`). */
  readonly importanceWeighting?: ImportanceWeighting;
}

/** log π(τ) of an off-policy batch, or a clear error when the sampler did not record it. */
function behaviourLogProbs(kind: HviKind, batch: TrajectoryBatch): Float32Array {
  const per = behaviourLogProbsPerTrajectory(batch);
  for (let b = 0; b < per.length; b++) {
    if (!Number.isFinite(per[b] as number)) {
      throw new RangeError(
        `${kind}: the batch is off-policy but trajectory ${b} has no behaviour log-probability (${per[b]}); importance weights need the sampler to record it`,
      );
    }
  }
  return Float32Array.from(per);
}

/**
 * One hierarchical-VI objective as an {@link Objective} (see {@link hviLoss} for the estimators).
 * log P_F and log P_B are rebuilt under the current policy; off-policy batches
 * (`batch.behaviour.onPolicy` false) are importance-weighted with the recorded behaviour
 * log-probabilities. Always learns log Z by regression (so log Z is reported, and usable as the
 * global baseline).
 */
export function hviObjective(kind: HviKind, options: HviOptions = {}): Objective {
  const baseline = options.baseline ?? 'global';
  const importanceWeighting = options.importanceWeighting ?? 'plain';
  if (!['rkl', 'fkl', 'ws', 'rws'].includes(kind)) throw new RangeError(`hviObjective: unknown objective "${String(kind)}" (expected rkl, fkl, ws or rws)`);
  return {
    [ObjectiveTypeId]: ObjectiveTypeId,
    name: kind,
    requires: { logZ: true },
    loss({ policy, batch, logZ }: ObjectiveContext): tf.Scalar {
      if (!logZ) throw new Error(`${kind} needs a learned logZ in its context`);
      const logBehaviour = batch.behaviour.onPolicy ? undefined : behaviourLogProbs(kind, batch);
      return tf.tidy(() => {
        const t = trajectoryTensors(policy, batch);
        return hviLoss(kind, {
          logPF: t.perTrajectory(t.logPF),
          logPB: t.perTrajectory(t.logPB),
          logR: t.logR,
          logZ: logZ as tf.Scalar,
          baseline,
          importanceWeighting,
          ...(logBehaviour ? { logBehaviour: tf.tensor1d(logBehaviour) } : {}),
        });
      });
    },
  };
}

/** Reverse KL with REINFORCE and a baseline, as an {@link Objective}. */
export function reverseKLObjective(options: HviOptions = {}): Objective {
  return hviObjective('rkl', options);
}
/** Forward KL with self-normalised importance weights, as an {@link Objective}. */
export function forwardKLObjective(options: HviOptions = {}): Objective {
  return hviObjective('fkl', options);
}
/** Wake-sleep (P_F by forward KL, P_B by reverse KL), as an {@link Objective}. */
export function wakeSleepObjective(options: HviOptions = {}): Objective {
  return hviObjective('ws', options);
}
/** Reverse wake-sleep (P_F by reverse KL, P_B by forward KL), as an {@link Objective}. */
export function reverseWakeSleepObjective(options: HviOptions = {}): Objective {
  return hviObjective('rws', options);
}
