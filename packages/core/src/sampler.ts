import type { Environment } from './environment.js';
import type { Policy } from './policy.js';
import type { Random } from './random.js';
import type { TrajectoryBatch } from './trajectories.js';

/** Brand carried by every {@link Sampler}. */
export const SamplerTypeId: '~@gflownet/core/Sampler' = '~@gflownet/core/Sampler';

/** Per-call inputs of a sampler. */
export interface SampleRequest<S> {
  readonly env: Environment<S>;
  readonly policy: Policy;
  readonly n: number;
  readonly random: Random;
  /** Training iteration (drives exploration schedules). */
  readonly iteration: number;
  /** Record log R of every visited state that can stop (see {@link TrajectoryBatch.stateLogRewards}). */
  readonly recordStateLogRewards?: boolean;
}

/** Produces the training trajectories of each iteration: on-policy, exploratory, replayed or mixed. */
export interface Sampler {
  readonly [SamplerTypeId]: typeof SamplerTypeId;
  readonly name: string;
  sample<S>(request: SampleRequest<S>): Promise<TrajectoryBatch<S>>;
  /** Optional: state to checkpoint (e.g. a replay buffer), JSON-serialisable. */
  getState?(): unknown;
  setState?(state: unknown): void;
}

/** True when `x` carries the {@link Sampler} brand. */
export function isSampler(x: unknown): x is Sampler {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[SamplerTypeId] === SamplerTypeId;
}
