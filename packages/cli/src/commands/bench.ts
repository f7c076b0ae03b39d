import { cpus, getPriority, loadavg } from 'node:os';
import type { Environment, Objective, Policy, Sampler } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../backends.js';
import { BACKENDS, selectBackend } from '../backends.js';
import type { OptionSpecs } from '../options.js';
import { helpText, parseOptions, UsageError } from '../options.js';
import { packageVersions, writeJsonAtomic } from '../results.js';

const CASES = ['hypergrid-2d', 'hypergrid-4d', 'dag', 'fragments'] as const;
type CaseName = (typeof CASES)[number];

const BENCH_OPTIONS: OptionSpecs = {
  backends: { type: 'string', default: 'wasm,cpu', help: `Comma-separated backends to measure (${BACKENDS.join(', ')})` },
  iterations: { type: 'int', min: 1, default: 300, help: 'Measured iterations per case (cpu runs a fifth of them; fragments a tenth)' },
  warmup: { type: 'int', min: 0, default: 30, help: 'Unmeasured iterations before each case, on the same policy' },
  'batch-sizes': { type: 'string', default: '16,64', help: 'Comma-separated batch sizes of the hypergrid cases' },
  cases: { type: 'string', default: CASES.join(','), help: `Comma-separated cases (${CASES.join(', ')})` },
  'wasm-threads': { type: 'int', min: 1, max: 64, default: 1, help: 'Threads of the wasm backend' },
  repeats: { type: 'int', min: 1, max: 20, default: 1, help: 'Runs per case; the run with the median iterations/s is reported, with the range' },
  out: { type: 'string', help: 'Also write the figures (JSON) here, e.g. docs/results/bench/latest.json' },
};

export const BENCH_HELP: string = helpText(
  'gfn bench [options]',
  'Measures training iterations/s of trajectory balance (2×256 MLPs, learned P_B) per backend on hypergrid 2-D and 4-D H=8, DAG structure learning (d=5, batch 32) and fragment molecules (batch 16), split into sampling, loss (forward+backward) and optimiser time, with peak tensor memory and process RSS.',
  BENCH_OPTIONS,
);

/** One measured case. */
export interface BenchCase {
  readonly backend: string;
  readonly case: string;
  readonly batchSize: number;
  readonly iterations: number;
  /** Training iterations per wall-clock second. */
  readonly iterationsPerSecond: number;
  /**
   * Iterations per second of process CPU time (all threads): what an otherwise idle machine would give a
   * single-threaded run, since CPU time does not count the waits for other processes' turns. null where
   * the case does not report it.
   */
  readonly cpuIterationsPerSecond: number | null;
  readonly samplingMsPerIteration: number;
  /** Loss, gradients and optimiser (`lossMsPerIteration + optimiserMsPerIteration` plus bookkeeping). */
  readonly updateMsPerIteration: number;
  /** Forward and backward pass of the loss; null where the case does not report it. */
  readonly lossMsPerIteration: number | null;
  /** Optimiser steps; null where the case does not report it. */
  readonly optimiserMsPerIteration: number | null;
  /** Mean visited states (rows) per iteration; null where the case does not report it. */
  readonly rowsPerIteration: number | null;
  /** Peak of `tf.memory().numBytes` during the measured iterations (read at the end of each loss's forward pass). */
  readonly peakTensorBytes: number;
  /** Peak resident set size of the process during the measured iterations. */
  readonly peakRssBytes: number;
  /** Anything else the case measured (e.g. reward evaluations/s). */
  readonly extra?: Record<string, number>;
  /** With `--repeats`: the iterations/s of every run (wall clock and CPU time), in run order. */
  readonly runs?: { readonly iterationsPerSecond: number; readonly cpuIterationsPerSecond: number | null }[];
}

