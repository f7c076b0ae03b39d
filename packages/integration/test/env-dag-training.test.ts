import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler, sampleForward } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import { Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dagEnvironment, dagExactEvaluator, edgeMarginalsFromSamples, edgeRmse, simulateLinearGaussian } from '@gflownet/env-dag';

describe('training on the DAG environment', () => {
  it('TB with a uniform P_B moves P_F^T towards the exact posterior (d=3, a few hundred steps)', async () => {
    const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 3, numSamples: 100, seed: 0 }), relativeToEmpty: true });
    const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [32], backward: 'uniform', seed: 0 });
    const evaluator = dagExactEvaluator(env);
    try {
      const before = evaluator.evaluate(policy);
      const tensors = tf.memory().numTensors;
      const result = await train({
        env,
        policy,
        objective: trajectoryBalanceObjective(),
        sampler: onPolicySampler(),
        iterations: 300,
        batchSize: 16,
        learningRates: { forward: 3e-3, logZ: 0.3 },
        evalEvery: 300,
      });
      const after = evaluator.evaluate(policy);
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors + 1);
      expect(after.jsd).toBeLessThan(before.jsd / 3);
      expect(after.edgeRmse).toBeLessThan(before.edgeRmse);
      // The trainer's exact evaluation (core's generic state graph) agrees with the DAG evaluator.
      expect(result.exact!.jsd).toBeCloseTo(after.jsd, 9);
      expect(result.trueLogZ).toBeCloseTo(evaluator.posterior.logZ, 9);
      // Sample-based marginals of the trained policy approach its exact ones.
      const samples = await sampleForward(env, policy, 2000, new Random(1));
      expect(edgeRmse(edgeMarginalsFromSamples(env, samples.terminals), after.edgeMarginals, 3)).toBeLessThan(0.03);
    } finally {
      policy.dispose();
    }
  });
});
