import { existsSync, readFileSync } from 'node:fs';
import type { Environment } from '@gflownet/core';
import { Random, stateGraph } from '@gflownet/core';
import type { DagData, DagEnvironment, DagStates, PriorName } from '@gflownet/env-dag';
import {
  DataError,
  dagEnvironment,
  edgeMarginalsFromKeys,
  edgeMarginalsFromSamples,
  edgeRmse,
  MAX_EXACT_VARIABLES,
  MAX_VARIABLES,
  parseCsv,
  PRIOR_NAMES,
  simulateLinearGaussian,
  toCsv,
} from '@gflownet/env-dag';
import { sampleForward } from '@gflownet/sampler-rollout';
import type { ParsedOptions } from '../options.js';
import { UsageError } from '../options.js';
import { writeTextAtomic } from '../results.js';
import type { EnvironmentEntry } from './types.js';

/** Parses `--simulate d,n,seed`. */
function parseSimulate(raw: string): { d: number; n: number; seed: number } {
  const parts = raw.split(',').map((s) => s.trim());
  const [d, n, seed] = parts.map(Number);
  if (parts.length !== 3 || [d, n, seed].some((v) => !Number.isInteger(v))) {
    throw new UsageError(`--simulate expects three integers d,n,seed (variables, observations, seed), e.g. 5,100,0; got "${raw}"`);
  }
  if ((d as number) < 2 || (d as number) > MAX_VARIABLES) throw new UsageError(`--simulate: d must be between 2 and ${MAX_VARIABLES}, got ${d}`);
  if ((n as number) < 2) throw new UsageError(`--simulate: n must be at least 2 observations, got ${n}`);
  if ((seed as number) < 0) throw new UsageError(`--simulate: seed must be ≥ 0, got ${seed}`);
  return { d: d as number, n: n as number, seed: seed as number };
}

function loadData(options: ParsedOptions): { data: DagData; settings: Record<string, string | number> } {
  const file = options.data as string | undefined;
  const sim = options.simulate as string | undefined;
  if ((file === undefined) === (sim === undefined)) throw new UsageError('--env dag needs exactly one of --data FILE.csv or --simulate d,n,seed');
  if (file !== undefined) {
    for (const k of ['edges', 'noise-std', 'save-data']) if (options[k] !== undefined) throw new UsageError(`--${k} only applies to --simulate`);
    if (!existsSync(file)) throw new UsageError(`--data: no such file "${file}"`);
    try {
      return { data: parseCsv(readFileSync(file, 'utf8'), { source: file }), settings: { data: file } };
    } catch (err) {
      // A bad data file is bad input: one line, exit code 2.
      if (err instanceof DataError) throw new UsageError(err.message);
      throw err;
    }
  }
  const { d, n, seed } = parseSimulate(sim as string);
  const pairs = (d * (d - 1)) / 2;
  const edges = (options.edges as number | undefined) ?? pairs / 2;
  if (edges > pairs) throw new UsageError(`--edges must be at most d(d−1)/2 = ${pairs} for ${d} variables, got ${edges}`);
  const noiseStd = (options['noise-std'] as number | undefined) ?? 0.1;
  const data = simulateLinearGaussian({ numVariables: d, numSamples: n, seed, expectedEdges: edges, noiseStd });
  if (options['save-data'] !== undefined) writeTextAtomic(options['save-data'] as string, toCsv(data));
  return { data, settings: { simulate: `${d},${n},${seed}`, edges, 'noise-std': noiseStd } };
}

/** Structural Hamming distance between adjacency `a` (key characters or bytes) and the truth. */
function shd(d: number, has: (i: number, j: number) => boolean, truth: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (has(i, j) !== (truth[i * d + j] === 1) || has(j, i) !== (truth[j * d + i] === 1)) s++;
    }
  }
  return s;
}

