import type { BackendName } from '@gflownet/experiment';
import { BACKENDS, readRunCheckpoint, sampleCheckpoint, toCsvText, writeTextAtomic } from '@gflownet/experiment';
import type { OptionSpecs } from '../options.js';
import { helpText, numberOption, parseOptions, required, UsageError } from '../options.js';

const SAMPLE_OPTIONS: OptionSpecs = {
  checkpoint: { type: 'string', help: 'Checkpoint of a training run (required)' },
  n: { type: 'int', default: 1000, help: 'Number of samples' },
  out: { type: 'string', help: 'Write the samples here as CSV (required)' },
  seed: { type: 'int', default: 0, help: 'Seed of the sampling generator' },
  'batch-size': { type: 'int', default: 256, help: 'Trajectories sampled per policy batch' },
  backend: { type: 'string', choices: BACKENDS, help: 'TensorFlow.js backend (default: the run’s)' },
};

export const SAMPLE_HELP: string = helpText(
  'gfn sample --checkpoint FILE --n N --out samples.csv',
  'Samples terminating states from a trained policy and writes one CSV row per sample: key, the environment’s own columns (e.g. smiles), reward, logReward and the exact log P_F^T where it can be computed.',
  SAMPLE_OPTIONS,
);

/** `gfn sample`. */
export async function sampleCommand(argv: readonly string[]): Promise<void> {
  const { given, help } = parseOptions('sample', argv, SAMPLE_OPTIONS);
  if (help) {
    process.stdout.write(`${SAMPLE_HELP}\n`);
    return;
  }
  const file = required(given, 'checkpoint', 'sample');
  const out = required(given, 'out', 'sample');
  const n = numberOption('n', given.n, true) ?? 1000;
  const batchSize = numberOption('batch-size', given['batch-size'], true) ?? 256;
  const seed = numberOption('seed', given.seed, true) ?? 0;
  if (n < 1 || n > 10_000_000) throw new UsageError(`--n must be between 1 and 10,000,000, got ${n}`);
  if (batchSize < 1 || batchSize > 65536) throw new UsageError(`--batch-size must be between 1 and 65536, got ${batchSize}`);
  const backend = given.backend as BackendName | undefined;
  if (backend !== undefined && !BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join('|')}, got "${backend}"`);
  const stored = await readRunCheckpoint(file);
  const table = await sampleCheckpoint(stored, { n, seed, batchSize, source: file, ...(backend ? { backend } : {}) });
  writeTextAtomic(out, toCsvText(table));
  process.stdout.write(`${n} samples from ${file} (iteration ${stored.state.iteration}) written to ${out}\n`);
}
