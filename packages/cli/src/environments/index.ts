import type { OptionSpecs, ParsedOptions } from '../options.js';
import { UsageError } from '../options.js';
import { dagEntry } from './dag.js';
import { fragmentsEntry } from './fragments.js';
import { hypergridEntry } from './hypergrid.js';
import type { BuiltEnvironment, EnvironmentEntry } from './types.js';

export type { BuiltEnvironment, EnvironmentEntry } from './types.js';

/** Every environment the CLI offers, by `--env` name. Add a module per environment and list it here. */
export const ENVIRONMENT_ENTRIES: readonly EnvironmentEntry[] = [hypergridEntry, dagEntry, fragmentsEntry];

/** Options that describe an environment (shared by train, exact and compare). */
export const ENVIRONMENT_OPTIONS: OptionSpecs = Object.assign(
  { env: { type: 'enum', choices: ENVIRONMENT_ENTRIES.map((e) => e.name), default: 'hypergrid', help: 'Environment' } } as OptionSpecs,
  ...ENVIRONMENT_ENTRIES.map((e) => e.options),
);

/** The registry entry the options name. */
export function environmentEntry(options: ParsedOptions): EnvironmentEntry {
  const entry = ENVIRONMENT_ENTRIES.find((e) => e.name === options.env);
  if (!entry) throw new UsageError(`unknown environment "${String(options.env)}"`);
  return entry;
}

/** Builds the environment the options describe. */
export async function buildEnvironment(options: ParsedOptions): Promise<BuiltEnvironment> {
  return environmentEntry(options).build(options);
}
