/**
 * A reward module (`gfn train --reward-module <this file>`, `env.rewardModule` of a run config) whose
 * rewards come from a queue: the run sends its states to the workers of `GFN_QUEUE` on the Redis of
 * `GFN_QUEUE_URL` (`gfn worker --queue NAME …` on any machine that reaches it). Optional:
 * `GFN_QUEUE_BATCH_SIZE`, `GFN_QUEUE_TIMEOUT_MS`, `GFN_QUEUE_ATTEMPTS`. Environment variables, so the
 * password in the URL stays off command lines and out of results files, and so the run config (which
 * records only this module's path) reads the same on every machine.
 */
import { SettingsError } from '@gflownet/core';
import { redisUrl } from './connection.js';
import { QUEUE_ENV } from './defaults.js';
import type { QueueReward, QueueRewardOptions } from './reward-client.js';
import { queueReward } from './reward-client.js';

const clients = new Map<string, QueueReward>();

function intVariable(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 1) throw new SettingsError(`${name} must be a positive integer, got "${raw}"`);
  return v;
}

/** The queue reward the environment variables describe (one per distinct setting, made on first use). */
export function queueRewardFromEnvironment(): QueueReward {
  const queue = process.env[QUEUE_ENV.queue];
  if (!queue) throw new SettingsError(`${QUEUE_ENV.queue} is not set: name the reward queue the workers listen on (gfn worker --queue NAME)`);
  const batchSize = intVariable(QUEUE_ENV.batchSize);
  const timeoutMs = intVariable(QUEUE_ENV.timeoutMs);
  const attempts = intVariable(QUEUE_ENV.attempts);
  const options: QueueRewardOptions = {
    connection: redisUrl(undefined),
    queue,
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
  };
  const id = JSON.stringify(options);
  let client = clients.get(id);
  if (!client) {
    client = queueReward(options);
    clients.set(id, client);
  }
  return client;
}

// Checked as the module loads, so a missing setting stops the run before it starts.
queueRewardFromEnvironment();

/** R(x) of one state, from the queue's workers. */
export function reward(input: unknown): Promise<number> {
  return queueRewardFromEnvironment()(input);
}

/** Closes every queue reward this module made (they also close by themselves when idle). */
export async function closeQueueRewards(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.close()));
}