/** Runs a case `repeats` times and keeps the run with the median wall-clock rate, listing all of them. */
async function repeated(repeats: number, once: () => Promise<BenchCase | string>): Promise<BenchCase | string> {
  const results: BenchCase[] = [];
  for (let r = 0; r < repeats; r++) {
    const c = await once();
    if (typeof c === 'string') return c;
    results.push(c);
  }
  if (repeats === 1) return results[0] as BenchCase;
  const median = [...results].sort((a, b) => a.iterationsPerSecond - b.iterationsPerSecond)[Math.floor(repeats / 2)] as BenchCase;
  return { ...median, runs: results.map((c) => ({ iterationsPerSecond: c.iterationsPerSecond, cpuIterationsPerSecond: c.cpuIterationsPerSecond })) };
}

interface CaseRun {
  readonly env: Environment<unknown>;
  readonly policy: Policy;
  readonly label: string;
  readonly batchSize: number;
}

/** Counts the rows of every batch the wrapped sampler hands out. */
function countingSampler(inner: Sampler): { sampler: Sampler; rows: () => number; reset: () => void } {
  let rows = 0;
  const sampler: Sampler = {
    ...inner,
    sample: async (request) => {
      const batch = await inner.sample(request);
      rows += batch.numRows;
      return batch;
    },
  };
  return { sampler, rows: () => rows, reset: () => (rows = 0) };
}

async function trainCase(backend: string, run: CaseRun, iterations: number, warmup: number): Promise<BenchCase> {
  const counting = countingSampler(onPolicySampler());
  const tb = trajectoryBalanceObjective();
  let peak = 0;
  // Tensor memory peaks at the end of the loss's forward pass (every saved activation alive).
  const objective: Objective = {
    ...tb,
    loss: (context) => {
      const value = tb.loss(context);
      peak = Math.max(peak, tf.memory().numBytes);
      return value;
    },
  };
  const common = { env: run.env, policy: run.policy, objective, sampler: counting.sampler, batchSize: run.batchSize, seed: 0 };
  try {
    // Warm up on the same policy, so the measured part sees a partly trained policy (realistic lengths).
    if (warmup > 0) await train({ ...common, iterations: warmup, evalEvery: warmup });
    counting.reset();
    peak = 0;
    let rss = 0;
    const cpu0 = process.cpuUsage();
    const r = await train({
      ...common,
      iterations,
      evalEvery: iterations,
      onIteration: () => {
        peak = Math.max(peak, tf.memory().numBytes);
        rss = Math.max(rss, process.memoryUsage.rss());
      },
    });
    const cpu = process.cpuUsage(cpu0);
    const t = r.throughput;
    const ms = (s: number): number => (1000 * s) / iterations;
    return {
      backend,
      case: run.label,
      batchSize: run.batchSize,
      iterations,
      iterationsPerSecond: t.iterationsPerSecond,
      cpuIterationsPerSecond: iterations / ((cpu.user + cpu.system) / 1e6),
      samplingMsPerIteration: ms(t.samplingSeconds),
      updateMsPerIteration: ms(t.updateSeconds),
      lossMsPerIteration: ms(t.lossSeconds),
      optimiserMsPerIteration: ms(t.optimiserSeconds),
      rowsPerIteration: counting.rows() / iterations,
      peakTensorBytes: peak,
      peakRssBytes: rss,
    };
  } finally {
    run.policy.dispose();
  }
}

/** The environment without exact enumeration: the trainer would otherwise evaluate, which is not training time. */
function withoutExact<S>(env: Environment<S>): Environment<unknown> {
  const { enumerate: _enumerate, trueLogZ: _trueLogZ, ...rest } = env;
  return rest as Environment<unknown>;
}

function hypergridRun(ndim: number, batchSize: number): CaseRun {
  const env = withoutExact(hypergrid({ ndim, height: 8 }));
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
  return { env, policy, label: `hypergrid ${ndim}-D H=8`, batchSize };
}

