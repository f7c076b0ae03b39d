import { existsSync, readFileSync } from 'node:fs';
import type { EnvironmentExperiment } from '@gflownet/core';
import type { Flag, RunConfigInput } from '@gflownet/experiment';
import { BUILT_IN_ENVIRONMENTS, environmentEntry, environmentFlags, parseRunConfig, RUN_FLAGS, readFlagValue, runConfigFromFlat } from '@gflownet/experiment';
import type { GivenOptions, OptionSpec, OptionSpecs } from './options.js';
import { parseOptions, UsageError } from './options.js';

/** Defaults of the run flags, read from the one place they live (the config schema), for the help. */
const SCHEMA_DEFAULTS = parseRunConfig({});

function defaultOf(flag: Flag): string | number | boolean | undefined {
  const [part, key] = flag.path;
  const v = key === undefined ? (SCHEMA_DEFAULTS as Record<string, unknown>)[part] : (SCHEMA_DEFAULTS as unknown as Record<string, Record<string, unknown>>)[part]?.[key];
  return Array.isArray(v) ? v.join(',') : (v as string | number | boolean | undefined);
}

function optionOf(flag: Flag & { spec?: { default?: unknown } }): OptionSpec {
  const def = flag.spec ? (flag.spec.default as string | number | boolean | undefined) : defaultOf(flag);
  return { type: flag.type, help: flag.help, ...(flag.choices ? { choices: flag.choices } : {}), ...(def !== undefined ? { default: def } : {}) };
}

/** Flags of every environment the command may meet: the built-in ones and a module's. */
function environmentOptions(entries: readonly EnvironmentExperiment[]): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const entry of entries) for (const [name, flag] of Object.entries(environmentFlags(entry))) out[name] ??= optionOf(flag);
  return out;
}

/** Options of a run: every run flag and every environment's settings. */
export function runOptionSpecs(extra: readonly EnvironmentExperiment[] = []): OptionSpecs {
  const run = Object.fromEntries(Object.entries(RUN_FLAGS).map(([name, flag]) => [name, optionOf(flag)]));
  return { ...run, ...environmentOptions([...BUILT_IN_ENVIRONMENTS, ...extra]) };
}

/** The value of `--name VALUE` or `--name=VALUE` in raw argv, before full parsing (for --env-module and --config). */
function peek(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** A `--config` file: a run config (`{"version": 1, "env": {…}, …}`) or flat options (`{"height": 16}`). */
function readConfigFile(file: string): { config?: RunConfigInput; flat?: Record<string, unknown> } {
  if (!existsSync(file)) throw new UsageError(`config ${file} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`config ${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`config ${file} must be a JSON object`);
  const record = json as Record<string, unknown>;
  return 'version' in record || typeof record.env === 'object' ? { config: record as RunConfigInput } : { flat: record };
}

/** Deep-merges run-config parts: `over` wins. */
function merge(base: RunConfigInput, over: RunConfigInput): RunConfigInput {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null ? { ...b, ...v } : v;
  }
  return out as RunConfigInput;
}

/** What {@link readRunArguments} returns. */
export interface RunArguments {
  /** The run config the arguments describe (config file first, command line over it). */
  readonly config: RunConfigInput;
  readonly entry: EnvironmentExperiment;
  /** Every option given on the command line, raw. */
  readonly given: GivenOptions;
  readonly help: boolean;
  readonly specs: OptionSpecs;
}

/**
 * Reads a run's command line: loads an `--env-module` (its settings become options), reads a
 * `--config` file, and turns the options into a run config. `control` are the command's own options
 * (e.g. `--out`), which are not part of the run.
 */
export async function readRunArguments(command: string, argv: readonly string[], control: OptionSpecs): Promise<RunArguments> {
  const file = peek(argv, 'config');
  const fromFile = file !== undefined ? readConfigFile(file) : {};
  const moduleName = peek(argv, 'env-module') ?? (fromFile.flat?.['env-module'] as string | undefined) ?? fromFile.config?.env?.module;
  const extra = moduleName !== undefined ? [await environmentEntry({ module: moduleName })] : [];
  const specs: OptionSpecs = { ...runOptionSpecs(extra), ...control };
  const parsed = parseOptions(command, argv, specs);
  const flatFile = fromFile.flat ?? {};
  for (const [key, v] of Object.entries(flatFile)) {
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (!spec || key === 'config') throw new UsageError(`config ${file}: unknown key "${key}"`);
    if (spec.type === 'boolean' && typeof v !== 'boolean') throw new UsageError(`config ${file}: "${key}" must be true or false`);
    if (spec.type !== 'boolean' && typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`config ${file}: "${key}" must be a string or a number`);
  }
  // The command's own options may come from a flat config file too; the command line wins.
  const given: GivenOptions = { ...parsed.given };
  for (const [key, v] of Object.entries(flatFile)) if (Object.hasOwn(control, key) && !Object.hasOwn(given, key)) given[key] = typeof v === 'boolean' ? v : String(v);
  const help = parsed.help;
  const envName = (given.env as string | undefined) ?? (flatFile.env as string | undefined) ?? fromFile.config?.env?.name ?? extra[0]?.name;
  const entry = await environmentEntry({ name: envName, module: moduleName });
  const flags: Record<string, Flag> = { ...RUN_FLAGS, ...environmentFlags(entry) };
  const typed = (source: Record<string, unknown>, where: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(source)) {
      if (Object.hasOwn(control, name)) continue;
      const flag = Object.hasOwn(flags, name) ? flags[name] : undefined;
      if (!flag) throw new UsageError(`${where}--${name} does not apply to --env ${entry.name}`);
      out[name] = typeof raw === 'string' ? readFlagValue(name, flag, raw) : raw;
    }
    return out;
  };
  const fileConfig = fromFile.config ?? runConfigFromFlat(typed(flatFile, `config ${file}: `), entry);
  const cli = runConfigFromFlat(typed(given, ''), entry);
  return { config: merge(fileConfig, cli), entry, given, help, specs };
}