/** `--env dag`: Bayesian structure learning over DAGs (Deleu et al. 2022; paper §5.3). */
export const dagEntry: EnvironmentEntry = {
  name: 'dag',
  options: {
    data: { type: 'string', help: 'DAG: CSV file of observations (a header of variable names, then numeric rows)' },
    simulate: { type: 'string', help: 'DAG: simulate d,n,seed: an Erdős–Rényi DAG over d variables, a linear-Gaussian model, n observations' },
    edges: { type: 'number', min: 0, help: 'DAG --simulate: expected number of edges of the simulated graph (default: d(d−1)/4, p = 0.5)' },
    'noise-std': { type: 'number', min: 0, exclusiveMin: true, help: 'DAG --simulate: noise standard deviation (default: 0.1, as the original code; √0.1 for variance 0.1)' },
    'save-data': { type: 'string', help: 'DAG --simulate: also write the simulated data as CSV here' },
    score: { type: 'enum', choices: ['bge', 'lingauss'], default: 'bge', help: 'DAG: marginal likelihood (BGe with α_μ = 1, α_w = d + 2; or the linear-Gaussian score)' },
    prior: { type: 'enum', choices: PRIOR_NAMES, default: 'uniform', help: 'DAG: modular prior over graphs' },
    'prior-edges': { type: 'number', min: 0, exclusiveMin: true, help: 'DAG --prior erdos-renyi: expected number of edges (default: d(d−1)/4)' },
    'prior-beta': { type: 'number', min: 0, exclusiveMin: true, help: 'DAG --prior edge: factor per edge, p(G) ∝ β^|E| (default: 1)' },
    'relative-reward': { type: 'boolean', help: 'DAG: log R(G) − log R(∅), as the original code (posterior unchanged; log Z becomes small, so a log Z learned from 0 converges sooner)' },
    'posterior-samples': { type: 'int', min: 1, help: 'DAG beyond 5 variables: samples for the sample-based edge marginals (default: 1000)' },
  },
  build(options) {
    const { data, settings } = loadData(options);
    const prior = options.prior as PriorName;
    if (options['prior-edges'] !== undefined && prior !== 'erdos-renyi') throw new UsageError('--prior-edges needs --prior erdos-renyi');
    if (options['prior-beta'] !== undefined && prior !== 'edge') throw new UsageError('--prior-beta needs --prior edge');
    let env: DagEnvironment;
    try {
      env = dagEnvironment({
        data,
        score: options.score as 'bge' | 'lingauss',
        prior,
        relativeToEmpty: options['relative-reward'] === true,
        priorOptions: {
          ...(options['prior-edges'] !== undefined ? { expectedEdges: options['prior-edges'] as number } : {}),
          ...(options['prior-beta'] !== undefined ? { beta: options['prior-beta'] as number } : {}),
        },
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (data.d > MAX_EXACT_VARIABLES) {
      process.stderr.write(
        `dag: ${data.d} variables > ${MAX_EXACT_VARIABLES}: exact evaluation is unavailable (no enumeration); edge marginals will be estimated from samples\n`,
      );
    }
    return {
      env: env as Environment<unknown>,
      settings: {
        env: 'dag',
        ...settings,
        d: data.d,
        n: data.n,
        score: options.score as string,
        prior,
        ...(options['prior-edges'] !== undefined ? { 'prior-edges': options['prior-edges'] as number } : {}),
        ...(options['prior-beta'] !== undefined ? { 'prior-beta': options['prior-beta'] as number } : {}),
        ...(options['relative-reward'] === true ? { 'relative-reward': 1 } : {}),
        ...(options['posterior-samples'] !== undefined ? { 'posterior-samples': options['posterior-samples'] as number } : {}),
      },
    };
  },
  async metrics(built, { policy, exact }) {
    const env = built.env as unknown as DagEnvironment;
    const d = env.d;
    const truth = env.data.graph;
    if (exact) {
      const keys = exact.graph.keys;
      const learned = edgeMarginalsFromKeys(d, keys, exact.distribution);
      const target = edgeMarginalsFromKeys(d, keys, exact.target.probs);
      const out: Record<string, number> = { edgeRmse: edgeRmse(learned, target, d) };
      if (truth) {
        let e = 0;
        keys.forEach((key, i) => {
          const p = exact.distribution[i] as number;
          if (p > 0) e += p * shd(d, (a, b) => key.charCodeAt(a * d + b) === 49, truth);
        });
        out.expectedShd = e;
      }
      return out;
    }
    // Beyond 5 variables: edge marginals from samples of the trained policy.
    const n = (built.settings['posterior-samples'] as number | undefined) ?? 1000;
    const random = new Random(0x5eed);
    const parts: DagStates[] = [];
    for (let done = 0; done < n; done += 256) parts.push((await sampleForward(env, policy, Math.min(256, n - done), random)).terminals);
    const samples = env.concat(parts);
    const marginals = edgeMarginalsFromSamples(env, samples);
    const out: Record<string, number> = { posteriorSamples: n };
    if (truth) {
      let e = 0;
      for (let s = 0; s < samples.n; s++) e += shd(d, (a, b) => samples.data[s * samples.width + a * d + b] === 1, truth);
      out.expectedShd = e / samples.n;
    }
    const names = env.data.names;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) out[`edgeMarginal:${names[i]}->${names[j]}`] = marginals[i * d + j] as number;
    return out;
  },
  picture(built, distribution, target) {
    const env = built.env as unknown as DagEnvironment;
    const graph = stateGraph(env);
    const d = env.d;
    const names = env.data.names;
    const order = Array.from({ length: graph.numStates }, (_, i) => i).sort((a, b) => (target[b] as number) - (target[a] as number));
    const edges = (key: string): string => {
      const out: string[] = [];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (key[i * d + j] === '1') out.push(`${names[i]}→${names[j]}`);
      return out.length > 0 ? out.join(' ') : '(empty)';
    };
    const lines = ['top DAGs by posterior   target    learned'];
    for (const i of order.slice(0, 8)) {
      lines.push(`  ${edges(graph.keys[i] as string).padEnd(22)}${(target[i] as number).toFixed(4).padStart(8)}${(distribution[i] as number).toFixed(4).padStart(11)}`);
    }
    const learned = edgeMarginalsFromKeys(d, graph.keys, distribution);
    const exact = edgeMarginalsFromKeys(d, graph.keys, target);
    lines.push('edge marginals (target / learned), row → column');
    lines.push(`  ${''.padEnd(6)}${names.map((n) => n.padStart(12)).join('')}`);
    for (let i = 0; i < d; i++) {
      const cells = names.map((_, j) => (i === j ? '-'.padStart(12) : `${(exact[i * d + j] as number).toFixed(2)}/${(learned[i * d + j] as number).toFixed(2)}`.padStart(12)));
      lines.push(`  ${(names[i] as string).padEnd(6)}${cells.join('')}`);
    }
    return lines.join('\n');
  },
};
