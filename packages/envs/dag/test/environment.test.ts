import { Random, stateKeys } from '@gflownet/core';
import { describeEnvironment } from '@gflownet/testing';
import { describe, expect, it } from 'vitest';
import { closureOf, dagEnvironment, dagPosterior, graphPrior, MAX_EXACT_VARIABLES, simulateLinearGaussian } from '../src/index.js';
import { randomData } from './helpers.js';

const sim = (d: number, seed = 0) => simulateLinearGaussian({ numVariables: d, numSamples: 50, seed });

describeEnvironment('dag d=3 bge uniform', () => dagEnvironment({ data: sim(3) }));
describeEnvironment('dag d=4 bge erdos-renyi', () => dagEnvironment({ data: sim(4, 1), prior: 'erdos-renyi' }));
describeEnvironment('dag d=4 lingauss fair', () => dagEnvironment({ data: sim(4, 2), score: 'lingauss', prior: 'fair' }));
describeEnvironment('dag d=7 bge edge prior (no enumeration)', () => dagEnvironment({ data: randomData(7, 40, 3), prior: 'edge', priorOptions: { beta: 0.5 } }), {
  walks: 16,
});

describe('dag environment', () => {
  it('has d²+1 actions, d² backward actions, 2d² features, and keys the adjacency row by row', () => {
    const env = dagEnvironment({ data: sim(3) });
    expect([env.numActions, env.numBackwardActions, env.featureSize, env.maxTrajectoryLength]).toEqual([10, 9, 18, 4]);
    const s0 = env.initialStates(1);
    expect(env.stateKey(s0, 0)).toBe('000000000');
    // A→C is action 0·3 + 2 = 2, then C→B is action 2·3 + 1 = 7.
    const s = env.step(env.step(s0, Int32Array.of(2)), Int32Array.of(7));
    expect(env.stateKey(s, 0)).toBe('001000010');
    // B→A would close A→C→B→A; self-loops, existing edges and reversals are masked too.
    const mask = [...env.forwardMask(s)];
    expect(mask).toEqual([0, 1, 0, /*B→A*/ 0, 0, 0, /*C→A*/ 0, 0, 0, /*stop*/ 1]);
    expect([...env.backwardMask(s)]).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(() => env.step(s, Int32Array.of(3))).toThrow(/action 3 \(B→A\) is not allowed at state 001000010/);
    expect(() => env.backwardStep(s, Int32Array.of(3))).toThrow(/remove B→A/);
    expect([...env.features(s)].slice(0, 9)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0]);
  });

  it('keeps the incrementally updated closure equal to a recomputed one along random walks, forward and back', () => {
    for (const d of [3, 5, 8]) {
      const env = dagEnvironment({ data: randomData(d, 30, d) });
      const random = new Random(d);
      const W = 2 * d * d;
      const check = (s: { data: Uint8Array; n: number }): void => {
        for (let i = 0; i < s.n; i++) {
          const c = new Uint8Array(d * d);
          closureOf(s.data.subarray(i * W, i * W + d * d), d, c);
          expect([...s.data.subarray(i * W + d * d, (i + 1) * W)]).toEqual([...c]);
        }
      };
      let s = env.initialStates(8);
      for (let t = 0; t < (d * (d - 1)) / 2; t++) {
        const m = env.forwardMask(s);
        const actions = new Int32Array(8);
        for (let i = 0; i < 8; i++) {
          const valid = [];
          for (let a = 0; a < d * d; a++) if (m[i * env.numActions + a]) valid.push(a);
          if (valid.length === 0) break;
          actions[i] = valid[random.int(valid.length)] as number;
        }
        if (actions.some((a, i) => !m[i * env.numActions + a])) break;
        s = env.step(s, actions);
        check(s);
      }
      // Remove random edges: backwardStep recomputes the closure.
      const bm = env.backwardMask(s);
      const back = Int32Array.from({ length: 8 }, (_, i) => {
        const edges = [];
        for (let a = 0; a < d * d; a++) if (bm[i * d * d + a]) edges.push(a);
        return edges[random.int(edges.length)] as number;
      });
      check(env.backwardStep(s, back));
    }
  });

  it('deltaScore equals the change of log R and touches one node; the cache is keyed by (node, parents)', async () => {
    const env = dagEnvironment({ data: sim(5, 4), prior: 'erdos-renyi' });
    const random = new Random(1);
    let s = env.initialStates(16);
    for (let t = 0; t < 6; t++) {
      const m = env.forwardMask(s);
      const actions = Int32Array.from({ length: 16 }, (_, i) => {
        const valid = [];
        for (let a = 0; a < 25; a++) if (m[i * 26 + a]) valid.push(a);
        return valid[random.int(valid.length)] as number;
      });
      const delta = env.deltaScore(s, actions);
      const before = await env.logReward(s);
      const next = env.step(s, actions);
      const after = await env.logReward(next);
      for (let i = 0; i < 16; i++) expect(delta[i]).toBeCloseTo((after[i] as number) - (before[i] as number), 9);
      s = next;
    }
    expect([...env.deltaScore(s, new Int32Array(16).fill(25))]).toEqual(new Array(16).fill(0));
    expect(env.cacheSize()).toBeLessThanOrEqual(5 * 2 ** 4);
  });

  it('builds states from adjacency matrices and rejects cycles', async () => {
    const env = dagEnvironment({ data: sim(3) });
    const s = env.fromAdjacency([0, 1, 0, 0, 0, 1, 0, 0, 0], 1);
    expect(env.stateKey(s, 0)).toBe('010001000');
    expect(stateKeys(env, env.step(env.step(env.initialStates(1), Int32Array.of(1)), Int32Array.of(5)))).toEqual(['010001000']);
    expect([...env.forwardMask(s)]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1]); // only A→C keeps it acyclic
    expect((await env.logReward(s))[0]).toBeCloseTo(env.logRewardOfAdjacency([0, 1, 0, 0, 0, 1, 0, 0, 0]), 12);
    expect(() => env.fromAdjacency([0, 1, 0, 0, 0, 1, 1, 0, 0], 1)).toThrow(/cycle/);
    expect(() => env.fromAdjacency([1, 0, 0, 0, 0, 0, 0, 0, 0], 1)).toThrow(/self-loop/);
  });

  it('can report rewards relative to the empty graph without changing the posterior', async () => {
    const data = sim(4, 6);
    const abs = dagEnvironment({ data, prior: 'fair' });
    const rel = dagEnvironment({ data, prior: 'fair', relativeToEmpty: true });
    expect((await rel.logReward(rel.initialStates(1)))[0]).toBeCloseTo(0, 9);
    expect(rel.logRewardOffset).toBeCloseTo((await abs.logReward(abs.initialStates(1)))[0]!, 12);
    expect(rel.trueLogZ!()).toBeCloseTo(abs.trueLogZ!() - rel.logRewardOffset, 9);
    const a = dagPosterior(abs).logProbs;
    const b = dagPosterior(rel).logProbs;
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-9);
  });

  it('offers enumeration only up to 5 variables', () => {
    expect(MAX_EXACT_VARIABLES).toBe(5);
    expect(typeof dagEnvironment({ data: sim(5) }).enumerate).toBe('function');
    const big = dagEnvironment({ data: sim(6) });
    expect(big.enumerate).toBeUndefined();
    expect(big.trueLogZ).toBeUndefined();
  });

  it('accepts custom priors and scores, and checks they fit the data', () => {
    const data = sim(3);
    const prior = { name: 'two-parents-penalty', logPrior: (k: number) => (k === 2 ? -1 : 0) };
    const env = dagEnvironment({ data, prior });
    const base = dagEnvironment({ data });
    const full = [0, 1, 1, 0, 0, 1, 0, 0, 0];
    expect(env.logRewardOfAdjacency(full)).toBeCloseTo(base.logRewardOfAdjacency(full) - 1, 12);
    expect(() => dagEnvironment({ data, score: { name: 'x', d: 4, local: () => 0 } })).toThrow(/over 4 variables, the data has 3/);
    expect(() => dagEnvironment({ data, score: 'nope' as never })).toThrow(/unknown score "nope"/);
    expect(graphPrior('uniform', 3).logPrior(2)).toBe(0);
  });
});
