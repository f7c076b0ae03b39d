import { existsSync, readFileSync } from 'node:fs';
import type { Policy } from '@gflownet/core';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import type { TrainingState, TrainResult } from '@gflownet/trainer';
import { DivergenceError, train } from '@gflownet/trainer';
import type { BackendName } from '../backends.js';
import { selectBackend } from '../backends.js';
import type { BuiltEnvironment } from '../environments/index.js';
import { buildEnvironment, environmentEntry } from '../environments/index.js';
import { buildObjective } from '../objectives.js';
import type { ParsedOptions } from '../options.js';
import { configTokens, helpText, parseOptions, UsageError } from '../options.js';
import { explicitOptionNames, mergeResumeOptions, readCheckpointFile, writeCheckpointFile } from '../checkpoint-files.js';
import { progress } from '../progress.js';
import { packageVersions, writeJsonAtomic } from '../results.js';
import { buildSampler, samplerSettings } from '../samplers.js';
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
  /** Present and true when the run was stopped early (SIGINT/SIGTERM); resume it from its checkpoint. */
  readonly interrupted?: boolean;
}

/** Hooks of {@link runTraining} beyond the options. */
export interface RunHooks {
  readonly log?: (s: string) => void;
  readonly resume?: TrainingState;
  readonly signal?: AbortSignal;
  readonly onCheckpoint?: (state: TrainingState) => void;
  /** Called once the environment is built, before training starts. */
  readonly onStart?: (built: BuiltEnvironment) => void;
}

/** The policy a run trains: the environment's own (if it offers one) or separate MLPs over its features. */
export async function buildPolicy(built: BuiltEnvironment, options: ParsedOptions, flow: boolean): Promise<Policy> {
  const { env } = built;
  const settings = { hidden: parseHidden(options.hidden as string), backward: options.pb as 'learned' | 'uniform', flow, seed: options.seed as number };
  return (
    (await environmentEntry(options).policy?.(built, settings, options)) ??
    mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, ...settings })
  );
}

/** Runs one training job from parsed options; returns the results file and the environment. */
export async function runTraining(options: ParsedOptions, hooks: RunHooks = {}): Promise<{ results: ResultsFile; built: BuiltEnvironment; result: TrainResult }> {
  const log = hooks.log ?? (() => {});
  const built = await buildEnvironment(options);
  const hidden = parseHidden(options.hidden as string);
  const objective = buildObjective(options, built.env);
  const sampler = buildSampler(options);
  const backend = await selectBackend(options.backend as BackendName);
  hooks.onStart?.(built);
  const { env } = built;
  const seed = options.seed as number;
  const policy = await buildPolicy(built, options, objective.requires.flow === true);
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
      ...(hooks.resume ? { resume: hooks.resume } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onCheckpoint ? { onCheckpoint: hooks.onCheckpoint, checkpointEvery: options['checkpoint-every'] as number } : {}),
    });
    bar.done();
    const exact = result.exact;
    const extraMetrics = (await environmentEntry(options).metrics?.(built, { policy, exact })) ?? {};
    const results: ResultsFile = {
      config: {
        ...built.settings,
        objective: objective.name,
        sampler: sampler.name,
        ...samplerSettings(options),
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
      ...(result.interrupted ? { interrupted: true } : {}),
    };
    return { results, built, result };
  } finally {
    policy.dispose();
  }
}

/** Options as given: a config file's values first, then the command line's. */
function resolveOptions(argv: readonly string[]): { options: ParsedOptions; tokens: string[] } {
  const direct = parseOptions('train', argv, TRAIN_OPTIONS);
  if (direct.help || !direct.config) return { options: direct, tokens: [...argv] };
  const file = direct.config as string;
  if (!existsSync(file)) throw new UsageError(`config ${file} does not exist`);
  const tokens = [...configTokens('train', readFileSync(file, 'utf8'), file, TRAIN_OPTIONS), ...argv];
  return { options: parseOptions('train', tokens, TRAIN_OPTIONS), tokens };
}

/** `gfn train`. Returns 130 when interrupted by SIGINT/SIGTERM (after saving a checkpoint when asked). */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  let { options, tokens } = resolveOptions(argv);
  if (options.help) {
    process.stdout.write(`${TRAIN_HELP}\n`);
    return 0;
  }
  const say = (s: string): void => {
    if (!options.quiet) process.stderr.write(`${s}\n`);
  };
  let resume: TrainingState | undefined;
  if (options.resume) {
    const file = options.resume as string;
    const stored = readCheckpointFile(file);
    options = mergeResumeOptions(stored.options, options, explicitOptionNames(tokens), TRAIN_OPTIONS, file, stored.settings);
    options.checkpoint ??= file;
    resume = stored.state;
    say(`resuming ${file} at iteration ${resume.iteration}`);
  } else if (options.checkpoint && existsSync(options.checkpoint as string)) {
    throw new UsageError(`checkpoint ${String(options.checkpoint)} already exists; continue it with --resume ${String(options.checkpoint)} or choose another path`);
  }
  const checkpointPath = options.checkpoint as string | undefined;
  const { resume: _r, config: _c, ...stored } = options;
  // The environment's effective settings are saved too, so a resumed run can be checked against them.
  let settings: Record<string, unknown> = {};
  const onStart = (built: BuiltEnvironment): void => {
    settings = built.settings;
  };
  let lastCheckpoint: number | undefined;
  const onCheckpoint = checkpointPath
    ? (state: TrainingState): void => {
        writeCheckpointFile(checkpointPath, state, stored, settings);
        lastCheckpoint = state.iteration;
      }
    : undefined;

  const controller = new AbortController();
  const stop = (signal: string): void => {
    if (controller.signal.aborted) process.exit(130); // a second signal: give up at once
    say(`\n${signal}: stopping after this iteration${checkpointPath ? ` and saving ${checkpointPath}` : ''}`);
    controller.abort();
  };
  const onInt = (): void => stop('SIGINT');
  const onTerm = (): void => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let run: Awaited<ReturnType<typeof runTraining>>;
  try {
    run = await runTraining(options, { log: say, onStart, signal: controller.signal, ...(resume ? { resume } : {}), ...(onCheckpoint ? { onCheckpoint } : {}) });
  } catch (err) {
    if (err instanceof DivergenceError && checkpointPath) {
      const kept = lastCheckpoint ?? resume?.iteration;
      throw new DivergenceError(`${err.message}; ${kept !== undefined ? `the last good checkpoint (iteration ${kept}) is kept in ${checkpointPath}` : 'no checkpoint was written yet'}`);
    }
    throw err;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const { results, built, result } = run;
  if (options.out) {
    writeJsonAtomic(options.out as string, results);
    say(`results written to ${options.out}`);
  }
  if (result.interrupted) {
    say(`interrupted at iteration ${result.iterations}${checkpointPath ? `; continue with: gfn train --resume ${checkpointPath}` : ' (no --checkpoint given, so nothing to resume from)'}`);
    return 130;
  }
  const m = results.metrics;
  const f = (v: number | null): string => (v === null ? 'n/a' : v.toPrecision(4));
  process.stdout.write(
    `jsd ${f(m.jsd)}  l1 ${f(m.l1)}  logZ ${f(m.logZ)}  trueLogZ ${f(m.trueLogZ)}  ${results.throughput.iterationsPerSecond.toFixed(1)} it/s\n`,
  );
  const picture = result.exact ? environmentEntry(options).picture?.(built, result.exact.distribution, result.exact.target.probs) : undefined;
  if (!options.quiet && picture) process.stdout.write(`${picture}\n`);
  return 0;
}
