import type { Sampler } from '@gflownet/core';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import type { OptionSpecs, ParsedOptions } from './options.js';
import { UsageError } from './options.js';

/** Samplers selectable with `--sampler`, each built from the parsed options. */
export const SAMPLER_BUILDERS: Readonly<Record<string, (options: ParsedOptions) => Sampler>> = {
  'on-policy': () => onPolicySampler(),
};

/** Options specific to samplers. */
export const SAMPLER_OPTIONS: OptionSpecs = {
  sampler: { type: 'enum', choices: Object.keys(SAMPLER_BUILDERS), default: 'on-policy', help: 'How training trajectories are produced' },
};

/** The sampler the options name. */
export function buildSampler(options: ParsedOptions): Sampler {
  const make = SAMPLER_BUILDERS[options.sampler as string];
  if (!make) throw new UsageError(`unknown sampler "${String(options.sampler)}"`);
  return make(options);
}
