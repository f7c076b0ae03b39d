import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsFile, RunConfigInput } from '@gflownet/experiment';
import { runExperiment } from '@gflownet/experiment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueReward } from '../src/index.js';
import type { GfnProcess } from './support/gfn.js';
import { gfn, ROOT, until } from './support/gfn.js';
import type { LocalRedis } from './support/redis-server.js';
import { HAVE_REDIS, NO_REDIS, startRedis } from './support/redis-server.js';

const SLOW_REWARD = join(ROOT, 'packages/queue/test/fixtures/slow-reward.mjs');
const QUEUE_REWARD = join(ROOT, 'packages/queue/src/reward-module.ts');
const dir = mkdtempSync(join(tmpdir(), 'gfn-reward-queue-'));
const trace = join(dir, 'trace.txt');

/** A tiny molecule run (fragments, 4 iterations of 4 molecules, small metrics) with the reward of `rewardModule`. */
const tinyRun = (seed: number, rewardModule: string): RunConfigInput => ({
  env: { name: 'fragments', rewardModule, metricSamples: 8, heldout: 2, maxFragments: 3 },
  policy: { hidden: [16] },
  budget: { iterations: 4, batchSize: 4 },
  backend: 'cpu',
  seed,
});
const TRAIN_FLAGS = ['--env', 'fragments', '--metric-samples', '8', '--heldout', '2', '--max-fragments', '3', '--hidden', '16', '--iterations', '4', '--batch-size', '4', '--backend', 'cpu'];
/** What must not depend on where rewards are computed (as a results file stores it: NaN is null in JSON). */
const comparable = (r: ResultsFile) => JSON.parse(JSON.stringify({ metrics: r.metrics, history: r.history.map(({ seconds: _s, ...rest }) => rest) }));
const traceLines = (): string[] => (existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : []);

/** The same run with the reward computed in this process, no queue. */
async function inline(seed: number): Promise<unknown> {
  process.env.GFN_SLOW_REWARD_MS = '0';
  return comparable((await runExperiment(tinyRun(seed, SLOW_REWARD), { warn: () => {} })).results);
}

/** Runs with the queue reward module in this process, configured as `gfn train` would be by the environment. */
function useQueue(queue: string, settings: Record<string, string> = {}): void {
  for (const k of ['GFN_QUEUE_BATCH_SIZE', 'GFN_QUEUE_ATTEMPTS', 'GFN_QUEUE_TIMEOUT_MS']) delete process.env[k];
  Object.assign(process.env, { GFN_QUEUE: queue, ...settings });
}