async function dagRun(): Promise<CaseRun | string> {
  let mod: typeof import('@gflownet/env-dag');
  try {
    mod = await import('@gflownet/env-dag');
  } catch (error) {
    return `@gflownet/env-dag did not load: ${(error as Error).message}`;
  }
  const data = mod.simulateLinearGaussian({ numVariables: 5, numSamples: 100, seed: 0, expectedEdges: 5, noiseStd: 0.1 });
  // Without exact enumeration: the trainer would build the 29,281-DAG evaluator.
  const env = withoutExact(mod.dagEnvironment({ data }));
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
  return { env, policy, label: 'DAG d=5 (BGe)', batchSize: 32 };
}

async function fragmentsCase(backend: string, iterations: number, warmup: number): Promise<BenchCase | string> {
  let mod: typeof import('@gflownet/env-fragments/bench');
  try {
    mod = await import('@gflownet/env-fragments/bench');
  } catch (error) {
    return `@gflownet/env-fragments did not load: ${(error as Error).message}`;
  }
  let rss = 0;
  const timer = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
  }, 50);
  try {
    const r = await mod.benchFragments({ iterations, warmup, batchSize: 16 });
    rss = Math.max(rss, process.memoryUsage.rss());
    return {
      backend,
      case: r.case,
      batchSize: r.batchSize,
      iterations: r.iterations,
      iterationsPerSecond: r.iterationsPerSecond,
      cpuIterationsPerSecond: null,
      samplingMsPerIteration: r.samplingMsPerIteration,
      updateMsPerIteration: r.updateMsPerIteration,
      lossMsPerIteration: null,
      optimiserMsPerIteration: null,
      rowsPerIteration: null,
      peakTensorBytes: r.peakTensorBytes,
      peakRssBytes: rss,
      extra: { rewardEvaluationsPerSecond: r.rewardEvaluationsPerSecond, cachedRewardEvaluationsPerSecond: r.cachedRewardEvaluationsPerSecond },
    };
  } finally {
    clearInterval(timer);
  }
}

const fmt = (v: number | null, digits: number, width: number): string => (v === null ? '-' : v.toFixed(digits)).padStart(width);

function row(c: BenchCase): string {
  const range = c.runs ? `  it/s ${Math.min(...c.runs.map((r) => r.iterationsPerSecond)).toFixed(1)}–${Math.max(...c.runs.map((r) => r.iterationsPerSecond)).toFixed(1)}` : '';
  return `${c.backend.padEnd(11)}${c.case.padEnd(34)}${String(c.batchSize).padStart(6)}${fmt(c.iterationsPerSecond, 1, 9)}${fmt(c.cpuIterationsPerSecond, 1, 9)}${fmt(c.samplingMsPerIteration, 2, 10)}${fmt(c.lossMsPerIteration, 2, 9)}${fmt(c.optimiserMsPerIteration, 2, 8)}${fmt(c.updateMsPerIteration, 2, 10)}${fmt(c.rowsPerIteration, 0, 7)}${fmt(c.peakTensorBytes / 2 ** 20, 1, 10)}${fmt(c.peakRssBytes / 2 ** 20, 0, 8)}${range}`;
}

function list<T extends string>(raw: string, allowed: readonly T[], option: string): T[] {
  const out = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const v of out) if (!allowed.includes(v as T)) throw new UsageError(`--${option}: unknown value "${v}" (available: ${allowed.join(', ')})`);
  return out as T[];
}

