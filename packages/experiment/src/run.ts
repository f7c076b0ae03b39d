import type { BuiltEnvironment, EnvironmentExperiment, Figure, InputFile, Policy } from '@gflownet/core';
import { Random } from '@gflownet/core';
import { sampleForward } from '@gflownet/sampler-rollout';
import type { HistoryRecord, IterationInfo, TrainingState, TrainResult } from '@gflownet/trainer';
import { train } from '@gflownet/trainer';
import { selectBackend } from './backends.js';
import { inputRecord } from './checkpoints.js';
import { buildObjective, buildPolicy, buildSampler } from './components.js';
import type { RunConfig, RunConfigInput } from './config.js';
import { runWarnings } from './diagnostics.js';
import { runFigure } from './figure.js';
import { readInputFile, writeTextAtomic } from './io.js';
import { withThreads } from './parallel/shard-workers.js';
import { environmentEntry, loadRewardModule } from './registry.js';
import { resolveRunConfig } from './resolve.js';
import type { ResultsFile } from './results.js';
import { exactDistribution, flatConfig, packageVersions } from './results.js';

/** A run config resolved against its environment, with the environment built. */
export interface PreparedExperiment {
  readonly config: RunConfig;
  readonly entry: EnvironmentExperiment;
  readonly built: BuiltEnvironment;
  readonly inputs: readonly InputFile[];
}

/** The environment's settings of a run config (without name and modules). */
function environmentSettings(env: RunConfig['env']): Record<string, string | number | boolean | undefined> {
  const { name: _n, module: _m, rewardModule: _r, ...settings } = env;
  return settings;
}

/** Options of {@link prepareExperiment}. */
export interface PrepareOptions {
  /**
   * Write the environment's output files, e.g. DAG's `--save-data` (default: `true`). A threaded run's
   * workers build the same environment and pass `false`: the main thread writes them, once.
   */
  readonly writeOutputs?: boolean;
}

/** Resolves a run config (every default, every range) and builds its environment. */
export async function prepareExperiment(
  input: RunConfigInput,
  warn: (line: string) => void = (line) => console.warn(line),
  options: PrepareOptions = {},
): Promise<PreparedExperiment> {
  const entry = await environmentEntry(input.env ?? {});
  const config = resolveRunConfig(input, entry);
  const reward = config.env.rewardModule !== undefined ? await loadRewardModule(config.env.rewardModule) : undefined;
  const inputs: InputFile[] = [];
  const built = await entry.build(environmentSettings(config.env), {
    log: warn,
    ...(reward ? { reward } : {}),
    readInput(path, setting) {
      const text = readInputFile(path, setting);
      inputs.push(inputRecord(path, text));
      return text;
    },
    writeOutput: options.writeOutputs === false ? () => {} : writeTextAtomic,
  });
  return { config, entry, built: { ...built, inputs }, inputs };
}

/** Hooks of {@link runExperiment}. */
export interface ExperimentHooks {
  /** Progress lines (what is being trained). */
  readonly log?: (line: string) => void;
  /** Warnings a user should see even when progress is off (default: console.warn). */
  readonly warn?: (line: string) => void;
  /** Continue from a checkpoint's state (the run config must be the one it was written with). */
  readonly resume?: TrainingState;
  /** Names the resumed checkpoint in errors, e.g. `checkpoint runs/a.ckpt` (default: `checkpoint`). */
  readonly resumeSource?: string;
  readonly signal?: AbortSignal;
  /** Receives the state to save every `checkpointEvery` iterations and when stopped. */
  readonly onCheckpoint?: (state: TrainingState, prepared: PreparedExperiment) => void | Promise<void>;
  readonly checkpointEvery?: number;
  /** Called once the environment is built, before training starts (e.g. to check inputs against a checkpoint). */
  readonly onStart?: (prepared: PreparedExperiment) => void;
  readonly onIteration?: (info: IterationInfo) => void;
  readonly onEvaluation?: (record: HistoryRecord) => void;
  /** Extra package versions for the results file (e.g. the CLI's own). */
  readonly versions?: Record<string, string>;
}

/** The outcome of {@link runExperiment}. */
export interface ExperimentRun {
  readonly results: ResultsFile;
  readonly prepared: PreparedExperiment;
  readonly result: TrainResult;
  /** A text picture of the final distribution next to its target, where the environment draws one. */
  readonly picture?: string;
  /** The run's figure, where the environment draws one (render it with `renderFigureSvg`). */
  readonly figure?: Figure;
}

