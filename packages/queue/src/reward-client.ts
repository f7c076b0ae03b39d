import { randomBytes } from 'node:crypto';
import { SettingsError } from '@gflownet/core';
import { Job, Queue } from 'bullmq';
import type { Connection } from './connection.js';
import { redisOptions } from './connection.js';
import { QUEUE_DEFAULTS } from './defaults.js';
import type { JsonValue } from './payload.js';
import { payloadKey, rewardPayload } from './payload.js';
import type { RewardJobData, RewardJobResult } from './protocol.js';
import { checkQueueName, rewardCacheKey } from './protocol.js';

/** Options of {@link queueReward}. */
export interface QueueRewardOptions {
  /** Where Redis is (a URL or ioredis options). */
  readonly connection: Connection;
  /** The queue the workers of this reward listen on (`gfn worker --queue NAME`). */
  readonly queue: string;
  /** States per job (default 32). */
  readonly batchSize?: number;
  /** Longest wait for a batch, from enqueueing to its rewards, retries and stalls included (default 10 min); then the run fails. */
  readonly timeoutMs?: number;
  /** Attempts per batch when the reward throws or returns a bad value (default 3); then the run fails naming the state. */
  readonly attempts?: number;
  /** How often outstanding jobs are looked at (default 25 ms). */
  readonly pollMs?: number;
  /** Connections close after this long with nothing outstanding, and reopen on demand (default 2 s). */
  readonly idleCloseMs?: number;
}

/** Counts of a {@link QueueReward} so far. */
export interface QueueRewardStats {
  /** Rewards asked for. */
  requested: number;
  /** Served by the shared cache (computed earlier, by any client). */
  cacheHits: number;
  /** Jobs enqueued (batches of states not in the cache). */
  jobs: number;
  /** Jobs enqueued again because Redis lost them (a restart without persistence). */
  resubmitted: number;
}

/** A reward computed by workers: call it like a local reward module's `reward(x)`. */
export interface QueueReward {
  /** R(x) of one state; calls made together (in one tick) travel together, `batchSize` per job. */
  (input: unknown): Promise<number>;
  /** R of many states, in order. */
  many(inputs: readonly unknown[]): Promise<number[]>;
  readonly queue: string;
  readonly stats: Readonly<QueueRewardStats>;
  /** Closes the connections; outstanding rewards fail. */
  close(): Promise<void>;
}

interface Waiter {
  readonly key: string;
  readonly payload: JsonValue;
  readonly resolve: (value: number) => void;
  readonly reject: (err: Error) => void;
}

