import { describe, expect, it } from 'vitest';
import { bgeScore, dagEnvironment, dagPosterior, graphPrior, linearGaussianScore } from '../src/index.js';
import { lnGamma } from '../src/linalg.js';
import { logDetGauss, randomData, solveGauss } from './helpers.js';

/** Skeleton and v-structures: two DAGs are Markov equivalent iff these agree (Verma & Pearl). */
function markovSignature(key: string, d: number): string {
  const has = (i: number, j: number): boolean => key[i * d + j] === '1';
  const adjacent = (i: number, j: number): boolean => has(i, j) || has(j, i);
  const parts: string[] = [];
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) if (adjacent(i, j)) parts.push(`${i}-${j}`);
  for (let c = 0; c < d; c++) {
    for (let a = 0; a < d; a++) {
      for (let b = a + 1; b < d; b++) if (has(a, c) && has(b, c) && !adjacent(a, b)) parts.push(`${a}>${c}<${b}`);
    }
  }
  return parts.join(',');
}

describe('lnGamma', () => {
  it('matches factorials and half-integer values', () => {
    let f = 1;
    for (let n = 1; n <= 30; n++) {
      expect(lnGamma(n)).toBeCloseTo(Math.log(f), 10); // Γ(n) = (n−1)!
      f *= n;
    }
    // Γ(n + ½) = (2n)! √π / (4ⁿ n!)
    for (let n = 0; n <= 20; n++) {
      let logv = 0.5 * Math.log(Math.PI) - n * Math.log(4);
      for (let k = n + 1; k <= 2 * n; k++) logv += Math.log(k);
      expect(lnGamma(n + 0.5)).toBeCloseTo(logv, 10);
    }
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(() => lnGamma(0)).toThrow(/positive/);
  });
});

describe('BGe score', () => {
  it('gives equal scores to Markov-equivalent DAGs (all 543 DAGs on 4 variables)', () => {
    const env = dagEnvironment({ data: randomData(4, 40, 1) });
    const { graph, logRewards } = dagPosterior(env);
    const classes = new Map<string, number[]>();
    graph.keys.forEach((key, i) => {
      const sig = markovSignature(key, 4);
      classes.set(sig, [...(classes.get(sig) ?? []), logRewards[i]!]);
    });
    expect(classes.size).toBe(185); // Markov equivalence classes of 4-node DAGs (OEIS A302545)
    let nonTrivial = 0;
    for (const scores of classes.values()) {
      if (scores.length > 1) nonTrivial++;
      for (const s of scores) expect(Math.abs(s - scores[0]!)).toBeLessThan(1e-9);
    }
    expect(nonTrivial).toBeGreaterThan(50);
    // …while non-equivalent DAGs differ (the score is not constant).
    const distinct = new Set([...classes.values()].map((s) => s[0]!.toFixed(6)));
    expect(distinct.size).toBe(185);
  });

  it('satisfies the spec’s self-test identity on two variables: S(0|∅)+S(1|{0}) = S(1|∅)+S(0|{1})', () => {
    const score = bgeScore(randomData(2, 25, 7));
    expect(score.local(0, []) + score.local(1, [0])).toBeCloseTo(score.local(1, []) + score.local(0, [1]), 10);
  });

  it('sums to the Normal–Wishart marginal likelihood on every complete DAG', () => {
    for (const [d, n] of [
      [3, 12],
      [5, 40],
    ] as const) {
      const data = randomData(d, n, d);
      const alphaMu = 1;
      const alphaW = d + 2;
      const score = bgeScore(data);
      // Independent closed form: log p(D) = −(Nd/2) log π + (d/2) log(α_μ/(N+α_μ)) + log Γ_d((N+α_w)/2) − log Γ_d(α_w/2)
      //                                    + (α_w/2) log det T − ((N+α_w)/2) log det R,  T = t·I.
      const t = (alphaMu * (alphaW - d - 1)) / (alphaMu + 1);
      const X = data.values;
      const mean = Array.from({ length: d }, (_, c) => {
        let s = 0;
        for (let r = 0; r < n; r++) s += X[r * d + c]!;
        return s / n;
      });
      const R = Array.from({ length: d }, (_, a) =>
        Array.from({ length: d }, (_, b) => {
          let s = a === b ? t : 0;
          for (let r = 0; r < n; r++) s += (X[r * d + a]! - mean[a]!) * (X[r * d + b]! - mean[b]!);
          return s + ((n * alphaMu) / (n + alphaMu)) * mean[a]! * mean[b]!;
        }),
      );
      let logGammaRatio = 0; // the π^{d(d−1)/4} factors of Γ_d cancel
      for (let i = 1; i <= d; i++) logGammaRatio += lnGamma((n + alphaW + 1 - i) / 2) - lnGamma((alphaW + 1 - i) / 2);
      const closed =
        -(n * d * Math.log(Math.PI)) / 2 +
        (d / 2) * Math.log(alphaMu / (n + alphaMu)) +
        logGammaRatio +
        (alphaW / 2) * d * Math.log(t) -
        ((n + alphaW) / 2) * logDetGauss(R);
      // Any topological order: node order[k] has parents order[0..k−1].
      for (const order of [Array.from({ length: d }, (_, i) => i), Array.from({ length: d }, (_, i) => d - 1 - i)]) {
        let s = 0;
        order.forEach((node, k) => {
          s += score.local(node, order.slice(0, k).sort((a, b) => a - b));
        });
        expect(s).toBeCloseTo(closed, 8);
      }
    }
  });

  it('rejects hyperparameters outside the model', () => {
    const data = randomData(3, 10, 0);
    expect(() => bgeScore(data, { alphaW: 4 })).toThrow(/alphaW must exceed d \+ 1 = 4/);
    expect(() => bgeScore(data, { alphaMu: 0 })).toThrow(/alphaMu/);
  });
});

