import type { TrajectoryRows } from '@gflownet/core';

// The buffer's option values and stored item, apart from buffer.ts so that the state codec and the
// materialisation can use them without importing the buffer (no import cycle).

/** What a buffer keeps: whole trajectories, or only terminal states (trajectories re-sampled backward with P_B). */
export type ReplayStore = 'trajectories' | 'terminals';
/** Which item leaves a full buffer: the oldest (`fifo`) or the lowest-reward one (`reward`, i.e. keep the top K by log R). */
export type ReplayEviction = 'fifo' | 'reward';
/** How items are drawn: uniformly, or in proportion to softmax(log R / temperature) (`reward`). */
export type ReplaySampling = 'uniform' | 'reward';

/**
 * A stored item. `terminal` is a one-state batch and `states` (trajectories store only) the batch of
 * its visited states, s0 first; both are re-created from `path` when missing (after setState).
 */
export interface Item {
  readonly terminalKey: string;
  readonly logReward: number;
  readonly seq: number;
  /** Forward actions from s0 to the terminal state, stop excluded. */
  readonly path: Int32Array;
  /** All rows (trajectories store only). */
  rows?: TrajectoryRows;
  terminal?: unknown;
  states?: unknown;
}
