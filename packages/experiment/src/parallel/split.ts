import type { ShardUnit } from '@gflownet/trainer';
import type { ParsedRunConfig, ResolvedSampler } from '../config.js';

/**
 * With threads, each shard's gradient is weighted by its share of what the objective's loss averages
 * over, so that the shards add up exactly to the batch's gradient. That holds for losses that are plain
 * means over trajectories or transitions; the others normalise over the whole batch.
 */
export function shardUnit(objective: ParsedRunConfig['objective']): ShardUnit | { readonly reason: string } {
  switch (objective.name) {
    case 'tb':
      return 'trajectories';
    case 'db':
      return 'rows';
    case 'mdb':
      return 'non-stop-rows';
    case 'subtb':
      return objective.subtbWeighting === 'equal' ? { reason: 'subtb weighting "equal" normalises over every sub-trajectory of the batch' } : 'trajectories';
    case 'fm':
      return { reason: 'fm normalises its loss over the states of the whole batch' };
    default:
      return { reason: `${objective.name} uses batch-wide weights and baselines (log Z regression, normalised importance weights)` };
  }
}

/** The run-config field a thread count conflicts with, and why; undefined when the run can be split. */
export function threadsConflict(parsed: ParsedRunConfig, sampler: ResolvedSampler): { readonly path: string[]; readonly reason: string } | undefined {
  const threads = parsed.threads;
  if (threads === 1) return undefined;
  const unit = shardUnit(parsed.objective);
  if (typeof unit !== 'string') return { path: ['threads'], reason: `${threads} threads split each batch, but ${unit.reason}; use objective tb, db, mdb or subtb, or 1 thread` };
  if (sampler.kind === 'replay') return { path: ['threads'], reason: `${threads} threads need an on-policy or off-policy sampler (one replay buffer is not split over threads); use 1 thread` };
  if (parsed.budget.batchSize < threads) return { path: ['threads'], reason: `${threads} threads need a batch of at least ${threads} trajectories, got ${parsed.budget.batchSize}` };
  return undefined;
}
