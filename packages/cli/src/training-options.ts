import { BACKENDS } from './backends.js';
import { ENVIRONMENT_OPTIONS } from './environments/index.js';
import { OBJECTIVE_OPTIONS } from './objectives.js';
import type { OptionSpecs } from './options.js';
import { UsageError } from './options.js';
import { SAMPLER_OPTIONS } from './samplers.js';

/** Options of `gfn train` (and, per run, of `gfn compare`). Names are a public contract: extend, never rename. */
export const TRAIN_OPTIONS: OptionSpecs = {
  ...ENVIRONMENT_OPTIONS,
  ...OBJECTIVE_OPTIONS,
  ...SAMPLER_OPTIONS,
  iterations: { type: 'int', min: 1, default: 2000, help: 'Gradient steps' },
  'batch-size': { type: 'int', min: 1, max: 65536, default: 16, help: 'Trajectories per step' },
  seed: { type: 'int', min: 0, default: 0, help: 'Seed of the policy initialisation and of sampling' },
  backend: { type: 'enum', choices: BACKENDS, default: 'wasm', help: 'TensorFlow.js backend' },
  hidden: { type: 'string', default: '256,256', help: 'Hidden layer widths of the MLPs, comma-separated' },
  pb: { type: 'enum', choices: ['learned', 'uniform'], default: 'learned', help: 'Backward policy' },
  lr: { type: 'number', min: 0, exclusiveMin: true, default: 1e-3, help: 'Adam learning rate of P_F (and of the state flow)' },
  'lr-pb': { type: 'number', min: 0, exclusiveMin: true, default: 1e-3, help: 'Adam learning rate of a learned P_B' },
  'lr-logz': { type: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'Adam learning rate of log Z' },
  'logz-init': { type: 'number', default: 0, help: 'Initial log Z' },
  'eval-every': { type: 'int', min: 1, help: 'Exact evaluation every N iterations (default: iterations/20)' },
  out: { type: 'string', help: 'Write the results file (JSON) here' },
  quiet: { type: 'boolean', help: 'No progress output' },
  checkpoint: { type: 'string', help: 'Write a checkpoint here (atomically) every --checkpoint-every iterations and on SIGINT/SIGTERM' },
  'checkpoint-every': { type: 'int', min: 1, default: 500, help: 'Iterations between checkpoints' },
  resume: { type: 'string', help: 'Continue the run saved in this checkpoint (its settings are kept; --iterations may extend it)' },
  config: { type: 'string', help: 'Read options from a JSON file ({"height": 16, …}); command-line options win' },
};

/** Parses `--hidden 256,256`. */
export function parseHidden(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((v) => !Number.isInteger(v) || v < 1 || v > 8192)) {
    throw new UsageError(`--hidden expects comma-separated positive integers such as 256,256, got "${raw}"`);
  }
  return out;
}
