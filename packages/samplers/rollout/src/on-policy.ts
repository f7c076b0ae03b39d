import type { Sampler, SampleRequest, TrajectoryBatch } from '@gflownet/core';
import { SamplerTypeId, sampleForward } from '@gflownet/core';

/**
 * The on-policy sampler: every iteration, fresh trajectories from the current forward policy.
 *
 * @example
 * const batch = await onPolicySampler().sample({ env, policy, n: 16, random, iteration: 0 });
 */
export function onPolicySampler(): Sampler {
  return {
    [SamplerTypeId]: SamplerTypeId,
    name: 'on-policy',
    sample<S>(request: SampleRequest<S>): Promise<TrajectoryBatch<S>> {
      return sampleForward(request.env, request.policy, request.n, request.random, {
        iteration: request.iteration,
        recordStateLogRewards: request.recordStateLogRewards === true,
      });
    },
  };
}
