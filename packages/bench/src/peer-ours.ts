// One cell of `pnpm bench:peer` on our side, in its own process as torchgfn's is: TB on hypergrid with
// 2×256 MLPs and a learned P_B, evaluated every `evalEvery` iterations as torchgfn's script validates.
// One trainer on a wasm backend of `wasmThreads` threads, or, with `threads` > 1, the experiment layer's
// data-parallel run over that many threads (one wasm thread each; the same defaults); `gemm` chooses what
// multiplies matrices on wasm.
// Prints `GFN_PEER_RESULT {json}`: iterations/s from the start of iteration `warmup` to the end of
// training (the final evaluation included).
import type { GemmKernel } from '@gflownet/backend-wasm';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { runExperiment } from '@gflownet/experiment';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import { selectBenchBackend } from './backends.js';

interface Cell {
  readonly ndim: number;
  readonly height: number;
  readonly batchSize: number;
  readonly warmup: number;
  readonly iterations: number;
  readonly evalEvery: number;
  readonly wasmThreads: number;
  readonly threads: number;
  readonly gemm?: GemmKernel;
}

const cell = JSON.parse(process.argv[2] ?? '{}') as Cell;
const total = cell.warmup + cell.iterations;
let start = 0;
let end = 0;
const onIteration = ({ iteration }: { iteration: number }): void => {
  if (iteration === cell.warmup) start = performance.now();
};
const onEvaluation = ({ iteration }: { iteration: number }): void => {
  if (iteration === total) end = performance.now();
};
let l1: number | null = null;
if (cell.threads > 1) {
  const config = {
    env: { name: 'hypergrid', ndim: cell.ndim, height: cell.height },
    objective: { name: 'tb' as const },
    budget: { iterations: total, batchSize: cell.batchSize },
    evaluation: { evalEvery: cell.evalEvery },
    threads: cell.threads,
    ...(cell.gemm ? { wasmGemm: cell.gemm } : {}),
  };
  const run = await runExperiment(config, { log: () => {}, warn: () => {}, onIteration, onEvaluation });
  l1 = run.result.exact?.l1 ?? null;
} else {
  await selectBenchBackend('wasm', cell.wasmThreads, cell.gemm);
  const env = hypergrid({ ndim: cell.ndim, height: cell.height });
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
  const result = await train({
    env,
    policy,
    objective: trajectoryBalanceObjective(),
    sampler: onPolicySampler(),
    batchSize: cell.batchSize,
    iterations: total,
    evalEvery: cell.evalEvery,
    seed: 0,
    onIteration,
    onEvaluation,
  });
  l1 = result.exact?.l1 ?? null;
}
const seconds = (end - start) / 1000;
// Exit explicitly: the threaded wasm backend's worker threads would keep the process alive.
process.stdout.write(`GFN_PEER_RESULT ${JSON.stringify({ iterationsPerSecond: cell.iterations / seconds, iterations: cell.iterations, l1 })}\n`, () => process.exit(0));
