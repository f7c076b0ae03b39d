import { logSumExp, Random, stateGraph } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import {
  bgeScore,
  dagEnvironment,
  dagPosterior,
  dagStateGraph,
  edgeMarginals,
  edgeMarginalsFromKeys,
  edgeMarginalsFromSamples,
  edgeRmse,
  enumerateDagMasks,
  graphPrior,
  NUM_DAGS,
  simulateLinearGaussian,
} from '../src/index.js';
import { bruteForceDags, keyOfMask, parentsInMask, randomData } from './helpers.js';

const popcount = (m: number): number => {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
};
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

describe('DAG enumeration', () => {
  it('counts 25 / 543 / 29,281 DAGs with the spec table of edge counts, transitions and trajectories', () => {
    const expected: Record<number, { byEdges: number[]; transitions: number; trajectories: number }> = {
      3: { byEdges: [1, 6, 12, 6], transitions: 48, trajectories: 67 },
      4: { byEdges: [1, 12, 60, 152, 186, 108, 24], transitions: 2016, trajectories: 35749 },
      5: { byEdges: [1, 20, 180, 940, 3050, 6180, 7960, 6540, 3330, 960, 120], transitions: 176320, trajectories: 957600021 },
    };
    for (const d of [3, 4, 5]) {
      const masks = enumerateDagMasks(d);
      expect(masks.length).toBe(NUM_DAGS[d]);
      expect(new Set(masks).size).toBe(masks.length);
      const byEdges = new Array<number>((d * (d - 1)) / 2 + 1).fill(0);
      let trajectories = 0;
      for (const m of masks) {
        byEdges[popcount(m)]!++;
        trajectories += factorial(popcount(m));
      }
      expect(byEdges).toEqual(expected[d]!.byEdges);
      expect(trajectories).toBe(expected[d]!.trajectories);
      const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: d, numSamples: 20, seed: d }) });
      const graph = dagStateGraph(env);
      expect(graph.numStates).toBe(NUM_DAGS[d]);
      expect(graph.edgeChild.length).toBe(expected[d]!.transitions);
      // Edges only go from a state to one with one more edge, listed later (a topological order).
      let backwards = 0;
      for (let i = 0; i < graph.numStates; i++) {
        for (let e = graph.edgeStart[i]!; e < graph.edgeStart[i + 1]!; e++) if (graph.edgeChild[e]! <= i) backwards++;
      }
      expect(backwards).toBe(0);
    }
  });

  it('finds the same DAGs as brute force over every edge subset with an acyclicity check', () => {
    for (const d of [3, 4, 5]) {
      const brute = bruteForceDags(d);
      expect(brute.length).toBe(NUM_DAGS[d]);
      expect([...enumerateDagMasks(d)].sort((a, b) => a - b)).toEqual(brute.sort((a, b) => a - b));
    }
  });

  it('builds the same state graph as core’s generic stateGraph', () => {
    const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 4, numSamples: 20, seed: 0 }) });
    const fast = dagStateGraph(env);
    const generic = stateGraph(env);
    expect(generic.numStates).toBe(fast.numStates);
    const edges = (g: typeof fast): string[] => {
      const out: string[] = [];
      for (let i = 0; i < g.numStates; i++) for (let e = g.edgeStart[i]!; e < g.edgeStart[i + 1]!; e++) out.push(`${g.keys[i]}>${g.edgeAction[e]}>${g.keys[g.edgeChild[e]!]}`);
      return out.sort();
    };
    expect(edges(generic)).toEqual(edges(fast));
  });
});

describe('exact posterior', () => {
  for (const [d, score, prior] of [
    [3, 'bge', 'uniform'],
    [4, 'bge', 'erdos-renyi'],
    [4, 'lingauss', 'fair'],
    [4, 'bge', 'edge'],
  ] as const) {
    it(`agrees with an independent brute-force enumeration to 1e-6 (d=${d}, ${score}, ${prior})`, () => {
      const data = randomData(d, 30, 10 + d);
      const env = dagEnvironment({ data, score, prior, priorOptions: { beta: 0.3 } });
      const posterior = dagPosterior(env);
      // Independent: brute-force DAGs, a fresh uncached score, the prior evaluated directly.
      const fresh = score === 'bge' ? bgeScore(data) : env.score;
      const p = graphPrior(prior, d, { beta: 0.3 });
      const masks = bruteForceDags(d);
      const logR = masks.map((m) => {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const pa = parentsInMask(m, d, j);
          s += fresh.local(j, pa) + p.logPrior(pa.length);
        }
        return s;
      });
      const logZ = logSumExp(logR);
      expect(Math.abs(posterior.logZ - logZ)).toBeLessThan(1e-6);
      expect(env.trueLogZ!()).toBeCloseTo(logZ, 6);
      masks.forEach((m, k) => {
        const i = posterior.graph.indexOfKey.get(keyOfMask(m, d));
        expect(i).toBeDefined();
        expect(Math.abs(posterior.logProbs[i!]! - (logR[k]! - logZ))).toBeLessThan(1e-6);
      });
      let total = 0;
      for (const q of posterior.probs) total += q;
      expect(total).toBeCloseTo(1, 12);
    });
  }

  it('has consistent edge marginals: zero diagonal, p_ij + p_ji ≤ 1, sum = expected edge count', () => {
    const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 4, numSamples: 100, seed: 3 }) });
    const { probs, edgeMarginals: m, graph } = dagPosterior(env);
    let expectedEdges = 0;
    graph.keys.forEach((key, i) => {
      expectedEdges += probs[i]! * [...key].filter((c) => c === '1').length;
    });
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      expect(m[i * 4 + i]).toBe(0);
      for (let j = 0; j < 4; j++) {
        sum += m[i * 4 + j]!;
        if (i !== j) expect(m[i * 4 + j]! + m[j * 4 + i]!).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
    expect(sum).toBeCloseTo(expectedEdges, 10);
    expect([...edgeMarginalsFromKeys(4, graph.keys, probs)].map((v, k) => v - m[k]!).every((v) => Math.abs(v) < 1e-12)).toBe(true);
    expect(edgeRmse(m, m, 4)).toBe(0);
    // The RMSE is over the d(d−1) off-diagonal entries only.
    const shifted = Float64Array.from(m, (v, k) => (k % 5 === 0 ? v + 7 : v + 0.1));
    expect(edgeRmse(shifted, m, 4)).toBeCloseTo(0.1, 12);
  });

  it('estimates edge marginals from samples of the posterior', () => {
    const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: 3, numSamples: 100, seed: 5 }) });
    const { probs, edgeMarginals: exact, graph } = dagPosterior(env);
    const random = new Random(0);
    const picks = Array.from({ length: 20000 }, () => random.categorical(probs));
    const sampled = edgeMarginalsFromSamples(env, env.select(graph.states, picks));
    expect(edgeRmse(sampled, exact, 3)).toBeLessThan(0.01);
    expect([...edgeMarginals(3, env.select(graph.states, [0, 0]))]).toEqual(new Array(9).fill(0));
  });
});
