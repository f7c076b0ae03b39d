import type { Policy } from '@gflownet/core';
import { forwardLogProbsOnGraph, maskedLogSoftmaxRows, stateGraph, terminatingDistribution } from '@gflownet/core';
import { dagEnvironment, dagExactEvaluator, dagPosterior, dagStateGraph, edgeRmse, simulateLinearGaussian } from '@gflownet/env-dag';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';

/** P_F^T by summing over every complete trajectory (depth-first), an independent check of the DP. */
function bruteForceTerminating(env: ReturnType<typeof dagEnvironment>, policy: Policy): Map<string, number> {
  const out = new Map<string, number>();
  const A = env.numActions;
  const visit = (s: ReturnType<typeof env.initialStates>, p: number): void => {
    const mask = env.forwardMask(s);
    const lp = maskedLogSoftmaxRows(policy.forwardLogits(env.features(s), 1), mask, 1, A);
    const key = env.stateKey(s, 0);
    out.set(key, (out.get(key) ?? 0) + p * Math.exp(lp[A - 1]!));
    for (let a = 0; a < A - 1; a++) if (mask[a]) visit(env.step(s, Int32Array.of(a)), p * Math.exp(lp[a]!));
  };
  visit(env.initialStates(1), 1);
  return out;
}

describe('exact P_F^T of a policy', () => {
  it('matches a sum over all complete trajectories (d=3: 67 trajectories) and core’s generic path', () => {
    const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 3, numSamples: 50, seed: 1 }) });
    const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], backward: 'uniform', seed: 3 });
    try {
      const evaluation = dagExactEvaluator(env).evaluate(policy);
      const graph = dagStateGraph(env);
      let total = 0;
      for (const q of evaluation.distribution) total += q;
      expect(total).toBeCloseTo(1, 6);
      const brute = bruteForceTerminating(env, policy);
      graph.keys.forEach((key, i) => {
        expect(evaluation.distribution[i]).toBeCloseTo(brute.get(key)!, 6);
      });
      const generic = stateGraph(env);
      const viaCore = terminatingDistribution(generic, forwardLogProbsOnGraph(env, generic, policy));
      generic.keys.forEach((key, i) => {
        expect(viaCore[i]).toBeCloseTo(evaluation.distribution[graph.indexOfKey.get(key)!]!, 12);
      });
      expect(evaluation.jsd).toBeGreaterThan(0);
      expect(evaluation.edgeRmse).toBeCloseTo(edgeRmse(evaluation.edgeMarginals, dagPosterior(env).edgeMarginals, 3), 12);
    } finally {
      policy.dispose();
    }
  });
});
