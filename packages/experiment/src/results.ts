import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BuiltEnvironment, ExactEvaluation } from '@gflownet/core';
import type { TrainResult } from '@gflownet/trainer';
import type { RunConfig } from './config.js';

/** The results file of one run. Its field names are a public contract: extend, never rename. */
export interface ResultsFile {
  /** Every setting of the run (flat, as since the first release), the resolved `runConfig` and package versions. */
  readonly config: Record<string, unknown> & { readonly runConfig: RunConfig };
  readonly metrics: {
    readonly jsd: number | null;
    readonly l1: number | null;
    readonly tv: number | null;
    readonly logZ: number | null;
    readonly trueLogZ: number | null;
    readonly logZError: number | null;
    readonly finalLoss: number | null;
    /** Environment-specific metrics (e.g. `edgeRmse`). */
    readonly [extra: string]: number | null;
  };
  readonly history: TrainResult['history'];
  readonly throughput: TrainResult['throughput'];
  readonly exact?: { readonly distribution: { key: string; prob: number }[] };
  /** Present and true when the run was stopped early (SIGINT/SIGTERM); resume it from its checkpoint. */
  readonly interrupted?: boolean;
  /** Problems noticed in the run (collapse, log Z running away); absent when none. */
  readonly warnings?: readonly string[];
}

/** Versions of the gflownet-ts packages a run used and of Node, for the results file. */
export function packageVersions(extra: Record<string, string> = {}): Record<string, string> {
  const require = createRequire(import.meta.url);
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
  const out: Record<string, string> = { ...extra, [own.name]: own.version };
  const names = Object.keys(own.dependencies ?? {}).filter((n) => n.startsWith('@gflownet/') || n === '@tensorflow/tfjs-core');
  for (const name of names.sort()) {
    try {
      out[name] = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.node = process.versions.node;
  return out;
}

/** The flat `config` fields of a results file (kept field for field since the first release). */
export function flatConfig(config: RunConfig, built: BuiltEnvironment, backend: string, versions: Record<string, string>): ResultsFile['config'] {
  const { kind, ...sampler } = config.sampler;
  return {
    ...built.settings,
    objective: config.objective.name,
    sampler: kind,
    ...sampler,
    iterations: config.budget.iterations,
    batchSize: config.budget.batchSize,
    seed: config.seed,
    backend,
    policy: config.policy.kind,
    hidden: config.policy.hidden,
    pb: config.policy.backward,
    stopHead: config.policy.stopHead,
    learningRates: { forward: config.optimizer.lr, backward: config.optimizer.lrPb, logZ: config.optimizer.lrLogZ },
    logZInit: config.optimizer.logZInit,
    logZOptimizer: config.optimizer.logZOptimizer,
    logZMomentum: config.optimizer.logZMomentum,
    evalEvery: config.evaluation.evalEvery,
    packageVersions: versions,
    runConfig: config,
  };
}

/** The exact distribution of a results file: every terminating state's key and probability. */
export function exactDistribution(exact: ExactEvaluation): NonNullable<ResultsFile['exact']> {
  return { distribution: exact.graph.keys.flatMap((key, i) => (exact.graph.terminating[i] ? [{ key, prob: exact.distribution[i] as number }] : [])) };
}
