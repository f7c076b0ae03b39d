import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backends.js';
import { BACKENDS, selectBackend } from '../backends.js';
import type { OptionSpecs } from '../options.js';
import { helpText, parseOptions } from '../options.js';
import { packageVersions, writeJsonAtomic } from '../results.js';

const BENCH_OPTIONS: OptionSpecs = {
  backends: { type: 'string', default: BACKENDS.join(','), help: 'Comma-separated backends to measure' },
  iterations: { type: 'int', min: 1, default: 300, help: 'Measured iterations per case (cpu runs a fifth of them)' },
  warmup: { type: 'int', min: 0, default: 30, help: 'Unmeasured iterations before each case' },
  'batch-sizes': { type: 'string', default: '16', help: 'Comma-separated batch sizes' },
  out: { type: 'string', help: 'Also write the figures (JSON) here, e.g. docs/results/bench/latest.json' },
};

export const BENCH_HELP: string = helpText(
  'gfn bench [options]',
  'Measures training iterations/s of TB on hypergrid 2-D and 4-D H=8 (2×256 MLPs, learned P_B) per backend, split into sampling and loss/update time.',
  BENCH_OPTIONS,
);

/** One measured case. */
export interface BenchCase {
  readonly backend: string;
  readonly case: string;
  readonly batchSize: number;
  readonly iterations: number;
  readonly iterationsPerSecond: number;
  readonly samplingMsPerIteration: number;
  readonly updateMsPerIteration: number;
  readonly peakTensorBytes: number;
}

async function hypergridCase(backend: string, ndim: number, batchSize: number, iterations: number, warmup: number): Promise<BenchCase> {
  const env = hypergrid({ ndim, height: 8 });
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
  const common = { env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), batchSize, seed: 0 };
  // Warm up on the same policy, so the measured part sees a partly trained policy (realistic lengths).
  if (warmup > 0) await train({ ...common, iterations: warmup, evalEvery: warmup });
  let peak = 0;
  const r = await train({
    ...common,
    iterations,
    evalEvery: iterations,
    onIteration: () => {
      peak = Math.max(peak, tf.memory().numBytes);
    },
  });
  policy.dispose();
  const t = r.throughput;
  return {
    backend,
    case: `hypergrid ${ndim}-D H=8`,
    batchSize,
    iterations,
    iterationsPerSecond: t.iterationsPerSecond,
    samplingMsPerIteration: (1000 * t.samplingSeconds) / iterations,
    updateMsPerIteration: (1000 * t.updateSeconds) / iterations,
    peakTensorBytes: peak,
  };
}

/** `gfn bench`. */
export async function benchCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('bench', argv, BENCH_OPTIONS);
  if (options.help) {
    process.stdout.write(`${BENCH_HELP}\n`);
    return;
  }
  const backends = String(options.backends).split(',').map((s) => s.trim()) as BackendName[];
  for (const b of backends) if (!BACKENDS.includes(b)) throw new Error(`--backends: unknown backend "${b}" (available: ${BACKENDS.join(', ')})`);
  const batchSizes = String(options['batch-sizes']).split(',').map(Number);
  const cases: BenchCase[] = [];
  const header = `${'backend'.padEnd(8)}${'case'.padEnd(20)}${'batch'.padStart(6)}${'it/s'.padStart(9)}${'sample ms'.padStart(11)}${'update ms'.padStart(11)}${'peak MB'.padStart(9)}`;
  process.stdout.write(`${header}\n`);
  for (const name of backends) {
    const backend = await selectBackend(name);
    const iterations = name === 'cpu' ? Math.max(1, Math.round((options.iterations as number) / 5)) : (options.iterations as number);
    const warmup = name === 'cpu' ? Math.min(options.warmup as number, 5) : (options.warmup as number);
    for (const batchSize of batchSizes) {
      for (const ndim of [2, 4]) {
        const c = await hypergridCase(backend, ndim, batchSize, iterations, warmup);
        cases.push(c);
        process.stdout.write(
          `${c.backend.padEnd(8)}${c.case.padEnd(20)}${String(c.batchSize).padStart(6)}${c.iterationsPerSecond.toFixed(1).padStart(9)}${c.samplingMsPerIteration.toFixed(2).padStart(11)}${c.updateMsPerIteration.toFixed(2).padStart(11)}${(c.peakTensorBytes / 2 ** 20).toFixed(1).padStart(9)}\n`,
        );
      }
    }
  }
  if (options.out) {
    writeJsonAtomic(options.out as string, {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.versions.node, platform: process.platform },
      packageVersions: packageVersions(),
      reference: { torchgfn: { 'hypergrid 2-D H=8': 42, 'hypergrid 4-D H=8': 24, note: 'iterations/s, PyTorch 1 thread, batch 16, this machine kind' } },
      cases,
    });
    process.stdout.write(`written to ${options.out}\n`);
  }
}
