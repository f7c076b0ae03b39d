import { join } from 'node:path';
import { SettingsError } from '@gflownet/core';
import type { BackendName } from '@gflownet/experiment';
import { BACKEND_NAMES, RunConfigSchema, writeJsonAtomic } from '@gflownet/experiment';
import { Queue } from 'bullmq';
import { checkReachable, describeConnection, redisOptions, redisUrl } from './connection.js';
import { QUEUE_DEFAULTS, QUEUE_ENV } from './defaults.js';
import { startRewardWorker } from './reward-worker.js';
import { startRunWorker } from './run-worker.js';
import { formatStatus, submitSweep, sweepStatus, waitForSweep, writeSweepReport } from './sweep.js';
import { expandSweep, readSweepFile } from './sweep-spec.js';
import { workerReward } from './worker-reward.js';

/** One command-line option (the shape `gfn`'s option parser reads). */
export interface CommandOption {
  readonly type: 'int' | 'number' | 'string' | 'boolean';
  readonly choices?: readonly string[];
  readonly help: string;
  readonly default?: string | number | boolean;
}

/** A command's usage, summary and options, for `gfn` to parse and to print as help. */
export interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, CommandOption>>;
}

/** Options as parsed: raw strings for values, booleans for flags. */
export type GivenOptions = Readonly<Record<string, string | boolean>>;

const redisOption: CommandOption = { type: 'string', help: `Redis URL redis://[user:password@]host[:port][/db] (default: $${QUEUE_ENV.url}, else ${QUEUE_DEFAULTS.redisUrl}; prefer the variable for a password)` };

export const WORKER_COMMAND: CommandSpec = {
  usage: 'gfn worker --queue NAME (--reward seh|qed | --reward-module PATH) [--concurrency N] [--redis URL]\n       gfn worker --runs [--queue NAME] [--concurrency N] [--redis URL]',
  summary:
    'Serves a queue on Redis until SIGINT/SIGTERM, on any machine that reaches it: computes the rewards that runs send (a run points --reward-module at the reward-module of @gflownet/queue; see docs/scale-out.md), or with --runs executes the runs of `gfn sweep`.',
  options: {
    queue: { type: 'string', help: `The queue: the reward queue the runs name in ${QUEUE_ENV.queue} (required for rewards), or the runs queue with --runs (default: ${QUEUE_DEFAULTS.runsQueue})` },
    reward: { type: 'string', choices: ['seh', 'qed'], help: 'A built-in molecule reward of --env fragments: the sEH proxy or QED' },
    'reward-module': { type: 'string', help: 'A reward module (exporting reward(x), R > 0), the same file a local run loads with --reward-module' },
    beta: { type: 'number', help: 'Reward exponent β of --reward seh|qed (default: theirs, 10)' },
    backend: { type: 'string', choices: BACKEND_NAMES, help: `tfjs backend of the sEH proxy (default: ${RunConfigSchema.parse({}).backend})` },
    runs: { type: 'boolean', help: 'Execute sweep runs (of `gfn sweep`) instead of rewards' },
    concurrency: { type: 'int', default: QUEUE_DEFAULTS.concurrency, help: 'Jobs at a time in this process (reward batches, or runs)' },
    redis: redisOption,
    'lock-ms': { type: 'int', default: QUEUE_DEFAULTS.lockMs, help: 'A job whose worker stops renewing its lock for this long (the worker died) goes to another worker' },
    'stalled-interval-ms': { type: 'int', default: QUEUE_DEFAULTS.stalledIntervalMs, help: 'How often this worker looks for such stalled jobs' },
    quiet: { type: 'boolean', help: 'No progress output' },
  },
};

export const SWEEP_COMMAND: CommandSpec = {
  usage: 'gfn sweep --config sweep.json [--status] [--no-wait] [--redis URL] [--queue NAME]',
  summary:
    'Expands a sweep file ({"dir", "base": run config, "grid": {"optimizer.lr": [...], "seed": [...]}, "checkpointEvery"?, "attempts"?}) into runs, queues each unfinished one once (id: a hash of its resolved config) for `gfn worker --runs`, waits, and writes DIR/results.md, DIR/curves.svg and DIR/jsd.svg (the tables and plots of gfn compare). Run it again to go on after an interruption: finished runs are skipped, interrupted ones resume from their checkpoints.',
  options: {
    config: { type: 'string', help: 'The sweep file (required)' },
    status: { type: 'boolean', help: 'Print where each run stands (finished, running at iteration k, waiting, failed, not queued) and exit' },
    wait: { type: 'boolean', default: true, help: 'Wait for the runs and write the report (--no-wait: queue them and exit)' },
    queue: { type: 'string', default: QUEUE_DEFAULTS.runsQueue, help: 'The runs queue' },
    redis: redisOption,
    quiet: { type: 'boolean', help: 'No progress output' },
  },
};

const text = (given: GivenOptions, name: string): string | undefined => (typeof given[name] === 'string' ? (given[name] as string) : undefined);