/** A batch on its way: its job id, the states still waiting, its deadline. */
interface Batch {
  readonly id: string;
  waiters: Waiter[];
  data?: RewardJobData;
  added: boolean;
  done: boolean;
  readonly timer: NodeJS.Timeout;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new SettingsError(`queueReward: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/**
 * A reward evaluated by workers anywhere that reach the same Redis (`gfn worker --queue NAME`), with
 * the interface of a local reward function. States are serialised ({@link rewardPayload}), batched,
 * looked up in the queue's shared cache (a Redis hash; duplicates are never computed twice) and the
 * rest sent as BullMQ jobs whose results are matched to the states by job id and position. A batch
 * whose reward throws is retried `attempts` times and then rejects naming the state; a worker that
 * dies mid-batch loses its lock and the batch goes to another worker; a batch lost with a restarted
 * Redis is enqueued again; a batch without a result after `timeoutMs` rejects. Nothing is replaced
 * silently.
 *
 * @example
 * const reward = queueReward({ connection: 'redis://:secret@10.0.0.1:6379', queue: 'docking', batchSize: 16 });
 * const env = fragmentsEnvironment({ reward: rewardFromFunction(reward) });
 */
export function queueReward(options: QueueRewardOptions): QueueReward {
  const name = checkQueueName(options.queue, 'queueReward: queue');
  const connection = redisOptions(options.connection, 'queueReward: connection');
  const batchSize = positiveInt('batchSize', options.batchSize, QUEUE_DEFAULTS.batchSize);
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, QUEUE_DEFAULTS.timeoutMs);
  const attempts = positiveInt('attempts', options.attempts, QUEUE_DEFAULTS.attempts);
  const pollMs = positiveInt('pollMs', options.pollMs, QUEUE_DEFAULTS.pollMs);
  const idleCloseMs = positiveInt('idleCloseMs', options.idleCloseMs, QUEUE_DEFAULTS.idleCloseMs);
  const clientId = randomBytes(6).toString('hex');
  const stats: QueueRewardStats = { requested: 0, cacheHits: 0, jobs: 0, resubmitted: 0 };
  const inFlight = new Map<string, Promise<number>>();
  const batches = new Map<string, Batch>();
  let pending: Waiter[] = [];
  let flushScheduled = false;
  let polling = false;
  let sequence = 0;
  let queue: Queue | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let lastRedisError = '';

  const open = (): Queue => {
    clearTimeout(idleTimer);
    if (!queue) {
      queue = new Queue(name, { connection });
      queue.on('error', (err) => {
        lastRedisError = err.message;
      });
    }
    return queue;
  };
  const idleCheck = (): void => {
    if (batches.size > 0 || pending.length > 0 || !queue) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      const closing = queue;
      queue = undefined;
      void closing?.close().catch(() => {});
    }, idleCloseMs);
    idleTimer.unref();
  };
  const finish = (batch: Batch, outcome: { values: readonly number[] } | { error: Error }): void => {
    if (batch.done) return;
    batch.done = true;
    clearTimeout(batch.timer);
    batches.delete(batch.id);
    batch.waiters.forEach((w, i) => {
      if ('error' in outcome) w.reject(outcome.error);
      else w.resolve(outcome.values[i] as number);
    });
    idleCheck();
  };
  const describe = (batch: Batch): string => {
    const others = batch.waiters.length - 1;
    return `state ${batch.waiters[0]?.key}${others > 0 ? ` (and ${others} more in its batch)` : ''}`;
  };
  const expire = (batch: Batch): void => {
    const redis = lastRedisError ? `; last Redis error: ${lastRedisError}` : '';
    finish(batch, { error: new Error(`reward queue "${name}": no reward for ${describe(batch)} within ${timeoutMs} ms (is a \`gfn worker --queue ${name}\` running and reaching Redis?${redis})`) });
    const q = queue;
    if (batch.added && q) void Job.fromId(q, batch.id).then((job) => job?.remove()).catch(() => {});
  };
  const enqueue = async (q: Queue, batch: Batch): Promise<void> => {
    await q.add('reward', batch.data as RewardJobData, {
      jobId: batch.id,
      attempts,
      backoff: { type: 'fixed', delay: 100 },
      // Kept until this client has read the result (it removes the job then); the age bounds what a client that died leaves.
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
  };

  /** Looks at one batch's job: done, failed, still running, or lost with a restarted Redis. */
  const check = async (q: Queue, batch: Batch): Promise<void> => {
    const job = (await Job.fromId(q, batch.id)) as Job<RewardJobData, RewardJobResult | null> | undefined;
    if (batch.done) return;
    if (!job) {
      stats.resubmitted++;
      await enqueue(q, batch);
      return;
    }
    if (job.finishedOn === undefined) return;
    const values = job.returnvalue?.values;
    if (Array.isArray(values) && values.length === batch.waiters.length && values.every((v) => typeof v === 'number')) finish(batch, { values });
    else {
      const reason = job.failedReason || 'the worker returned no values';
      const what = reason.startsWith('state ') ? reason : `${describe(batch)}: ${reason}`;
      finish(batch, { error: new Error(`reward queue "${name}": ${what} (failed after ${job.attemptsMade} of ${attempts} attempts)`) });
    }
    await job.remove().catch(() => {});
  };
  const poll = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      while (batches.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        const q = open();
        await Promise.all([...batches.values()].filter((b) => b.added).map((b) => check(q, b).catch(() => {})));
      }
    } finally {
      polling = false;
    }
  };

  const submit = async (waiters: Waiter[]): Promise<void> => {
    const batch: Batch = { id: `${clientId}-${++sequence}`, waiters, added: false, done: false, timer: setTimeout(() => expire(batch), timeoutMs) };
    batches.set(batch.id, batch);
    try {
      const q = open();
      const cached = await (await q.client).hmget(rewardCacheKey(name), ...waiters.map((w) => w.key));
      if (batch.done) return;
      batch.waiters = waiters.filter((w, i) => {
        const hit = cached[i];
        if (hit === null || hit === undefined) return true;
        stats.cacheHits++;
        w.resolve(Number(hit));
        return false;
      });
      if (batch.waiters.length === 0) return finish(batch, { values: [] });
      batch.data = { items: batch.waiters.map((w) => ({ key: w.key, input: w.payload })) };
      await enqueue(q, batch);
      stats.jobs++;
      batch.added = true;
      // Timed out while Redis was away: the job is not wanted any more.
      if (batch.done) return void Job.fromId(q, batch.id).then((job) => job?.remove()).catch(() => {});
      void poll();
    } catch (err) {
      finish(batch, { error: new Error(`reward queue "${name}": ${describe(batch)}: ${(err as Error).message}`) });
    }
  };
  const flush = (): void => {
    flushScheduled = false;
    while (pending.length > 0) void submit(pending.splice(0, batchSize));
  };

  const request = (input: unknown): Promise<number> => {
    stats.requested++;
    let payload: JsonValue;
    try {
      payload = rewardPayload(input);
    } catch (err) {
      return Promise.reject(err);
    }
    const key = payloadKey(payload);
    const known = inFlight.get(key);
    if (known) return known;
    const promise = new Promise<number>((resolve, reject) => pending.push({ key, payload, resolve, reject }));
    inFlight.set(key, promise);
    promise.then(
      () => inFlight.delete(key),
      () => inFlight.delete(key),
    );
    if (pending.length >= batchSize) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return promise;
  };

  return Object.assign(request, {
    many: (inputs: readonly unknown[]) => Promise.all(inputs.map(request)),
    queue: name,
    stats,
    async close(): Promise<void> {
      clearTimeout(idleTimer);
      for (const batch of [...batches.values()]) finish(batch, { error: new Error(`reward queue "${name}": closed with ${describe(batch)} outstanding`) });
      pending = [];
      const closing = queue;
      queue = undefined;
      await closing?.close();
    },
  });
}
