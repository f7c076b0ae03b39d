import { hypergrid } from '@gflownet/env-hypergrid';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';

describe('train() from the library', () => {
  it('names a missing or wrong part instead of failing on undefined', async () => {
    const env = hypergrid({ ndim: 2, height: 3 });
    const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [4] });
    try {
      await expect(train({ env, policy, sampler: onPolicySampler(), iterations: 1 } as never)).rejects.toThrow('train: options.objective is missing');
      await expect(train({ env, policy, objective: {}, sampler: onPolicySampler(), iterations: 1 } as never)).rejects.toThrow('train: options.objective is not a gflownet-ts objective');
      await expect(train({ policy, iterations: 1 } as never)).rejects.toThrow('train: options.env is missing');
    } finally {
      policy.dispose();
    }
  });
});
