// One cell of `pnpm bench:peer` on our side, in its own process as torchgfn's is: TB on hypergrid with
// 2×256 MLPs and a learned P_B, evaluated every `evalEvery` iterations as torchgfn's script validates.
// Prints `GFN_PEER_RESULT {json}`: iterations/s from the start of iteration `warmup` to the end of training.
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
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
}

const cell = JSON.parse(process.argv[2] ?? '{}') as Cell;
await selectBenchBackend('wasm', cell.wasmThreads);
const env = hypergrid({ ndim: cell.ndim, height: cell.height });
const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, seed: 0 });
let start = 0;
const total = cell.warmup + cell.iterations;
const result = await train({
  env,
  policy,
  objective: trajectoryBalanceObjective(),
  sampler: onPolicySampler(),
  batchSize: cell.batchSize,
  iterations: total,
  evalEvery: cell.evalEvery,
  seed: 0,
  onIteration: ({ iteration }) => {
    if (iteration === cell.warmup) start = performance.now();
  },
});
const seconds = (performance.now() - start) / 1000;
// Exit explicitly: the threaded wasm backend's worker threads would keep the process alive.
process.stdout.write(`GFN_PEER_RESULT ${JSON.stringify({ iterationsPerSecond: cell.iterations / seconds, iterations: cell.iterations, l1: result.exact?.l1 ?? null })}\n`, () => process.exit(0));