/** `gfn bench`. */
export async function benchCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('bench', argv, BENCH_OPTIONS);
  if (options.help) {
    process.stdout.write(`${BENCH_HELP}\n`);
    return;
  }
  const backends = list(String(options.backends), BACKENDS, 'backends') as BackendName[];
  const cases = list(String(options.cases), CASES, 'cases') as CaseName[];
  const batchSizes = String(options['batch-sizes']).split(',').map((s) => Number(s.trim()));
  for (const b of batchSizes) if (!Number.isInteger(b) || b < 1) throw new UsageError(`--batch-sizes: expected positive integers, got "${options['batch-sizes']}"`);
  const wasmThreads = options['wasm-threads'] as number;
  const repeats = options.repeats as number;
  const loadStart = loadavg();
  const measured: BenchCase[] = [];
  const skipped: { backend: string; case: string; reason: string }[] = [];
  process.stdout.write(
    `${'backend'.padEnd(11)}${'case'.padEnd(34)}${'batch'.padStart(6)}${'it/s'.padStart(9)}${'cpu it/s'.padStart(9)}${'sample ms'.padStart(10)}${'loss ms'.padStart(9)}${'opt ms'.padStart(8)}${'update ms'.padStart(10)}${'rows'.padStart(7)}${'tensor MB'.padStart(10)}${'RSS MB'.padStart(8)}\n`,
  );
  for (const name of backends) {
    const label = name === 'wasm' ? `wasm${wasmThreads > 1 ? `×${wasmThreads}` : ''}` : name;
    let backend: string;
    try {
      backend = await selectBackend(name, { wasmThreads });
    } catch (error) {
      // A backend that cannot load here (e.g. tfjs-node not installed) is reported, not fatal.
      const reason = (error as Error).message;
      skipped.push({ backend: label, case: 'all', reason });
      process.stdout.write(`${label.padEnd(11)}skipped: ${reason}\n`);
      continue;
    }
    const slow = name === 'cpu';
    const iterations = slow ? Math.max(1, Math.round((options.iterations as number) / 5)) : (options.iterations as number);
    const warmup = slow ? Math.min(options.warmup as number, 5) : (options.warmup as number);
    const report = (c: BenchCase | string, caseName: string): void => {
      if (typeof c === 'string') {
        skipped.push({ backend: label, case: caseName, reason: c });
        process.stdout.write(`${label.padEnd(11)}${caseName.padEnd(34)} skipped: ${c}\n`);
        return;
      }
      const withBackend = { ...c, backend: label, tfjsBackend: backend };
      measured.push(withBackend);
      process.stdout.write(`${row(withBackend)}\n`);
    };
    for (const caseName of cases) {
      if (caseName === 'hypergrid-2d' || caseName === 'hypergrid-4d') {
        for (const batchSize of batchSizes) {
          report(await repeated(repeats, () => trainCase(label, hypergridRun(caseName === 'hypergrid-2d' ? 2 : 4, batchSize), iterations, warmup)), caseName);
        }
      } else if (caseName === 'dag') {
        report(
          await repeated(repeats, async () => {
            const run = await dagRun();
            return typeof run === 'string' ? run : trainCase(label, run, iterations, warmup);
          }),
          'DAG d=5',
        );
      } else {
        report(await repeated(repeats, () => fragmentsCase(label, Math.max(1, Math.round(iterations / 10)), Math.min(warmup, 5))), 'fragments');
      }
    }
  }
  if (options.out) {
    const cpuList = cpus();
    writeJsonAtomic(options.out as string, {
      date: new Date().toISOString(),
      command: `gfn bench ${argv.join(' ')}`.trim(),
      machine: {
        cpus: cpuList.length,
        cpuModel: cpuList[0]?.model ?? 'unknown',
        node: process.versions.node,
        platform: process.platform,
        // Other processes on the machine slow a run down: the 1-minute load average before and after.
        loadAverage: { start: loadStart[0], end: loadavg()[0] },
        // The bench's scheduling priority (nice value): −20 when run with `nice -n -20` on a shared machine.
        nice: getPriority(),
      },
      settings: { iterations: options.iterations, warmup: options.warmup, wasmThreads, repeats, cpuIterations: 'a fifth', fragmentsIterations: 'a tenth' },
      packageVersions: packageVersions(),
      reference: {
        torchgfn: { 'hypergrid 2-D H=8': 42, 'hypergrid 4-D H=8': 24, note: 'iterations/s, PyTorch 1 thread, batch 16, this machine kind' },
        goal: { 'hypergrid 2-D H=8': 84, 'hypergrid 4-D H=8': 48, note: 'twice torchgfn, batch 16' },
      },
      cases: measured,
      skipped,
    });
    process.stdout.write(`written to ${options.out}\n`);
  }
}
