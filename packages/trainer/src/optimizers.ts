import type { ParameterGroup } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Learning rates per parameter group; log Z has its own. */
export interface LearningRates {
  /** P_F (default: `1e-3`). */
  readonly forward?: number;
  /** Learned P_B (default: `1e-3`). */
  readonly backward?: number;
  /** State flow log F (default: same as `forward`). */
  readonly flow?: number;
  /** log Z (default: `0.1`). */
  readonly logZ?: number;
}

/** Names of every optimised group. */
export type OptimisedGroup = ParameterGroup | 'logZ';

/** The defaults of the paper's hypergrid runs (Malkin et al. 2022): 1e-3 for the networks, 0.1 for log Z. */
export function resolveLearningRates(lr: LearningRates = {}): Required<LearningRates> {
  const out = {
    forward: lr.forward ?? 1e-3,
    backward: lr.backward ?? 1e-3,
    flow: lr.flow ?? lr.forward ?? 1e-3,
    logZ: lr.logZ ?? 0.1,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`learning rate for ${k} must be a positive number, got ${v}`);
  }
  return out;
}

/** One Adam optimiser per group (PyTorch's epsilon 1e-8, so runs compare with the Python libraries). */
export function makeOptimisers(lr: Required<LearningRates>): Record<OptimisedGroup, tf.Optimizer> {
  const adam = (rate: number): tf.Optimizer => tf.train.adam(rate, 0.9, 0.999, 1e-8);
  return { forward: adam(lr.forward), backward: adam(lr.backward), flow: adam(lr.flow), logZ: adam(lr.logZ) };
}
