import { mlpPolicy } from '@gflownet/estimator-mlp';
import type { TrainResult } from '@gflownet/trainer';
import { train } from '@gflownet/trainer';
import type { BackendName } from '../backends.js';
import { selectBackend } from '../backends.js';
import type { BuiltEnvironment } from '../environments/index.js';
import { buildEnvironment, environmentEntry } from '../environments/index.js';
import { buildObjective } from '../objectives.js';
import type { ParsedOptions } from '../options.js';
import { helpText, parseOptions } from '../options.js';
import { progress } from '../progress.js';
import { packageVersions, writeJsonAtomic } from '../results.js';
import { buildSampler } from '../samplers.js';
import { parseHidden, TRAIN_OPTIONS } from '../training-options.js';

export const TRAIN_HELP: string = helpText(
  'gfn train [options]',
  'Trains a GFlowNet and reports exact metrics (JSD, L1, log Z) where the environment can be enumerated.',
  TRAIN_OPTIONS,
);

/** The results file of one run. Its field names are a public contract: extend, never rename. */
export interface ResultsFile {
  readonly config: Record<string, unknown>;
  readonly metrics: {
    readonly jsd: number | null;
    readonly l1: number | null;
    readonly tv: number | null;
    readonly logZ: number | null;
    readonly trueLogZ: number | null;
    readonly logZError: number | null;
    readonly finalLoss: number;
    /** Environment-specific metrics (e.g. `edgeRmse`). */
    readonly [extra: string]: number | null;
  };
  readonly history: TrainResult['history'];
  readonly throughput: TrainResult['throughput'];
  readonly exact?: { readonly distribution: { key: string; prob: number }[] };
}

/** Runs one training job from parsed options; returns the results file and the environment. */
export async function runTraining(options: ParsedOptions, log: (s: string) => void = () => {}): Promise<{ results: ResultsFile; built: BuiltEnvironment; result: TrainResult }> {
  const built = await buildEnvironment(options);
  const hidden = parseHidden(options.hidden as string);
  const objective = buildObjective(options);
  const sampler = buildSampler(options);
  const backend = await selectBackend(options.backend as BackendName);
  const { env } = built;
  const seed = options.seed as number;
  const policy = mlpPolicy({
    featureSize: env.featureSize,
    numActions: env.numActions,
    numBackwardActions: env.numBackwardActions,
    hidden,
    backward: options.pb as 'learned' | 'uniform',
    flow: objective.requires.flow === true,
    seed,
  });
  const bar = progress(options.quiet === true);
  log(`training ${objective.name} on ${env.name} (${Object.entries(built.settings).map(([k, v]) => `${k}=${v}`).join(' ')}) with ${backend}`);
  const iterations = options.iterations as number;
  try {
    const result = await train({
      env,
      policy,
      objective,
      sampler,
      iterations,
      batchSize: options['batch-size'] as number,
      seed,
      learningRates: { forward: options.lr as number, backward: options['lr-pb'] as number, logZ: options['lr-logz'] as number },
      logZInit: options['logz-init'] as number,
      ...(options['eval-every'] !== undefined ? { evalEvery: options['eval-every'] as number } : {}),
      onIteration: (info) => bar.iteration(info),
      onEvaluation: (record) => bar.evaluation(record),
    });
    bar.done();
    const exact = result.exact;
    const extraMetrics = (await environmentEntry(options).metrics?.(built, { policy, exact })) ?? {};
    const results: ResultsFile = {
      config: {
        ...built.settings,
        objective: objective.name,
        sampler: sampler.name,
        iterations,
        batchSize: options['batch-size'],
        seed,
        backend,
        hidden,
        pb: options.pb,
        learningRates: { forward: options.lr, backward: options['lr-pb'], logZ: options['lr-logz'] },
        logZInit: options['logz-init'],
        evalEvery: options['eval-every'] ?? Math.max(1, Math.round(iterations / 20)),
        packageVersions: packageVersions(),
      },
      metrics: {
        jsd: exact?.jsd ?? null,
        l1: exact?.l1 ?? null,
        tv: exact?.tv ?? null,
        logZ: result.logZ,
        trueLogZ: result.trueLogZ,
        logZError: result.logZ !== null && result.trueLogZ !== null ? Math.abs(result.logZ - result.trueLogZ) : null,
        finalLoss: result.finalLoss,
        ...extraMetrics,
      },
      history: result.history,
      throughput: result.throughput,
      ...(exact
        ? { exact: { distribution: exact.graph.keys.flatMap((key, i) => (exact.graph.terminating[i] ? [{ key, prob: exact.distribution[i] as number }] : [])) } }
        : {}),
    };
    return { results, built, result };
  } finally {
    policy.dispose();
  }
}

/** `gfn train`. */
export async function trainCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('train', argv, TRAIN_OPTIONS);
  if (options.help) {
    process.stdout.write(`${TRAIN_HELP}\n`);
    return;
  }
  const say = (s: string): void => {
    if (!options.quiet) process.stderr.write(`${s}\n`);
  };
  const { results, built, result } = await runTraining(options, say);
  if (options.out) {
    writeJsonAtomic(options.out as string, results);
    say(`results written to ${options.out}`);
  }
  const m = results.metrics;
  const f = (v: number | null): string => (v === null ? 'n/a' : v.toPrecision(4));
  process.stdout.write(
    `jsd ${f(m.jsd)}  l1 ${f(m.l1)}  logZ ${f(m.logZ)}  trueLogZ ${f(m.trueLogZ)}  ${results.throughput.iterationsPerSecond.toFixed(1)} it/s\n`,
  );
  const picture = result.exact ? environmentEntry(options).picture?.(built, result.exact.distribution, result.exact.target.probs) : undefined;
  if (!options.quiet && picture) process.stdout.write(`${picture}\n`);
}