/** Terminal states of a policy, sampled in chunks with a fixed seed. */
async function samplePolicy<S>(built: BuiltEnvironment<S>, policy: Policy, n: number, seed: number): Promise<S> {
  const random = new Random(seed);
  const parts: S[] = [];
  for (let done = 0; done < n; done += 256) parts.push((await sampleForward(built.env, policy, Math.min(256, n - done), random)).terminals);
  return built.env.concat(parts);
}

/**
 * Runs one experiment: resolves the config, builds the environment, policy, objective and sampler,
 * trains, evaluates, and returns the results file (the same fields as `gfn train --out` writes).
 *
 * @example
 * const { results } = await runExperiment({ env: { name: 'hypergrid', ndim: 2, height: 8 }, objective: { name: 'tb' } });
 */
export async function runExperiment(input: RunConfigInput, hooks: ExperimentHooks = {}): Promise<ExperimentRun> {
  const log = hooks.log ?? (() => {});
  const warn = hooks.warn ?? ((line: string) => console.warn(line));
  const prepared = await prepareExperiment(input, warn);
  const { config, entry, built } = prepared;
  const backend = await selectBackend(config.backend, { wasmGemm: config.wasmGemm });
  const objective = buildObjective(config);
  const sampler = buildSampler(config);
  hooks.onStart?.(prepared);
  const policy = await buildPolicy(config, built, objective.requires.flow === true);
  const { env } = built;
  log(`training ${objective.name} on ${env.name} (${Object.entries(built.settings).map(([k, v]) => `${k}=${v}`).join(' ')}) with ${backend}${config.threads > 1 ? ` on ${config.threads} threads` : ''}`);
  try {
    const onCheckpoint = hooks.onCheckpoint;
    const result = await withThreads(config, policy, objective, (parallel) => train({
      env,
      policy,
      objective,
      sampler,
      iterations: config.budget.iterations,
      batchSize: config.budget.batchSize,
      seed: config.seed,
      learningRates: { forward: config.optimizer.lr, backward: config.optimizer.lrPb, logZ: config.optimizer.lrLogZ },
      logZInit: config.optimizer.logZInit,
      logZOptimizer: config.optimizer.logZOptimizer,
      logZMomentum: config.optimizer.logZMomentum,
      evalEvery: config.evaluation.evalEvery,
      ...(hooks.onIteration ? { onIteration: hooks.onIteration } : {}),
      ...(hooks.onEvaluation ? { onEvaluation: hooks.onEvaluation } : {}),
      ...(hooks.resume ? { resume: hooks.resume, ...(hooks.resumeSource ? { resumeSource: hooks.resumeSource } : {}) } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(onCheckpoint ? { onCheckpoint: (state: TrainingState) => onCheckpoint(state, prepared), checkpointEvery: hooks.checkpointEvery ?? 500 } : {}),
      ...(parallel ? { parallel } : {}),
    }));
    const { exact } = result;
    const sample = (n: number, seed: number) => samplePolicy(built, policy, n, seed);
    const extra = (await entry.metrics?.(built, { policy, exact, sample })) ?? {};
    const sampledKeys = exact ? undefined : await sampledKeysOf(built, policy);
    const warnings = runWarnings({ exact, logZ: result.logZ, trueLogZ: result.trueLogZ, history: result.history, ...(sampledKeys ? { sampledKeys } : {}) });
    for (const w of warnings) warn(`warning: ${w}`);
    const results: ResultsFile = {
      config: flatConfig(config, built, backend, packageVersions(hooks.versions)),
      metrics: {
        jsd: exact?.jsd ?? null,
        l1: exact?.l1 ?? null,
        tv: exact?.tv ?? null,
        logZ: result.logZ,
        trueLogZ: result.trueLogZ,
        logZError: result.logZ !== null && result.trueLogZ !== null ? Math.abs(result.logZ - result.trueLogZ) : null,
        finalLoss: Number.isFinite(result.finalLoss) ? result.finalLoss : null,
        ...extra,
      },
      history: result.history,
      throughput: result.throughput,
      ...(exact ? { exact: exactDistribution(exact) } : {}),
      ...(result.interrupted ? { interrupted: true } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    const picture = exact ? entry.picture?.(built, exact.distribution, exact.target.probs) : undefined;
    const figure = await runFigure(prepared, result.iterations, { policy, exact, sample, metrics: results.metrics }, warn);
    return { results, prepared, result, ...(picture ? { picture } : {}), ...(figure ? { figure } : {}) };
  } finally {
    policy.dispose();
  }
}

/** Keys of 256 terminal states of the trained policy, for the collapse check where nothing is exact. */
async function sampledKeysOf(built: BuiltEnvironment, policy: Policy): Promise<string[]> {
  const terminals = await samplePolicy(built, policy, 256, 0xc011a);
  return Array.from({ length: built.env.batchSize(terminals) }, (_, i) => built.env.stateKey(terminals, i));
}
