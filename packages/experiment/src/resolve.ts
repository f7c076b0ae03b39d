import type { EnvironmentExperiment, SettingSpec, SettingSpecs } from '@gflownet/core';
import { z } from 'zod';
import type { ParsedRunConfig, ResolvedSampler, RunConfig, RunConfigInput } from './config.js';
import { DEFAULT_OFF_POLICY_EXPLORATION, EVALUATIONS_PER_RUN, EXPLORATION_DEFAULTS, REPLAY_DEFAULTS, RunConfigSchema } from './config.js';
import { threadsConflict } from './parallel/split.js';

/** A bad run config: `path` names the field (e.g. `["budget", "iterations"]`), `reason` says what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly path: readonly (string | number)[],
    readonly reason: string,
  ) {
    super(`${path.length > 0 ? `${path.join('.')}: ` : ''}${reason}`);
  }
}

/** The zod schema of one declared setting. */
function settingSchema(spec: SettingSpec): z.ZodType {
  switch (spec.type) {
    case 'int': {
      let s = z.int();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      return s;
    }
    case 'number': {
      let s = z.number();
      if (spec.min !== undefined) s = spec.exclusiveMin ? s.gt(spec.min) : s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      return s;
    }
    case 'string':
      return z.string().min(1);
    case 'enum':
      return z.enum(spec.choices as [string, ...string[]]);
    case 'boolean':
      return z.boolean();
  }
}

/** The schema of an environment's settings (strict: an unknown setting is an error). */
export function settingsSchema(specs: SettingSpecs): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const base = settingSchema(spec);
    shape[name] = spec.default !== undefined ? base.default(spec.default as never) : base.optional();
  }
  return z.strictObject({ name: z.string(), module: z.string().optional(), rewardModule: z.string().optional(), ...shape });
}

/** What a zod issue says, in this project's words: "must be ≥ 1, got 0". */
function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
  switch (issue.code) {
    case 'too_small':
      return `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${got}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${got}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join('|')}${got}`;
    case 'invalid_type':
      return `must be ${issue.expected === 'int' ? 'an integer' : issue.expected === 'boolean' ? 'true or false' : `a ${issue.expected}`}${got}`;
    case 'unrecognized_keys':
      return `unknown setting "${issue.keys[0]}"`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

/** The first issue of a zod error as a {@link ConfigError}. */
function configError(error: z.ZodError, prefix: readonly (string | number)[] = []): ConfigError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  return new ConfigError(path, describeIssue(issue));
}

/** Parses `input` against the schema (defaults applied), or throws a {@link ConfigError}. */
export function parseRunConfig(input: unknown): ParsedRunConfig {
  const parsed = RunConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw configError(parsed.error);
  return parsed.data;
}

const EXPLORATION_KEYS = ['epsilon', 'epsilonFinal', 'temperature', 'temperatureFinal', 'exitBias', 'exitBiasFinal', 'schedule', 'explorationIterations'] as const;
const REPLAY_KEYS = ['replayCapacity', 'replayRatio', 'prioritized', 'prefill', 'replayStore', 'collect', 'replayUnit'] as const;

/**
 * Sampler settings with every default filled by kind; settings that do not fit the kind are errors.
 * Only the settings of the kind are kept, so a resolved config resolves to itself.
 */
function resolveSampler(s: ParsedRunConfig['sampler'], iterations: number, batchSize: number): ResolvedSampler {
  const explored = EXPLORATION_KEYS.filter((k) => s[k] !== undefined);
  const replayed = REPLAY_KEYS.filter((k) => s[k] !== undefined);
  if (s.kind === 'on-policy' && explored.length + replayed.length > 0) {
    throw new ConfigError(['sampler', [...explored, ...replayed][0] as string], 'needs sampler kind off-policy or replay (the on-policy sampler does not explore or replay)');
  }
  if (s.kind === 'off-policy' && replayed.length > 0) throw new ConfigError(['sampler', replayed[0] as string], 'needs sampler kind replay');
  if (s.kind === 'on-policy') return { kind: 'on-policy' };
  const none = !['epsilon', 'temperature', 'exitBias'].some((k) => s[k as keyof typeof s] !== undefined);
  const base = { ...EXPLORATION_DEFAULTS, ...(none ? DEFAULT_OFF_POLICY_EXPLORATION : {}) };
  const exploration = {
    epsilon: s.epsilon ?? base.epsilon,
    epsilonFinal: s.epsilonFinal ?? base.epsilonFinal,
    temperature: s.temperature ?? base.temperature,
    temperatureFinal: s.temperatureFinal ?? base.temperatureFinal,
    exitBias: s.exitBias ?? base.exitBias,
    exitBiasFinal: s.exitBiasFinal ?? base.exitBiasFinal,
    schedule: s.schedule ?? base.schedule,
    explorationIterations: s.explorationIterations ?? Math.round(iterations * base.explorationFraction),
  };
  if (s.kind === 'off-policy') return { kind: 'off-policy', ...exploration };
  return {
    kind: 'replay',
    ...exploration,
    replayCapacity: s.replayCapacity ?? REPLAY_DEFAULTS.replayCapacity,
    replayRatio: s.replayRatio ?? REPLAY_DEFAULTS.replayRatio,
    prioritized: s.prioritized ?? REPLAY_DEFAULTS.prioritized,
    prefill: s.prefill ?? REPLAY_DEFAULTS.prefill,
    replayStore: s.replayStore ?? REPLAY_DEFAULTS.replayStore,
    collect: s.collect ?? batchSize,
    replayUnit: s.replayUnit ?? REPLAY_DEFAULTS.replayUnit,
  };
}