function int(given: GivenOptions, name: string, fallback: number, min: number, max: number): number {
  const raw = text(given, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(v)) throw new SettingsError(`--${name} expects an integer, got "${raw}"`);
  if (v < min || v > max) throw new SettingsError(`--${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

function choice<T extends string>(given: GivenOptions, name: string, choices: readonly T[]): T | undefined {
  const raw = text(given, name);
  if (raw !== undefined && !(choices as readonly string[]).includes(raw)) throw new SettingsError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T | undefined;
}

/** Resolves on SIGINT or SIGTERM (a second one exits at once), or when `signal` aborts. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    signal?.addEventListener('abort', onSignal, { once: true });
  });
}

/** `gfn worker`: serves a reward queue, or sweep runs with `--runs`, until stopped. */
export async function workerMain(given: GivenOptions, control: { readonly signal?: AbortSignal } = {}): Promise<number> {
  const say = given.quiet === true ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const connection = redisOptions(redisUrl(text(given, 'redis')), '--redis');
  const tuning = {
    concurrency: int(given, 'concurrency', QUEUE_DEFAULTS.concurrency, 1, 1024),
    lockMs: int(given, 'lock-ms', QUEUE_DEFAULTS.lockMs, 100, 24 * 3600_000),
    stalledIntervalMs: int(given, 'stalled-interval-ms', QUEUE_DEFAULTS.stalledIntervalMs, 100, 24 * 3600_000),
    log: say,
  };
  let stop: () => Promise<void>;
  if (given.runs === true) {
    for (const o of ['reward', 'reward-module', 'beta', 'backend']) if (given[o] !== undefined) throw new SettingsError(`--${o} is an option of reward workers, not of --runs`);
    const queue = text(given, 'queue') ?? QUEUE_DEFAULTS.runsQueue;
    await checkReachable(connection);
    stop = startRunWorker({ connection, queue, ...tuning }).stop;
    say(`worker ${process.pid}: sweep runs of queue ${queue} on ${describeConnection(connection)}, ${tuning.concurrency} at a time`);
  } else {
    const queue = text(given, 'queue');
    if (queue === undefined) throw new SettingsError('--queue is required (the reward queue; or --runs for sweep runs)');
    const betaText = text(given, 'beta');
    const beta = betaText === undefined ? undefined : Number(betaText);
    if (beta !== undefined && !(Number.isFinite(beta) && beta > 0)) throw new SettingsError(`--beta must be a positive number, got "${betaText}"`);
    const reward = await workerReward({ reward: choice(given, 'reward', ['seh', 'qed'] as const), rewardModule: text(given, 'reward-module'), beta, backend: choice<BackendName>(given, 'backend', BACKEND_NAMES) });
    await checkReachable(connection);
    const worker = startRewardWorker({ connection, queue, reward, ...tuning });
    stop = () => worker.close();
    say(`worker ${process.pid}: ${reward.name} rewards of queue ${queue} on ${describeConnection(connection)}, ${tuning.concurrency} batch(es) at a time`);
  }
  await stopRequested(control.signal);
  say(`worker ${process.pid}: stopping after the jobs in hand`);
  await stop();
  return 0;
}

/** `gfn sweep`: queues a sweep's unfinished runs, waits for them and writes its report; or `--status`. */
export async function sweepMain(given: GivenOptions): Promise<number> {
  const say = given.quiet === true ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const file = text(given, 'config');
  if (file === undefined) throw new SettingsError('--config is required (the sweep file)');
  const spec = readSweepFile(file);
  const runs = await expandSweep(spec);
  const connection = redisOptions(redisUrl(text(given, 'redis')), '--redis');
  const name = text(given, 'queue') ?? QUEUE_DEFAULTS.runsQueue;
  await checkReachable(connection);
  const queue = new Queue(name, { connection });
  queue.on('error', () => {}); // reconnects by itself; a lasting outage shows as no progress
  try {
    if (given.status === true) {
      process.stdout.write(`${formatStatus(spec, await sweepStatus(spec, runs, queue))}\n`);
      return 0;
    }
    writeJsonAtomic(join(spec.dir, 'sweep.json'), { file: spec.file, base: spec.base, grid: Object.fromEntries(spec.grid), runs: runs.map(({ id, label }) => ({ id, label })) });
    const s = await submitSweep(spec, runs, queue);
    say(`sweep ${file}: ${runs.length} runs: ${s.finished} finished before, ${s.queued} queued, ${s.alreadyQueued} already in the queue (${name} on ${describeConnection(connection)})`);
    if (given.wait === false) return 0;
    const statuses = await waitForSweep(spec, runs, queue, say);
    process.stdout.write(`${await writeSweepReport(spec, statuses, `gfn sweep --config ${file}`)}\n`);
    say(`report written to ${join(spec.dir, 'results.md')}, with its figures beside it`);
    return statuses.some((st) => st.state === 'failed') ? 1 : 0;
  } finally {
    await queue.close();
  }
}
