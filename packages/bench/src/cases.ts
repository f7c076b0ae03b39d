import type { Environment, Objective, Policy, Sampler, TrajectoryBatch } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import type { IterationFlops } from './flops.js';
import { batchRows, iterationFlops, mlpShape } from './flops.js';

/** One measured case (a row of the table and an entry of `cases` in the JSON figures). */
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
  /**
   * Mean FLOPs per iteration of the dense layers and the optimiser (see {@link IterationFlops}),
   * counted from the rows the networks ran on; null where the policy is not an MLP or the case does not count.
   */
  readonly flopsPerIteration: IterationFlops | null;
  /** Achieved GFLOP/s: all counted FLOPs over sampling + update time, and per phase; null without a count. */
  readonly gflopsPerSecond?: { readonly total: number; readonly sampling: number; readonly loss: number } | null;
  /** `gflopsPerSecond.total` over the backend's measured matMul peak (see `peaks` in the JSON). */
  readonly fractionOfPeak?: number | null;
  /** Anything else the case measured (e.g. reward evaluations/s). */
  readonly extra?: Record<string, number>;
  /** With `--repeats`: the iterations/s of every run (wall clock and CPU time), in run order. */
  readonly runs?: { readonly iterationsPerSecond: number; readonly cpuIterationsPerSecond: number | null }[];
}

/** Runs a case `repeats` times and keeps the run with the median wall-clock rate, listing all of them. */
export async function repeated(repeats: number, once: () => Promise<BenchCase | string>): Promise<BenchCase | string> {
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

/** An environment and a fresh policy to train on it. */
export interface CaseRun {
  readonly env: Environment<unknown>;
  readonly policy: Policy;
  readonly label: string;
  readonly batchSize: number;
}

/** Counts the rows of every batch the wrapped sampler hands out, and keeps the last batch. */
function countingSampler(inner: Sampler): { sampler: Sampler; rows: () => number; reset: () => void; last: () => TrajectoryBatch | undefined } {
  let rows = 0;
  let last: TrajectoryBatch | undefined;
  const sampler: Sampler = {
    ...inner,
    sample: async (request) => {
      const batch = await inner.sample(request);
      rows += batch.numRows;
      last = batch;
      return batch;
    },
  };
  return { sampler, rows: () => rows, reset: () => (rows = 0), last: () => last };
}

/** TB training on the run's environment and policy (disposed at the end), timed by the trainer. */
export async function trainCase(backend: string, run: CaseRun, iterations: number, warmup: number): Promise<BenchCase> {
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
    // TB never evaluates a flow head.
    const shape = mlpShape(run.policy, { flow: false });
    const flops = { sampling: 0, loss: 0, optimiser: 0 };
    const cpu0 = process.cpuUsage();
    const r = await train({
      ...common,
      iterations,
      evalEvery: iterations,
      // Runs outside the trainer's timed sections: counting costs no measured time.
      onIteration: () => {
        peak = Math.max(peak, tf.memory().numBytes);
        rss = Math.max(rss, process.memoryUsage.rss());
        const batch = counting.last();
        if (shape && batch) {
          const f = iterationFlops(shape, batchRows(batch));
          flops.sampling += f.sampling;
          flops.loss += f.loss;
          flops.optimiser += f.optimiser;
        }
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
      flopsPerIteration: shape ? { sampling: flops.sampling / iterations, loss: flops.loss / iterations, optimiser: flops.optimiser / iterations } : null,
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

/** Hypergrid `ndim`-D with H = 8 and the default 2×256 MLP. */
export function hypergridRun(ndim: number, batchSize: number): CaseRun {
  const env = withoutExact(hypergrid({ ndim, height: 8 }));
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
  return { env, policy, label: `hypergrid ${ndim}-D H=8`, batchSize };
}

/**
 * DAG structure learning on simulated data (d = 5, BGe), batch 32; a string when the environment does not
 * load. `policy`: the default 2×256 MLP, the paper's parameterisation as a 128×128 MLP with a sigmoid stop
 * head and uniform P_B (`paper-mlp`), or the paper's graph network (`gnn`).
 */
export async function dagRun(policy: 'default' | 'paper-mlp' | 'gnn' = 'default'): Promise<CaseRun | string> {
  let mod: typeof import('@gflownet/env-dag');
  try {
    mod = await import('@gflownet/env-dag');
  } catch (error) {
    return `@gflownet/env-dag did not load: ${(error as Error).message}`;
  }
  const data = mod.simulateLinearGaussian({ numVariables: 5, numSamples: 100, seed: 0, expectedEdges: 5, noiseStd: 0.1 });
  // Without exact enumeration: the trainer would build the 29,281-DAG evaluator.
  const env = withoutExact(mod.dagEnvironment({ data }));
  const sizes = { featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 };
  if (policy === 'gnn') {
    const { dagGnnPolicy } = await import('@gflownet/estimator-dag-gnn');
    return { env, policy: dagGnnPolicy({ numVariables: 5, seed: 0 }), label: 'DAG d=5, paper GNN', batchSize: 32 };
  }
  if (policy === 'paper-mlp') {
    const full = mod.dagEnvironment({ data });
    const forwardMask = (f: Float32Array, n: number): Uint8Array => full.forwardMask({ data: Uint8Array.from(f), width: full.featureSize, n } as never);
    const p = mlpPolicy({ ...sizes, hidden: [128, 128], backward: 'uniform', stopHead: 'sigmoid', forwardMask });
    return { env, policy: p, label: 'DAG d=5, MLP 128² sigmoid stop', batchSize: 32 };
  }
  return { env, policy: mlpPolicy(sizes), label: 'DAG d=5 (BGe)', batchSize: 32 };
}

/** Fragment molecules (batch 16) through {@link benchFragments}; a string when RDKit does not load. */
export async function fragmentsCase(backend: string, iterations: number, warmup: number): Promise<BenchCase | string> {
  let mod: typeof import('./fragments.js');
  try {
    mod = await import('./fragments.js');
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
      flopsPerIteration: null,
      extra: { rewardEvaluationsPerSecond: r.rewardEvaluationsPerSecond, cachedRewardEvaluationsPerSecond: r.cachedRewardEvaluationsPerSecond },
    };
  } finally {
    clearInterval(timer);
  }
}
