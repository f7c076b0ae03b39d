import type { EnvironmentExperiment, Environment } from '@gflownet/core';
import { SettingsError, stateGraph } from '@gflownet/core';
import type { DagData, DagEnvironment, DagStates, PriorName } from '../index.js';
import { DataError, dagEnvironment, MAX_EXACT_VARIABLES, MAX_VARIABLES, PRIOR_NAMES, parseCsv, simulateLinearGaussian, toCsv } from '../index.js';
import { dagFigure } from './figure.js';
import { dagPicture, exactDagMetrics, sampledDagMetrics } from './report.js';

/** Defaults of the DAG entry that depend on other settings (the rest are in the setting specs). */
const NOISE_STD = 0.1;
const POSTERIOR_SAMPLES = 1000;

/** Parses `--simulate d,n,seed`. */
function parseSimulate(raw: string): { d: number; n: number; seed: number } {
  const parts = raw.split(',').map((s) => s.trim());
  const [d, n, seed] = parts.map(Number) as [number, number, number];
  if (parts.length !== 3 || [d, n, seed].some((v) => !Number.isInteger(v))) {
    throw new SettingsError(`--simulate expects three integers d,n,seed (variables, observations, seed), e.g. 5,100,0; got "${raw}"`);
  }
  if (d < 2 || d > MAX_VARIABLES) throw new SettingsError(`--simulate: d must be between 2 and ${MAX_VARIABLES}, got ${d}`);
  if (n < 2) throw new SettingsError(`--simulate: n must be at least 2 observations, got ${n}`);
  if (seed < 0) throw new SettingsError(`--simulate: seed must be ≥ 0, got ${seed}`);
  return { d, n, seed };
}

type Values = Parameters<EnvironmentExperiment['build']>[0];
type Context = Parameters<EnvironmentExperiment['build']>[1];