describe('linear-Gaussian score', () => {
  it('equals the Gaussian log-density of x_j with the weights integrated out (direct N×N computation)', () => {
    const d = 4;
    const n = 9;
    const data = randomData(d, n, 2);
    for (const opts of [{}, { priorMean: 0.3, priorScale: 0.7, obsScale: 0.5 }]) {
      const muW = opts.priorMean ?? 0;
      const sw = opts.priorScale ?? 1;
      const sigma = opts.obsScale ?? Math.sqrt(0.1);
      const score = linearGaussianScore(data, opts);
      for (const [j, pa] of [
        [0, []],
        [1, [0]],
        [3, [0, 2]],
        [2, [0, 1, 3]],
      ] as const) {
        // x_j ~ N(μ_w X_Pa 1, σ² I + σ_w² X_Pa X_Paᵀ)
        const col = (c: number) => Array.from({ length: n }, (_, r) => data.values[r * d + c]!);
        const xs = pa.map(col);
        const mean = Array.from({ length: n }, (_, r) => muW * xs.reduce((s, x) => s + x[r]!, 0));
        const C = Array.from({ length: n }, (_, r) =>
          Array.from({ length: n }, (_, q) => (r === q ? sigma * sigma : 0) + sw * sw * xs.reduce((s, x) => s + x[r]! * x[q]!, 0)),
        );
        const diff = col(j).map((v, r) => v - mean[r]!);
        const sol = solveGauss(C, diff);
        const quad = diff.reduce((s, v, r) => s + v * sol[r]!, 0);
        const direct = -0.5 * (quad + logDetGauss(C) + n * Math.log(2 * Math.PI));
        expect(score.local(j, [...pa])).toBeCloseTo(direct, 8);
      }
    }
  });

  it('is not score-equivalent (A→B and B→A differ on correlated data)', () => {
    const score = linearGaussianScore(randomData(2, 25, 7));
    expect(Math.abs(score.local(0, []) + score.local(1, [0]) - (score.local(1, []) + score.local(0, [1])))).toBeGreaterThan(1e-3);
  });
});

describe('graph priors', () => {
  it('match the DAG-GFlowNet definitions per node', () => {
    const d = 5;
    const p = 0.4; // expected edges 4 over 10 pairs
    const er = graphPrior('erdos-renyi', d, { expectedEdges: 4 });
    const edge = graphPrior('edge', d, { beta: 0.25 });
    const fair = graphPrior('fair', d);
    const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);
    for (let k = 0; k < d; k++) {
      expect(graphPrior('uniform', d).logPrior(k)).toBe(0);
      expect(er.logPrior(k)).toBeCloseTo(k * Math.log(p) + (d - 1 - k) * Math.log(1 - p), 12);
      expect(edge.logPrior(k)).toBeCloseTo(k * Math.log(0.25), 12);
      expect(fair.logPrior(k)).toBeCloseTo(-Math.log(choose(d, k)), 10);
    }
    // The default Erdős–Rényi prior has p = 0.5.
    expect(graphPrior('erdos-renyi', 3).logPrior(1)).toBeCloseTo(2 * Math.log(0.5), 12);
    expect(() => graphPrior('erdos-renyi', 3, { expectedEdges: 3 })).toThrow(/edge probability 1/);
    expect(() => graphPrior('edge', 3, { beta: -1 })).toThrow(/beta/);
    expect(() => er.logPrior(5)).toThrow(/cannot have 5 parents/);
    expect(() => graphPrior('nope' as never, 3)).toThrow(/unknown prior "nope"/);
  });

  it('enters log R once per node: the edge prior gives R ∝ β^|E| times the likelihood', () => {
    const data = randomData(3, 20, 4);
    const plain = dagEnvironment({ data });
    const withPrior = dagEnvironment({ data, prior: 'edge', priorOptions: { beta: 0.5 } });
    const adj = [0, 1, 1, 0, 0, 1, 0, 0, 0];
    expect(withPrior.logRewardOfAdjacency(adj) - plain.logRewardOfAdjacency(adj)).toBeCloseTo(3 * Math.log(0.5), 12);
  });
});
