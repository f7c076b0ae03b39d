import { exactEvaluator, maskedLogSoftmaxRows, Random, stateGraph, terminatingDistribution } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { sampleForward } from '@gflownet/sampler-rollout';
import { describe, expect, it } from 'vitest';

/** Independent P_F^T: depth-first enumeration of every complete trajectory (no dynamic programming). */
function bruteForceTerminating(env: ReturnType<typeof hypergrid>, logProbsOf: (key: string) => Float64Array): Map<string, number> {
  const out = new Map<string, number>();
  const D = env.ndim;
  const visit = (coords: number[], p: number): void => {
    const key = coords.join(',');
    const lp = logProbsOf(key);
    out.set(key, (out.get(key) ?? 0) + p * Math.exp(lp[D] as number));
    for (let d = 0; d < D; d++) {
      if ((coords[d] as number) < env.height - 1) {
        const next = [...coords];
        next[d] = (next[d] as number) + 1;
        visit(next, p * Math.exp(lp[d] as number));
      }
    }
  };
  visit(new Array(D).fill(0), 1);
  return out;
}

describe('exact evaluation of P_F^T', () => {
  const env = hypergrid({ ndim: 2, height: 4 });
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], seed: 3 });

  it('sums to 1 and equals the sum over every complete trajectory', async () => {
    const evaluator = await exactEvaluator(env);
    const { distribution, graph } = evaluator.evaluate(policy);
    expect(distribution.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    const all = env.enumerate();
    const logits = policy.forwardLogits(env.features(all), all.n);
    const lp = maskedLogSoftmaxRows(logits, env.forwardMask(all), all.n, env.numActions);
    const byKey = new Map<string, Float64Array>();
    for (let i = 0; i < all.n; i++) byKey.set(env.stateKey(all, i), lp.slice(i * env.numActions, (i + 1) * env.numActions));
    const brute = bruteForceTerminating(env, (k) => byKey.get(k) as Float64Array);
    graph.keys.forEach((k, i) => expect(distribution[i]).toBeCloseTo(brute.get(k) as number, 12));
  });

  it('matches the frequencies of sampled trajectories within sampling error', async () => {
    const graph = stateGraph(env);
    const { distribution } = (await exactEvaluator(env)).evaluate(policy);
    const n = 20000;
    const batch = await sampleForward(env, policy, n, new Random(11));
    const counts = new Float64Array(graph.numStates);
    for (let b = 0; b < n; b++) {
      const i = graph.indexOfKey.get(env.stateKey(batch.terminals, b)) as number;
      counts[i] = (counts[i] as number) + 1;
    }
    for (let i = 0; i < graph.numStates; i++) {
      const p = distribution[i] as number;
      const sd = Math.sqrt((p * (1 - p)) / n);
      // 5 standard deviations per cell: a false alarm over 16 cells is ~1e-5.
      expect(Math.abs((counts[i] as number) / n - p)).toBeLessThan(5 * sd + 1e-9);
    }
  });

  it('is exactly the target for a policy built from the true flows', () => {
    // With uniform P_B, the optimal P_F is P_F(s'|s) = F(s')P_B(s|s')/F(s); build it by backward DP and check the sweep.
    const graph = stateGraph(env);
    const A = env.numActions;
    const all = graph.states as ReturnType<typeof env.enumerate>;
    const R = Array.from(env.logReward(all) as Float64Array, (v) => Math.exp(v));
    const F = new Float64Array(graph.numStates);
    const nParents = Array.from({ length: graph.numStates }, (_, i) => {
      let c = 0;
      for (let d = 0; d < 2; d++) if ((all.data[i * 2 + d] as number) > 0) c++;
      return c;
    });
    for (let k = graph.numStates - 1; k >= 0; k--) {
      const i = graph.order[k] as number;
      let f = R[i] as number;
      for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
        const j = graph.edgeChild[e] as number;
        f += (F[j] as number) / (nParents[j] as number);
      }
      F[i] = f;
    }
    const logProbs = new Float64Array(graph.numStates * A).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < graph.numStates; i++) {
      logProbs[i * A + A - 1] = Math.log((R[i] as number) / (F[i] as number));
      for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
        const j = graph.edgeChild[e] as number;
        logProbs[i * A + (graph.edgeAction[e] as number)] = Math.log((F[j] as number) / (nParents[j] as number) / (F[i] as number));
      }
    }
    const pt = terminatingDistribution(graph, logProbs);
    const Z = R.reduce((s, v) => s + v, 0);
    expect(Math.log(F[graph.initial] as number)).toBeCloseTo(Math.log(Z), 12);
    for (let i = 0; i < graph.numStates; i++) expect(pt[i]).toBeCloseTo((R[i] as number) / Z, 12);
  });
});