function loadData(s: Values, context: Context): { data: DagData; recorded: Record<string, string | number> } {
  const file = s.data as string | undefined;
  const sim = s.simulate as string | undefined;
  if ((file === undefined) === (sim === undefined)) throw new SettingsError('--env dag needs exactly one of --data FILE.csv or --simulate d,n,seed');
  if (file !== undefined) {
    for (const k of ['edges', 'noiseStd', 'saveData'] as const) {
      if (s[k] !== undefined) throw new SettingsError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only applies to --simulate`);
    }
    const text = context.readInput(file, 'data');
    try {
      return { data: parseCsv(text, { source: file }), recorded: { data: file } };
    } catch (err) {
      if (err instanceof DataError) throw new SettingsError(err.message);
      throw err;
    }
  }
  const { d, n, seed } = parseSimulate(sim as string);
  const pairs = (d * (d - 1)) / 2;
  const edges = (s.edges as number | undefined) ?? pairs / 2;
  if (edges > pairs) throw new SettingsError(`--edges must be at most d(d−1)/2 = ${pairs} for ${d} variables, got ${edges}`);
  const noiseStd = (s.noiseStd as number | undefined) ?? NOISE_STD;
  const data = simulateLinearGaussian({ numVariables: d, numSamples: n, seed, expectedEdges: edges, noiseStd });
  if (s.saveData !== undefined) context.writeOutput(s.saveData as string, toCsv(data));
  return { data, recorded: { simulate: `${d},${n},${seed}`, edges, 'noise-std': noiseStd } };
}

/** `--env dag`: Bayesian structure learning over DAGs (Deleu et al. 2022; paper §5.3). */
export const dagExperiment: EnvironmentExperiment<DagStates> = {
  name: 'dag',
  summary: 'Bayesian structure learning: DAGs built edge by edge, R(G) = P(D | G) P(G)',
  settings: {
    data: { type: 'string', help: 'DAG: CSV file of observations (a header of variable names, then numeric rows)' },
    simulate: { type: 'string', help: 'DAG: simulate d,n,seed: an Erdős–Rényi DAG over d variables, a linear-Gaussian model, n observations' },
    edges: { type: 'number', min: 0, help: 'DAG --simulate: expected number of edges of the simulated graph (default: d(d−1)/4, p = 0.5)' },
    noiseStd: { type: 'number', min: 0, exclusiveMin: true, help: `DAG --simulate: noise standard deviation (default: ${NOISE_STD}, as the original code)` },
    saveData: { type: 'string', help: 'DAG --simulate: also write the simulated data as CSV here' },
    score: { type: 'enum', choices: ['bge', 'lingauss'], default: 'bge', help: 'DAG: marginal likelihood (BGe with α_μ = 1, α_w = d + 2; or the linear-Gaussian score)' },
    prior: { type: 'enum', choices: PRIOR_NAMES, default: 'uniform', help: 'DAG: modular prior over graphs' },
    priorEdges: { type: 'number', min: 0, exclusiveMin: true, help: 'DAG --prior erdos-renyi: expected number of edges (default: d(d−1)/4)' },
    priorBeta: { type: 'number', min: 0, exclusiveMin: true, help: 'DAG --prior edge: factor per edge, p(G) ∝ β^|E| (default: 1)' },
    relativeReward: {
      type: 'boolean',
      default: true,
      help: 'DAG: log R(G) − log R(∅), as the original code: the posterior is unchanged and log Z is small, so log Z learned from 0 does not make the policy collapse (--no-relative-reward for the raw score)',
    },
    posteriorSamples: { type: 'int', min: 1, help: `DAG beyond ${MAX_EXACT_VARIABLES} variables: samples for the sample-based edge marginals (default: ${POSTERIOR_SAMPLES})` },
  },
  policies: ['gnn'],
  build(s, context) {
    const { data, recorded } = loadData(s, context);
    const prior = s.prior as PriorName;
    if (s.priorEdges !== undefined && prior !== 'erdos-renyi') throw new SettingsError('--prior-edges needs --prior erdos-renyi');
    if (s.priorBeta !== undefined && prior !== 'edge') throw new SettingsError('--prior-beta needs --prior edge');
    let env: DagEnvironment;
    try {
      env = dagEnvironment({
        data,
        score: s.score as 'bge' | 'lingauss',
        prior,
        relativeToEmpty: s.relativeReward === true,
        priorOptions: {
          ...(s.priorEdges !== undefined ? { expectedEdges: s.priorEdges as number } : {}),
          ...(s.priorBeta !== undefined ? { beta: s.priorBeta as number } : {}),
        },
      });
    } catch (err) {
      // Scores that overflow (e.g. data scaled by 1e299) are bad input: name where the data came from.
      if (err instanceof RangeError) throw new SettingsError(`${String(recorded.data ?? `--simulate ${recorded.simulate}`)}: ${err.message}`);
      throw err;
    }
    if (data.d > MAX_EXACT_VARIABLES) {
      context.log(`dag: ${data.d} variables > ${MAX_EXACT_VARIABLES}: exact evaluation is unavailable (no enumeration); edge marginals will be estimated from samples`);
    }
    const settings: Record<string, string | number> = { env: 'dag', ...recorded, d: data.d, n: data.n, score: s.score as string, prior };
    if (s.priorEdges !== undefined) settings['prior-edges'] = s.priorEdges as number;
    if (s.priorBeta !== undefined) settings['prior-beta'] = s.priorBeta as number;
    settings['relative-reward'] = s.relativeReward === true ? 1 : 0;
    if (s.posteriorSamples !== undefined) settings['posterior-samples'] = s.posteriorSamples as number;
    return { env: env as DagEnvironment & Environment<DagStates>, settings };
  },
  async metrics(built, { exact, sample }) {
    const env = built.env as DagEnvironment;
    if (exact) return exactDagMetrics(env, exact.graph.keys, exact.distribution, exact.target.probs);
    const n = (built.settings['posterior-samples'] as number | undefined) ?? POSTERIOR_SAMPLES;
    return sampledDagMetrics(env, await sample(n, 0x5eed));
  },
  summaryMetrics: ['edgeRmse', 'expectedShd', 'posteriorSamples'],
  figure: dagFigure,
  picture(built, distribution, target) {
    const env = built.env as DagEnvironment;
    return dagPicture(env, stateGraph(env), distribution, target);
  },
};

export { dagFigure } from './figure.js';
export { dagPicture, exactDagMetrics, sampledDagMetrics, structuralHammingDistance } from './report.js';
