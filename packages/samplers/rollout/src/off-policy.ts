import type { BehaviourTransform, Sampler, SampleRequest, TrajectoryBatch } from '@gflownet/core';
import { SamplerTypeId, sampleForward } from '@gflownet/core';
import type { ExplorationOptions } from './exploration.js';
import { exploration } from './exploration.js';

/** Options of {@link offPolicySampler}: an exploration, or any behaviour transform. */
export type OffPolicySamplerOptions = ExplorationOptions | { readonly behaviour: BehaviourTransform };

/**
 * Fresh trajectories every iteration from an exploratory behaviour policy on top of the current
 * forward policy (ε-uniform, temperature, exit bias; see {@link exploration}). The batch records the
 * behaviour's log-probabilities under `behaviour.logProbs` and is marked off-policy while the
 * exploration is active: objectives recompute log P_F under the current policy for the loss and use
 * the recorded values only for importance weights (the paper's "off-policy" mode, no replay).
 *
 * @example
 * const sampler = offPolicySampler({ exitBias: schedule({ kind: 'cosine', initial: 1, final: 0, iterations: 400 }) });
 */
export function offPolicySampler(options: OffPolicySamplerOptions = {}): Sampler {
  const behaviour = 'behaviour' in options ? options.behaviour : exploration(options);
  return {
    [SamplerTypeId]: SamplerTypeId,
    name: 'off-policy',
    sample<S>(request: SampleRequest<S>): Promise<TrajectoryBatch<S>> {
      return sampleForward(request.env, request.policy, request.n, request.random, {
        behaviour,
        iteration: request.iteration,
        recordStateLogRewards: request.recordStateLogRewards === true,
      });
    },
  };
}
