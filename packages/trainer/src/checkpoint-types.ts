import type { RandomState } from '@gflownet/core';
import type { AdamState, OptimisedGroup } from './optimizers.js';
import type { HistoryRecord } from './history.js';
import type { SgdState } from './sgd.js';

/** A tensor's values with its shape. */
export interface SavedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Everything needed to continue a run exactly: weights, log Z, optimiser moments, the random
 * generator, the sampler's state (e.g. a replay buffer), the iteration, the history and the running
 * loss average. Plain data; {@link serializeCheckpoint} turns it into a file.
 */
export interface TrainingState {
  /** Iterations completed. */
  readonly iteration: number;
  readonly parameters: Readonly<Record<'forward' | 'backward' | 'flow', readonly SavedTensor[]>>;
  readonly logZ: number | null;
  readonly optimisers: Readonly<Record<OptimisedGroup, AdamState>>;
  /**
   * The momentum of log Z's SGD, when the run trains log Z with SGD (`logZOptimizer: 'sgd'`; its
   * `optimisers.logZ` is then an unused, empty Adam state). Absent for Adam and in earlier checkpoints.
   */
  readonly logZSgd?: SgdState;
  readonly random: RandomState;
  readonly sampler: unknown;
  readonly history: readonly HistoryRecord[];
  readonly lossSum: number;
  readonly lossCount: number;
  /** Seconds spent so far, so that throughput stays meaningful across resumes. */
  readonly seconds: { readonly sampling: number; readonly update: number; readonly evaluation: number };
}

/** Raised for a checkpoint that cannot be used; the message says which file and why. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}
