import { SettingsError } from '@gflownet/core';
import type { RunConfig } from '@gflownet/experiment';
import type { JsonValue } from './payload.js';

/** One state of a reward job: its key (the cache key, named in errors) and its payload. */
export interface RewardItem {
  readonly key: string;
  readonly input: JsonValue;
}

/** The data of a reward job: a batch of states. */
export interface RewardJobData {
  readonly items: readonly RewardItem[];
}

/** What a worker returns for a reward job: R of each item, in order. */
export interface RewardJobResult {
  readonly values: readonly number[];
}

/** BullMQ's key prefix (its default). */
const PREFIX = 'bull';

/** The Redis hash of a reward queue's computed rewards, state key → R, shared by every client and worker. */
export function rewardCacheKey(queue: string): string {
  return `${PREFIX}:${queue}:reward-cache`;
}

/** A queue name BullMQ accepts (no colon, which separates its keys), or a {@link SettingsError} naming `what`. */
export function checkQueueName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw new SettingsError(`${what} must be a queue name of letters, digits, "_", "." and "-", got ${JSON.stringify(name)}`);
  return name;
}

/** R must be a finite number > 0: anything else is the state's failure, never a value passed on. */
export function checkReward(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`state ${key}: the reward is ${String(value)}; it must be a finite number > 0`);
  }
  return value;
}

/** The data of a sweep-run job: which run, its config, and the shared directory its files go to. */
export interface RunJobData {
  readonly id: string;
  readonly label: string;
  readonly dir: string;
  readonly config: RunConfig;
  readonly checkpointEvery: number;
}

/** What a run job returns. */
export interface RunJobResult {
  readonly id: string;
  /** `finished` by this job, or `already-finished` (its results were there, e.g. from another worker). */
  readonly outcome: 'finished' | 'already-finished';
}

/** Progress a run job reports (shown by `gfn sweep --status`). */
export interface RunProgress {
  readonly iteration: number;
  readonly iterations: number;
}
