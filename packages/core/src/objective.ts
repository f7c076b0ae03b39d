import type * as tf from '@tensorflow/tfjs-core';
import type { Environment } from './environment.js';
import type { Policy } from './policy.js';
import type { TrajectoryBatch } from './trajectories.js';

/** Brand carried by every {@link Objective}. */
export const ObjectiveTypeId: '~@gflownet/core/Objective' = '~@gflownet/core/Objective';

/** What an objective needs from the trainer and the sampler. */
export interface ObjectiveRequirements {
  /** A learned scalar log Z (TB, and the global baseline of the VI objectives). */
  readonly logZ?: boolean;
  /** A state-flow head on the policy (DB, SubTB). */
  readonly flow?: boolean;
  /** log R of every visited state (modified DB); the sampler records {@link TrajectoryBatch.stateLogRewards}. */
  readonly stateLogRewards?: boolean;
  /** The environment in its context, {@link ObjectiveContext.env} (flow matching, built without one, lists parents with it). */
  readonly env?: boolean;
}

/** Everything an objective may read to compute its loss. */
export interface ObjectiveContext {
  readonly policy: Policy;
  readonly batch: TrajectoryBatch;
  /** The learned log Z, when {@link ObjectiveRequirements.logZ} is set. */
  readonly logZ?: tf.Variable;
  /**
   * The environment the batch comes from. Training loops pass it always, so an objective that needs
   * it (to list the parents of visited states, as flow matching does) can be built without it.
   */
  readonly env?: Environment;
}

/**
 * A training objective: a scalar loss to minimise over a batch, computed under the gradient tape.
 * The pure tensor functions (e.g. `trajectoryBalance`) are usable without this wrapper.
 */
export interface Objective {
  readonly [ObjectiveTypeId]: typeof ObjectiveTypeId;
  readonly name: string;
  readonly requires: ObjectiveRequirements;
  /** The loss on a batch (a scalar tensor the caller disposes). */
  loss(context: ObjectiveContext): tf.Scalar;
}

/** True when `x` carries the {@link Objective} brand. */
export function isObjective(x: unknown): x is Objective {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[ObjectiveTypeId] === ObjectiveTypeId;
}
