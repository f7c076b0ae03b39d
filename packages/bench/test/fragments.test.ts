import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';
import { benchFragments } from '../src/fragments.js';

describe('benchFragments', () => {
  it('measures training iterations/s and reward evaluations/s', async () => {
    const r = await benchFragments({
      iterations: 2,
      warmup: 1,
      batchSize: 4,
      rewardMolecules: 10,
      environment: { maxFragments: 3 },
      policy: (env) =>
        mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], backward: 'uniform' }),
      policyName: 'mlp 16',
    });
    expect(r.case).toBe('fragments TB (mlp 16)');
    expect(r.batchSize).toBe(4);
    expect(r.iterations).toBe(2);
    expect(r.iterationsPerSecond).toBeGreaterThan(0);
    expect(r.rewardEvaluationsPerSecond).toBeGreaterThan(0);
    expect(r.cachedRewardEvaluationsPerSecond).toBeGreaterThan(r.rewardEvaluationsPerSecond);
    expect(r.samplingMsPerIteration + r.updateMsPerIteration).toBeGreaterThan(0);
  });
});
