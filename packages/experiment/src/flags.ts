import type { EnvironmentExperiment, SettingSpec } from '@gflownet/core';
import type { RunConfigInput } from './config.js';
import { GEMM_KERNELS } from '@gflownet/backend-wasm';
import { BACKEND_NAMES, OBJECTIVE_NAMES, SAMPLER_KINDS, SCHEDULE_NAMES } from './config.js';
import { ConfigError } from './resolve.js';

/**
 * The flat form of a run config: one named value per setting, as `gfn` options (`--batch-size 16`),
 * flat JSON config files and the checkpoints of earlier releases spell it. The names are a public
 * contract: extend, never rename. Types here only say how to read a value from text; ranges and
 * defaults live in the config schema (`config.ts`) and the environments' setting specs.
 */
export interface Flag {
  /** Where the value goes in a run config: `[part, key]`, or `[key]` for top-level fields. */
  readonly path: readonly [string] | readonly [string, string];
  readonly type: 'int' | 'number' | 'string' | 'boolean' | 'list';
  readonly choices?: readonly string[];
  readonly help: string;
}

export const RUN_FLAGS: Readonly<Record<string, Flag>> = {
  env: { path: ['env', 'name'], type: 'string', help: 'Environment (built in: hypergrid, dag, fragments; or the name an --env-module provides)' },
  'env-module': { path: ['env', 'module'], type: 'string', help: 'Load the environment from this module (a path or a package exporting an `experiment` entry)' },
  'reward-module': { path: ['env', 'rewardModule'], type: 'string', help: 'Load the reward from this module (exporting `reward`), for environments that take one' },
  objective: { path: ['objective', 'name'], type: 'string', choices: OBJECTIVE_NAMES, help: 'Training objective: flow matching, detailed balance, modified DB, trajectory balance, SubTB(λ), reverse KL, forward KL, wake-sleep, reverse wake-sleep' },
  loss: { path: ['objective', 'loss'], type: 'string', choices: ['squared', 'huber'], help: 'Regression loss of the balance objectives (fm, db, mdb, tb, subtb)' },
  baseline: { path: ['objective', 'baseline'], type: 'string', choices: ['none', 'local', 'global', 'batch-mean'], help: 'rkl/fkl/ws/rws: REINFORCE baseline (global = learned log Z; local = weighted batch mean of the score; batch-mean = its plain mean, the DAG paper\'s off-policy reverse KL)' },
  'importance-weights': { path: ['objective', 'importanceWeights'], type: 'string', choices: ['plain', 'self-normalized'], help: 'rkl/fkl/ws/rws off-policy: importance weights P_F/π as they are, or normalised over the batch' },
  'subtb-lambda': { path: ['objective', 'subtbLambda'], type: 'number', help: 'subtb: λ of the geometric weighting (0 → DB, large → TB)' },
  'subtb-weighting': { path: ['objective', 'subtbWeighting'], type: 'string', choices: ['geometric-within', 'equal-within', 'equal'], help: 'subtb: weighting of the sub-trajectories' },
  'fm-leaf-weight': { path: ['objective', 'fmLeafWeight'], type: 'number', help: 'fm: weight of the terminating-edge terms log F(x→s_f) = log R(x)' },
  sampler: { path: ['sampler', 'kind'], type: 'string', choices: SAMPLER_KINDS, help: 'How training trajectories are produced (off-policy and replay explore ε 0.5 → 0.1 when no exploration option is given)' },
  epsilon: { path: ['sampler', 'epsilon'], type: 'number', help: 'Off-policy: probability of a uniformly random valid action, annealed to --epsilon-final' },
  'epsilon-final': { path: ['sampler', 'epsilonFinal'], type: 'number', help: 'Off-policy: ε at the end of the exploration phase' },
  temperature: { path: ['sampler', 'temperature'], type: 'number', help: 'Off-policy: temperature dividing the logits, annealed to --temperature-final' },
  'temperature-final': { path: ['sampler', 'temperatureFinal'], type: 'number', help: 'Off-policy: temperature at the end of the exploration phase' },
  'exit-bias': { path: ['sampler', 'exitBias'], type: 'number', help: "Off-policy: bias subtracted from the stop action's logit, annealed to --exit-bias-final" },
  'exit-bias-final': { path: ['sampler', 'exitBiasFinal'], type: 'number', help: 'Off-policy: exit bias at the end of the exploration phase' },
  schedule: { path: ['sampler', 'schedule'], type: 'string', choices: SCHEDULE_NAMES, help: 'Off-policy: annealing schedule of ε, temperature and exit bias' },
  'exploration-iterations': { path: ['sampler', 'explorationIterations'], type: 'int', help: 'Off-policy: length of the exploration phase in iterations (default: a fifth of the run)' },
  'replay-capacity': { path: ['sampler', 'replayCapacity'], type: 'int', help: 'Replay: buffer capacity' },
  'replay-ratio': { path: ['sampler', 'replayRatio'], type: 'number', help: 'Replay: fraction of each batch drawn from the buffer; 1 = pure replay' },
  prioritized: { path: ['sampler', 'prioritized'], type: 'boolean', help: 'Replay: keep the top trajectories by reward and sample them in proportion to R' },
  prefill: { path: ['sampler', 'prefill'], type: 'int', help: 'Replay: trajectories from the uniform policy put in the buffer before training' },
  'replay-store': { path: ['sampler', 'replayStore'], type: 'string', choices: ['trajectories', 'terminals'], help: 'Replay: store whole trajectories, or terminal states re-sampled backward with P_B' },
  collect: { path: ['sampler', 'collect'], type: 'int', help: 'Replay: fresh trajectories sampled into the buffer per iteration (default: the batch size; the DAG paper: about 1)' },
  'replay-unit': { path: ['sampler', 'replayUnit'], type: 'string', choices: ['trajectories', 'transitions'], help: 'Replay: draw stored trajectories, or single stored transitions uniformly (mdb only, as the DAG paper)' },
  iterations: { path: ['budget', 'iterations'], type: 'int', help: 'Gradient steps' },
  'batch-size': { path: ['budget', 'batchSize'], type: 'int', help: 'Trajectories per step' },
  seed: { path: ['seed'], type: 'int', help: 'Seed of the policy initialisation and of sampling (negative seeds too)' },
  backend: { path: ['backend'], type: 'string', choices: BACKEND_NAMES, help: 'TensorFlow.js backend' },
  'wasm-gemm': { path: ['wasmGemm'], type: 'string', choices: GEMM_KERNELS, help: "wasm: matrix products by our SIMD kernels (XNNPACK's values, faster), tfjs's XNNPACK, or fused multiply-adds (relaxed SIMD: faster, values within rounding, CPU-dependent)" },
  threads: { path: ['threads'], type: 'int', help: 'Split each batch over this many threads (sampling, rewards and gradients); results depend on the seed and the thread count' },
  policy: { path: ['policy', 'kind'], type: 'string', help: 'Policy network: mlp, or one the environment offers (fragments: mpnn)' },
  hidden: { path: ['policy', 'hidden'], type: 'list', help: 'Hidden layer widths of the MLPs, comma-separated' },
  'mpnn-rounds': { path: ['policy', 'rounds'], type: 'int', help: 'Fragments --policy mpnn: message-passing rounds (the paper: 10; the width is the first --hidden)' },
  pb: { path: ['policy', 'backward'], type: 'string', choices: ['learned', 'uniform'], help: 'Backward policy' },
  'stop-head': { path: ['policy', 'stopHead'], type: 'string', choices: ['softmax', 'sigmoid'], help: 'MLP: stop action in the softmax, or by a separate sigmoid as in the DAG paper' },
  lr: { path: ['optimizer', 'lr'], type: 'number', help: 'Adam learning rate of P_F (and of the state flow)' },
  'lr-pb': { path: ['optimizer', 'lrPb'], type: 'number', help: 'Adam learning rate of a learned P_B' },
  'lr-logz': { path: ['optimizer', 'lrLogZ'], type: 'number', help: 'Learning rate of log Z (Adam, or SGD with --logz-optimizer sgd)' },
  'logz-optimizer': { path: ['optimizer', 'logZOptimizer'], type: 'string', choices: ['adam', 'sgd'], help: 'Optimiser of log Z: Adam, or SGD with momentum and NaN gradients zeroed (the DAG paper: sgd, --lr-logz 0.1)' },
  'logz-momentum': { path: ['optimizer', 'logZMomentum'], type: 'number', help: 'Momentum of the sgd log-Z optimiser (the DAG paper: 0.8)' },
  'logz-init': { path: ['optimizer', 'logZInit'], type: 'number', help: 'Initial log Z' },
  'eval-every': { path: ['evaluation', 'evalEvery'], type: 'int', help: 'Exact evaluation every N iterations (default: a twentieth of the run)' },
};

