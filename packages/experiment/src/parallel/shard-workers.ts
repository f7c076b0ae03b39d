import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Objective, Policy } from '@gflownet/core';
import type { ParallelTraining, RemoteShards, ShardOutcome, ShardSpec } from '@gflownet/trainer';
import type { RunConfig } from '../config.js';
import { shardUnit } from './split.js';

/**
 * What the main thread sends a shard worker: the parameters, and arrays for the gradients (those of
 * its previous reply). Both travel back with the reply, so that no step allocates them anew.
 */
export type ShardRequest = {
  readonly kind: 'step';
  readonly iteration: number;
  readonly parameters: Float32Array;
  readonly spares: readonly Float32Array[];
  readonly shards: readonly ShardSpec[];
};

/** What a shard worker answers. */
export type ShardReply =
  | { readonly kind: 'ready'; readonly sizes: readonly number[] }
  | { readonly kind: 'done'; readonly outcomes: ShardOutcome[]; readonly parameters: Float32Array; readonly numTensors: number }
  | { readonly kind: 'error'; readonly message: string };

/** Worker threads computing shards of a run, built from its run config. */
export interface ShardWorkers extends RemoteShards {
  /** Tensors held by each worker after its last step (flat over a run; for leak checks). */
  readonly numTensors: readonly number[];
  /** Stops the workers (at once; safe to call twice). */
  close(): Promise<void>;
}

/**
 * How to start the worker. From the built package: its module. From sources (tests, `pnpm gfn`): a
 * bootstrap that registers tsx first (a worker does not inherit the main thread's loader hooks) and
 * resolves the workspace packages to their sources, as the main thread does.
 */
function workerScript(): { script: string | URL; eval: boolean; execArgv?: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { script: new URL('./shard-worker.js', import.meta.url), eval: false };
  const tsx = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(tsx), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./shard-worker.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { script, eval: true, execArgv: ['--conditions=@gflownet/source'] };
}

/** One worker, answering one request at a time. */
class ShardWorker {
  private readonly worker: Worker;
  private pending: { resolve: (reply: ShardReply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;
  /** Replies that came before anyone waited for them (the first `ready`). */
  private readonly unclaimed: ShardReply[] = [];
  /** The parameters' array, back from the worker. */
  private parameters: Float32Array | undefined;
  /** The gradient arrays of the last reply: free again once the trainer has combined them. */
  private spares: Float32Array[] = [];

  constructor(
    readonly index: number,
    config: RunConfig,
  ) {
    const { script, eval: isEval, execArgv } = workerScript();
    this.worker = new Worker(script, { eval: isEval, workerData: { config }, ...(execArgv ? { execArgv } : {}) });
    this.worker.on('message', (reply: ShardReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.kind === 'error') this.fail(new Error(`thread ${index}: ${reply.message}`), pending);
      else if (pending) pending.resolve(reply);
      else this.unclaimed.push(reply);
    });
    this.worker.on('error', (error: Error) => this.fail(new Error(`thread ${index}: ${firstLine(error.message)}`), this.pending));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`thread ${index} stopped unexpectedly (exit code ${code})`), this.pending);
    });
  }

  private fail(error: Error, pending: ShardWorker['pending']): void {
    this.failure ??= error;
    this.pending = undefined;
    pending?.reject(this.failure);
  }

  /** Sends a step (copying `parameters` before it returns) and resolves with the shards' outcomes. */
  async step(iteration: number, parameters: Float32Array, shards: ShardSpec[]): Promise<{ outcomes: ShardOutcome[]; numTensors: number }> {
    const own = this.parameters?.length === parameters.length ? this.parameters : new Float32Array(parameters.length);
    own.set(parameters);
    const spares = this.spares;
    this.parameters = undefined;
    this.spares = [];
    const reply = await this.reply({ kind: 'step', iteration, parameters: own, spares, shards }, [own, ...spares].map((a) => a.buffer as ArrayBuffer));
    if (reply.kind !== 'done') throw new Error(`thread ${this.index} answered ${reply.kind} to a step`);
    this.parameters = reply.parameters;
    this.spares = reply.outcomes.map((o) => o.gradients);
    return reply;
  }

  /** The next reply (the one to a request just sent, or the worker's first, `ready`). */
  reply(request?: ShardRequest, transfer: ArrayBuffer[] = []): Promise<ShardReply> {
    if (this.failure) return Promise.reject(this.failure);
    const early = request ? undefined : this.unclaimed.shift();
    if (early) return Promise.resolve(early);
    const answer = new Promise<ShardReply>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    if (request) this.worker.postMessage(request, transfer);
    return answer;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * Starts `count` worker threads that each build the run's environment, policy, objective and sampler
 * from its config, and then compute the shards they are sent. Shards go to the workers in turn
 * (shard k to worker (k − 1) mod count); replies come back in shard order.
 */
export async function startShardWorkers(config: RunConfig, count: number, expectedSizes: readonly number[]): Promise<ShardWorkers> {
  const workers = Array.from({ length: count }, (_, i) => new ShardWorker(i + 1, config));
  const numTensors = new Array<number>(count).fill(0);
  const close = async () => {
    await Promise.all(workers.map((w) => w.close()));
  };
  try {
    const ready = await Promise.all(workers.map((w) => w.reply()));
    for (const reply of ready) {
      if (reply.kind !== 'ready' || JSON.stringify(reply.sizes) !== JSON.stringify(expectedSizes)) {
        throw new Error(`a thread built parameters of sizes ${JSON.stringify(reply.kind === 'ready' ? reply.sizes : [])}, this thread ${JSON.stringify(expectedSizes)}`);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    numTensors,
    close,
    async compute(iteration, parameters, shards) {
      const assigned = workers.map((_, w) => shards.filter((_, k) => k % count === w));
      // Every step is sent (and `parameters` copied) before the first await.
      const replies = workers.map((worker, w) => ((assigned[w] as ShardSpec[]).length === 0 ? undefined : worker.step(iteration, parameters, assigned[w] as ShardSpec[])));
      const done = await Promise.all(replies);
      const byWorker = done.map((reply, w) => {
        if (reply === undefined) return [];
        numTensors[w] = reply.numTensors;
        return reply.outcomes;
      });
      return shards.map((_, k) => byWorker[k % count]?.[Math.floor(k / count)] as ShardOutcome);
    },
  };
}

/**
 * Runs `run` with the run's threads: none for 1 thread; otherwise `threads − 1` workers, stopped when
 * `run` ends (whatever way it ends), and the `parallel` option of `train` that uses them.
 */
export async function withThreads<T>(config: RunConfig, policy: Policy, objective: Objective, run: (parallel?: ParallelTraining) => Promise<T>): Promise<T> {
  if (config.threads === 1) return run();
  const unit = shardUnit(config.objective);
  if (typeof unit !== 'string') throw new Error(unit.reason);
  const sizes = [...Object.values(policy.parameters()).flat().map((v) => v.size), ...(objective.requires.logZ ? [1] : [])];
  const workers = await startShardWorkers(config, config.threads - 1, sizes);
  try {
    return await run({ threads: config.threads, unit, remote: workers });
  } finally {
    await workers.close();
  }
}
