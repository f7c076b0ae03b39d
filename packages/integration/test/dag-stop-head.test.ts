import { dagEnvironment, dagExactEvaluator, simulateLinearGaussian } from '@gflownet/env-dag';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';

// The reproduction spec's check before any long DAG run: at iteration 0 the paper's policy
// (P(stop) = σ(head), edges (1 − σ)·softmax) scores JSD ≈ 0.6–0.68 against a d = 5 posterior
// that sits on near-complete DAGs, while one softmax over d² + 1 actions stops with ≈ 1/21 and
// starts much closer to it.
describe('the stop head sets where a DAG policy starts (d = 5, exact JSD at iteration 0)', () => {
  it('sigmoid stop: JSD in 0.55–0.72; softmax stop: far lower', () => {
    const data = simulateLinearGaussian({ numVariables: 5, numSamples: 100, expectedEdges: 5, noiseStd: 0.1, seed: 0 });
    const env = dagEnvironment({ data, score: 'bge', prior: 'uniform', relativeToEmpty: true });
    const evaluator = dagExactEvaluator(env);
    // The DAG features are the state bytes, so the environment's own mask can be read back from them.
    const forwardMask = (features: Float32Array, n: number): Uint8Array => env.forwardMask({ data: Uint8Array.from(features), width: env.featureSize, n });
    const sizes = { featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, backward: 'uniform' as const, seed: 0 };
    const sigmoid = mlpPolicy({ ...sizes, stopHead: 'sigmoid', forwardMask });
    const softmax = mlpPolicy(sizes);
    try {
      const withSigmoid = evaluator.evaluate(sigmoid);
      const withSoftmax = evaluator.evaluate(softmax);
      expect(withSigmoid.jsd).toBeGreaterThan(0.55);
      expect(withSigmoid.jsd).toBeLessThan(0.72);
      expect(withSoftmax.jsd).toBeLessThan(withSigmoid.jsd - 0.2);
      // P_F^T(∅) = P(stop | ∅) = σ(s) ≈ ½ with the sigmoid head; the softmax head stops there with ≈ 1/21.
      const empty = evaluator.posterior.graph.indexOfKey.get('0'.repeat(25)) as number;
      expect(withSigmoid.distribution[empty]).toBeGreaterThan(0.35);
      expect(withSigmoid.distribution[empty]).toBeLessThan(0.65);
      expect(withSoftmax.distribution[empty]).toBeLessThan(0.1);
    } finally {
      sigmoid.dispose();
      softmax.dispose();
    }
  });
});
