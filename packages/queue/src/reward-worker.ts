import type { WorkerOptions } from 'bullmq';
import { Worker } from 'bullmq';
import type { Connection } from './connection.js';
import { redisOptions } from './connection.js';
import { QUEUE_DEFAULTS } from './defaults.js';
import { workerInput } from './payload.js';
import type { RewardJobData, RewardJobResult } from './protocol.js';
import { checkQueueName, checkReward, rewardCacheKey } from './protocol.js';
import type { WorkerReward } from './worker-reward.js';

/** How BullMQ hands out and takes back jobs (shared by reward and run workers). */
export interface WorkerTuning {
  /** Jobs at a time in this process (default 1). */
  readonly concurrency?: number;
  /** Lock of a job, renewed while it runs; a job whose lock expires (its worker died) goes to another worker (default 30 s). */
  readonly lockMs?: number;
  /** How often stalled jobs are looked for (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Progress and problems, one line each (default: nothing). */
  readonly log?: (line: string) => void;
}

/** Options of {@link startRewardWorker}. */
export interface RewardWorkerOptions extends WorkerTuning {
  readonly connection: Connection;
  readonly queue: string;
  readonly reward: WorkerReward;
}

/** BullMQ worker options from {@link WorkerTuning}. */
export function workerSettings(connection: Connection, tuning: WorkerTuning): Pick<WorkerOptions, 'connection' | 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    connection: redisOptions(connection),
    concurrency: tuning.concurrency ?? QUEUE_DEFAULTS.concurrency,
    lockDuration: tuning.lockMs ?? QUEUE_DEFAULTS.lockMs,
    stalledInterval: tuning.stalledIntervalMs ?? QUEUE_DEFAULTS.stalledIntervalMs,
    maxStalledCount: QUEUE_DEFAULTS.maxStalledCount,
  };
}

/** Logs a worker's errors (a lost connection repeats its error every reconnect: each message once a minute). */
export function logErrors(worker: Worker, log: (line: string) => void): void {
  const seen = new Map<string, number>();
  worker.on('error', (err) => {
    const now = Date.now();
    if ((seen.get(err.message) ?? 0) > now - 60_000) return;
    seen.set(err.message, now);
    log(`${worker.name}: ${err.message}`);
  });
}

/** R of the items still to compute, each validated; `done(j, R)` as each is known, so a failure or a kill keeps the others. */
async function evaluate(reward: WorkerReward, inputs: readonly unknown[], keys: readonly string[], done: (j: number, value: number) => Promise<void>): Promise<void> {
  const fail = (j: number, err: unknown): never => {
    const message = (err as Error)?.message ?? String(err);
    throw new Error(message.startsWith('state ') ? message : `state ${keys[j]}: ${message}`);
  };
  if (reward.many) {
    try {
      const values = await reward.many(inputs);
      if (values.length !== inputs.length) throw new Error(`reward ${reward.name} returned ${values.length} values for ${inputs.length} states`);
      const checked = Array.from(values, (v, j) => checkReward(v, keys[j] as string));
      for (let j = 0; j < checked.length; j++) await done(j, checked[j] as number);
      return;
    } catch {
      // Which state? One at a time, to name it.
      for (let j = 0; j < inputs.length; j++) await done(j, checkReward(Array.from(await reward.many([inputs[j]]).catch((err) => fail(j, err)))[0], keys[j] as string));
      return;
    }
  }
  const one = reward.one as NonNullable<WorkerReward['one']>;
  for (let j = 0; j < inputs.length; j++) {
    const value = await Promise.resolve(inputs[j]).then(one).catch((err) => fail(j, err));
    await done(j, checkReward(value, keys[j] as string));
  }
}

/**
 * A worker of a reward queue: takes batches of states, computes R of those not in the shared cache,
 * stores them there and returns R of every state in order. A state whose reward throws or is not a
 * finite number > 0 fails the job with the state's key (BullMQ retries it; the values computed before
 * it, by this attempt or by a worker that died, are kept in the cache). Close it to stop after the jobs in hand.
 */
export function startRewardWorker(options: RewardWorkerOptions): Worker<RewardJobData, RewardJobResult> {
  const queue = checkQueueName(options.queue, '--queue');
  const log = options.log ?? (() => {});
  let rdkit: Promise<unknown> | undefined;
  const loadRdkit = (): Promise<unknown> => {
    rdkit ??= import('@gflownet/env-fragments').then((m) => m.loadRDKit());
    return rdkit;
  };
  const worker: Worker<RewardJobData, RewardJobResult> = new Worker<RewardJobData, RewardJobResult>(
    queue,
    async (job) => {
      const started = performance.now();
      const items = job.data.items;
      const redis = await worker.client;
      const cached = await redis.hmget(rewardCacheKey(queue), ...items.map((item) => item.key));
      const values = cached.map((v) => (v === null ? Number.NaN : Number(v)));
      const todo = items.flatMap((_, i) => (cached[i] === null ? [i] : []));
      const inputs = await Promise.all(todo.map((i) => workerInput(items[i]?.input ?? null, loadRdkit)));
      // Each reward goes into the shared cache as soon as it is known: a retry after a failure or a kill computes only the rest.
      await evaluate(options.reward, inputs, todo.map((i) => items[i]?.key as string), async (j, value) => {
        const i = todo[j] as number;
        values[i] = value;
        await redis.hset(rewardCacheKey(queue), { [items[i]?.key as string]: String(value) });
      });
      const stalls = job.stalledCounter > 0 ? `, after ${job.stalledCounter} stall(s): an earlier worker died or hung` : '';
      log(`${queue}: job ${job.id}: ${items.length} states (${todo.length} computed) in ${Math.round(performance.now() - started)} ms (attempt ${job.attemptsMade + 1}${stalls})`);
      return { values };
    },
    workerSettings(options.connection, options),
  );
  logErrors(worker, log);
  worker.on('failed', (job, err) => log(`${queue}: job ${job?.id} attempt ${job?.attemptsMade ?? '?'} failed: ${err.message}`));
  return worker;
}