describe.skipIf(!HAVE_REDIS)(`reward queue on a real Redis${HAVE_REDIS ? '' : ` (${NO_REDIS})`}`, () => {
  let redis: LocalRedis;
  const workers: GfnProcess[] = [];
  const worker = (queue: string, env: Record<string, string> = {}): GfnProcess => {
    const w = gfn(['worker', '--queue', queue, '--reward-module', SLOW_REWARD, '--lock-ms', '1500', '--stalled-interval-ms', '500'], {
      GFN_QUEUE_URL: redis.url,
      GFN_SLOW_REWARD_MS: '20',
      GFN_REWARD_TRACE: trace,
      ...env,
    });
    workers.push(w);
    return w;
  };
  let a: GfnProcess;
  let b: GfnProcess;

  beforeAll(async () => {
    redis = await startRedis();
    process.env.GFN_QUEUE_URL = redis.url;
    useQueue('slow');
    a = worker('slow');
    b = worker('slow');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await (await import('../src/reward-module.js')).closeQueueRewards();
    await redis?.stop();
  });

  it('a gfn train run whose rewards come from two worker processes equals an inline run with the same seed', async () => {
    const out = join(dir, 'two-workers.json');
    const train = gfn(['train', ...TRAIN_FLAGS, '--reward-module', QUEUE_REWARD, '--seed', '1', '--out', out, '--quiet'], {
      GFN_QUEUE_URL: redis.url,
      GFN_QUEUE: 'slow',
      GFN_QUEUE_BATCH_SIZE: '4',
    });
    expect(await train.exited, train.output()).toBe(0);
    expect(comparable(JSON.parse(readFileSync(out, 'utf8')) as ResultsFile)).toEqual(await inline(1));
    expect(new Set(traceLines().map((l) => Number(l.split(' ')[0])))).toEqual(new Set([a.pid, b.pid]));
  });

  it('duplicates are computed once: in a batch, and across calls through the shared cache', async () => {
    const reward = queueReward({ connection: redis.url, queue: 'slow' });
    expect(await reward.many([[1, 2], [1, 2], [3, 4]])).toEqual(await reward.many([[1, 2], [1, 2], [3, 4]]));
    expect(reward.stats).toMatchObject({ requested: 6, jobs: 1, cacheHits: 2 });
    expect(traceLines().filter((l) => l.endsWith(' 1,2'))).toHaveLength(1);
    await reward.close();
  });

  it('a worker killed with kill -9 mid-batch: its batch goes to the other worker and the run equals the inline one', async () => {
    useQueue('slow', { GFN_QUEUE_BATCH_SIZE: '8' });
    const before = traceLines().length;
    const running = runExperiment(tinyRun(2, QUEUE_REWARD), { warn: () => {} });
    await until('worker A computing a batch', () => traceLines().slice(before).some((l) => l.startsWith(`${a.pid} `)));
    a.child.kill('SIGKILL');
    const queued = comparable((await running).results);
    expect(await a.exited).toBe('SIGKILL');
    expect(queued).toEqual(await inline(2));
    expect(b.output()).toMatch(/after 1 stall\(s\)/);
    a = worker('slow'); // two workers again
  });

  it('Redis restarted mid-run: batches it lost are enqueued again and the run equals the inline one', async () => {
    useQueue('slow', { GFN_QUEUE_BATCH_SIZE: '4' });
    const before = traceLines().length;
    let settled = false;
    const running = runExperiment(tinyRun(3, QUEUE_REWARD), { warn: () => {} }).finally(() => {
      settled = true;
    });
    await until('rewards being computed', () => traceLines().length >= before + 6);
    // Both workers paused first: a batch is then surely in flight (not finished in the moment before the
    // restart, as it could be on a fast machine) and is lost with Redis's memory.
    for (const w of [a, b]) w.child.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 300));
      await redis.restart();
    } finally {
      for (const w of [a, b]) w.child.kill('SIGCONT');
    }
    expect(settled).toBe(false);
    const queued = comparable((await running).results);
    expect(queued).toEqual(await inline(3));
    const { queueRewardFromEnvironment } = await import('../src/reward-module.js');
    expect(queueRewardFromEnvironment().stats.resubmitted).toBeGreaterThan(0);
  });

  it('a poison input fails the run with the state’s key after the bounded attempts, never a made-up value', async () => {
    const poison = worker('poison', { GFN_POISON: '5', GFN_SLOW_REWARD_MS: '0' });
    useQueue('poison', { GFN_QUEUE_ATTEMPTS: '2' });
    const failure = await runExperiment(tinyRun(4, QUEUE_REWARD), { warn: () => {} }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/^reward queue "poison": state \{"smiles":.*\}: cannot score .* \(failed after 2 of 2 attempts\)$/);
    const { smiles, stemAtoms } = JSON.parse(/state (\{.*?\}):/.exec(failure as string)?.[1] as string) as { smiles: string; stemAtoms: number[] };
    const calls = traceLines().filter((l) => l === `${poison.pid} ${smiles} ${stemAtoms.join(',')}`);
    expect(calls).toHaveLength(2);
  });

  it('no worker: the batch fails after timeoutMs naming the state', async () => {
    const reward = queueReward({ connection: redis.url, queue: 'nobody-listens', timeoutMs: 700 });
    await expect(reward([1, 2])).rejects.toThrow(/^reward queue "nobody-listens": no reward for state \[1,2\] within 700 ms/);
    await reward.close();
  });
});
