import { exactEvaluator, Random } from '@gflownet/core';
import { sampleForward } from '@gflownet/sampler-rollout';
import { restorePolicy } from '@gflownet/trainer';
import type { BackendName } from '../backends.js';
import { BACKENDS, selectBackend } from '../backends.js';
import { readCheckpointFile } from '../checkpoint-files.js';
import { buildEnvironment, environmentEntry } from '../environments/index.js';
import { buildObjective } from '../objectives.js';
import type { OptionSpecs } from '../options.js';
import { helpText, parseOptions, required } from '../options.js';
import { writeTextAtomic } from '../results.js';
import { buildPolicy } from './train.js';

const SAMPLE_OPTIONS: OptionSpecs = {
  checkpoint: { type: 'string', help: 'Checkpoint of a training run (required)' },
  n: { type: 'int', min: 1, max: 10_000_000, default: 1000, help: 'Number of samples' },
  out: { type: 'string', help: 'Write the samples here as CSV (required)' },
  seed: { type: 'int', min: 0, default: 0, help: 'Seed of the sampling generator' },
  'batch-size': { type: 'int', min: 1, max: 65536, default: 256, help: 'Trajectories sampled per policy batch' },
  backend: { type: 'enum', choices: BACKENDS, help: 'TensorFlow.js backend (default: the run’s)' },
};

export const SAMPLE_HELP: string = helpText(
  'gfn sample --checkpoint FILE --n N --out samples.csv',
  'Samples terminating states from a trained policy and writes one CSV row per sample: key, the environment’s own columns (e.g. smiles), reward, logReward and the exact log P_F^T where it can be computed.',
  SAMPLE_OPTIONS,
);

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** `gfn sample`. */
export async function sampleCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('sample', argv, SAMPLE_OPTIONS);
  if (options.help) {
    process.stdout.write(`${SAMPLE_HELP}\n`);
    return;
  }
  const file = required<string>(options, 'checkpoint', 'sample');
  const out = required<string>(options, 'out', 'sample');
  const { state, options: run } = readCheckpointFile(file);
  const built = await buildEnvironment(run);
  const entry = environmentEntry(run);
  await selectBackend((options.backend ?? run.backend ?? 'wasm') as BackendName);
  const policy = await buildPolicy(built, run, buildObjective(run).requires.flow === true);
  try {
    restorePolicy(policy, state);
    const { env } = built;
    const random = new Random(options.seed as number);
    const n = options.n as number;
    const chunk = options['batch-size'] as number;
    const keys: string[] = [];
    const logRewards: number[] = [];
    const logPFT: number[] = [];
    const extra = new Map<string, string[]>();
    const evaluator = env.enumerate ? await exactEvaluator(env) : null;
    const exact = evaluator ? evaluator.evaluate(policy) : null;
    for (let done = 0; done < n; done += chunk) {
      const batch = await sampleForward(env, policy, Math.min(chunk, n - done), random);
      const m = batch.numTrajectories;
      for (let b = 0; b < m; b++) {
        const key = env.stateKey(batch.terminals, b);
        keys.push(key);
        logRewards.push(batch.logRewards[b] as number);
        if (exact && evaluator) logPFT.push(Math.log(exact.distribution[evaluator.graph.indexOfKey.get(key) as number] as number));
      }
      if (!exact && entry.logTerminatingProbability) logPFT.push(...(await entry.logTerminatingProbability(built, policy, batch.terminals)));
      const columns = entry.describe ? await entry.describe(built, batch.terminals) : {};
      for (const [name, values] of Object.entries(columns)) extra.set(name, [...(extra.get(name) ?? []), ...values]);
    }
    const names = [...extra.keys()];
    const header = ['key', ...names, 'reward', 'logReward', ...(logPFT.length === n ? ['logPFT'] : [])];
    const lines = [header.join(',')];
    for (let i = 0; i < n; i++) {
      const row = [keys[i] as string, ...names.map((k) => (extra.get(k) as string[])[i] as string), String(Math.exp(logRewards[i] as number)), String(logRewards[i])];
      if (logPFT.length === n) row.push(String(logPFT[i]));
      lines.push(row.map(csvField).join(','));
    }
    writeTextAtomic(out, `${lines.join('\n')}\n`);
    process.stdout.write(`${n} samples from ${file} (iteration ${state.iteration}) written to ${out}\n`);
  } finally {
    policy.dispose();
  }
}