/** `relativeReward` → `relative-reward`: an environment setting's flag name. */
export function flagName(setting: string): string {
  return setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flags of an environment's settings, by flag name. */
export function environmentFlags(entry: EnvironmentExperiment): Record<string, Flag & { readonly spec: SettingSpec }> {
  const out: Record<string, Flag & { spec: SettingSpec }> = {};
  for (const [key, spec] of Object.entries(entry.settings)) {
    const type = spec.type === 'enum' ? 'string' : spec.type;
    out[flagName(key)] = { path: ['env', key], type, ...(spec.type === 'enum' ? { choices: spec.choices } : {}), help: spec.help, spec };
  }
  return out;
}

/** Reads a flag's value from text (`"16"` → 16); a bad value is a {@link ConfigError} naming the flag. */
export function readFlagValue(name: string, flag: Flag, raw: string): string | number | boolean | number[] {
  const fail = (what: string): never => {
    throw new ConfigError([], `--${name} expects ${what}, got "${raw}"`);
  };
  switch (flag.type) {
    case 'int':
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) fail('a number');
      if (flag.type === 'int' && !Number.isSafeInteger(v)) fail('an integer');
      return v;
    }
    case 'list': {
      const parts = raw.split(',').map((s) => s.trim());
      const values = parts.map(Number);
      if (parts.some((p) => p === '') || values.some((v) => !Number.isInteger(v) || v < 1)) fail('comma-separated positive integers such as 256,256');
      return values;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') fail('true or false');
      return raw === 'true';
    default:
      if (flag.choices && !flag.choices.includes(raw)) throw new ConfigError([], `--${name} must be one of ${flag.choices.join('|')}, got "${raw}"`);
      return raw;
  }
}

/**
 * A run config from flat values (already typed, e.g. by {@link readFlagValue} or JSON), by flag name.
 * Unknown names are errors; `ignore` lists names that are not part of a run (e.g. `out`).
 */
export function runConfigFromFlat(
  values: Readonly<Record<string, unknown>>,
  entry: EnvironmentExperiment,
  ignore: ReadonlySet<string> = new Set(),
): RunConfigInput {
  const flags = { ...RUN_FLAGS, ...environmentFlags(entry) };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || ignore.has(name)) continue;
    const flag = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!flag) throw new ConfigError([], `unknown option "${name}"${entry.name ? ` for environment ${entry.name}` : ''}`);
    const [part, key] = flag.path;
    if (key === undefined) out[part] = value;
    else ((out[part] ??= {}) as Record<string, unknown>)[key] = value;
  }
  return out as RunConfigInput;
}

/** The flag that sets a run-config path (for error messages), if any. */
export function flagForPath(path: readonly (string | number)[]): string | undefined {
  const [part, key] = path;
  const known = Object.entries(RUN_FLAGS).find(([, f]) => f.path[0] === part && f.path[1] === key)?.[0];
  if (known !== undefined) return known;
  return part === 'env' && typeof key === 'string' ? flagName(key) : undefined;
}
