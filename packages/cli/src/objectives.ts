import type { Objective } from '@gflownet/core';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import type { OptionSpecs, ParsedOptions } from './options.js';
import { UsageError } from './options.js';

/** Objectives selectable with `--objective`, each built from the parsed options. */
export const OBJECTIVE_BUILDERS: Readonly<Record<string, (options: ParsedOptions) => Objective>> = {
  tb: () => trajectoryBalanceObjective(),
};

/** Options specific to objectives. */
export const OBJECTIVE_OPTIONS: OptionSpecs = {
  objective: { type: 'enum', choices: Object.keys(OBJECTIVE_BUILDERS), default: 'tb', help: 'Training objective' },
};

/** The objective the options name. */
export function buildObjective(options: ParsedOptions): Objective {
  const make = OBJECTIVE_BUILDERS[options.objective as string];
  if (!make) throw new UsageError(`unknown objective "${String(options.objective)}"`);
  return make(options);
}