/** Replayed transitions are two-row sub-trajectories: only modified DB trains on them, from a uniform trajectory buffer. */
function checkReplayUnit(sampler: ResolvedSampler, objective: ParsedRunConfig['objective']['name']): void {
  if (sampler.kind !== 'replay' || sampler.replayUnit !== 'transitions') return;
  const conflict =
    objective !== 'mdb'
      ? `trains objective mdb only (single transitions are not trajectories), not ${objective}`
      : sampler.replayStore !== 'trajectories'
        ? 'needs replayStore trajectories (transitions are drawn from stored trajectories)'
        : sampler.prioritized
          ? 'draws transitions uniformly: it cannot be prioritized'
          : undefined;
  if (conflict) throw new ConfigError(['sampler', 'replayUnit'], `transitions ${conflict}`);
}

/**
 * A run config with every default applied and every range checked: the schema's own, the environment's
 * settings against its entry, and the rules that span parts (policies the environment offers, sampler
 * settings that fit the sampler). Throws a {@link ConfigError} naming the field.
 */
export function resolveRunConfig(input: RunConfigInput | ParsedRunConfig, entry: EnvironmentExperiment): RunConfig {
  const withDefaults = applyRunDefaults(input, entry);
  const parsed = parseRunConfig(withDefaults);
  if (parsed.env.name !== entry.name) throw new ConfigError(['env', 'name'], `is "${parsed.env.name}" but the entry is "${entry.name}"`);
  const env = settingsSchema(entry.settings).safeParse(parsed.env, { reportInput: true });
  if (!env.success) throw configError(env.error, ['env']);
  const offered = ['mlp', ...(entry.policies ?? [])];
  if (!offered.includes(parsed.policy.kind)) {
    throw new ConfigError(['policy', 'kind'], `"${parsed.policy.kind}" is not offered by environment ${entry.name} (policies: ${offered.join(', ')})`);
  }
  if (parsed.env.rewardModule !== undefined && entry.reward === undefined) {
    throw new ConfigError(['env', 'rewardModule'], `environment ${entry.name} does not take a reward of your own`);
  }
  const iterations = parsed.budget.iterations;
  const sampler = resolveSampler(parsed.sampler, iterations, parsed.budget.batchSize);
  checkReplayUnit(sampler, parsed.objective.name);
  const threads = threadsConflict(parsed, sampler);
  if (threads) throw new ConfigError(threads.path, threads.reason);
  return {
    ...parsed,
    env: env.data as ParsedRunConfig['env'],
    sampler,
    evaluation: { evalEvery: parsed.evaluation.evalEvery ?? Math.max(1, Math.round(iterations / EVALUATIONS_PER_RUN)) },
  };
}

/** The environment's name, and its `runDefaults` (dotted paths such as `"sampler.kind"`) where the input sets nothing. */
function applyRunDefaults(input: RunConfigInput | ParsedRunConfig, entry: EnvironmentExperiment): RunConfigInput {
  const out = structuredClone(input) as Record<string, Record<string, unknown>>;
  // An environment loaded from a module is named by its entry.
  out.env = { name: entry.name, ...(out.env ?? {}) };
  for (const [path, value] of Object.entries(entry.runDefaults ?? {})) {
    const [part, key] = path.split('.') as [string, string];
    out[part] ??= {};
    if ((out[part] as Record<string, unknown>)[key] === undefined) (out[part] as Record<string, unknown>)[key] = value;
  }
  return out as RunConfigInput;
}
