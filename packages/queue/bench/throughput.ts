// `pnpm --filter @gflownet/queue bench`: reward throughput through the queue with 1, 2 and 4 worker
// processes (`gfn worker`) on this machine, for a reward that takes 50 ms per state (a sleep, like a
// docking program waiting on its own process, so it scales even on a machine with few cores). Starts its
// own redis-server on a free port; prints a markdown table. Options: --states N (default 320),
// --ms M (default 50), --batch-size B (default 8), --workers 1,2,4.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { queueReward } from '../src/index.js';
import { gfn, ROOT, until } from '../test/support/gfn.js';
import { HAVE_REDIS, NO_REDIS, startRedis } from '../test/support/redis-server.js';

const { values } = parseArgs({
  options: { states: { type: 'string', default: '320' }, ms: { type: 'string', default: '50' }, 'batch-size': { type: 'string', default: '8' }, workers: { type: 'string', default: '1,2,4' } },
});
const states = Number(values.states);
const ms = Number(values.ms);
const batchSize = Number(values['batch-size']);
const counts = String(values.workers).split(',').map(Number);
if (!HAVE_REDIS) {
  console.error(NO_REDIS);
  process.exit(2);
}

const redis = await startRedis();
const rows: string[] = [];
let oneWorker = 0;
try {
  for (const n of counts) {
    const queue = `bench-${n}-${Date.now()}`;
    const workers = Array.from({ length: n }, () =>
      gfn(['worker', '--queue', queue, '--reward-module', join(ROOT, 'packages/queue/test/fixtures/slow-reward.mjs')], { GFN_QUEUE_URL: redis.url, GFN_SLOW_REWARD_MS: String(ms) }),
    );
    // Start-up (loading tfjs and the experiment layer) is not part of the throughput.
    await until(`${n} workers ready`, () => workers.every((w) => /rewards of queue/.test(w.output())), 120_000);
    const reward = queueReward({ connection: redis.url, queue, batchSize });
    const inputs = Array.from({ length: states }, (_, i) => [n, i]);
    const t0 = performance.now();
    await reward.many(inputs);
    const seconds = (performance.now() - t0) / 1000;
    await reward.close();
    await Promise.all(workers.map((w) => w.stop()));
    const rate = states / seconds;
    if (n === 1) oneWorker = rate;
    const ideal = (n * 1000) / ms;
    rows.push(`| ${n} | ${states} | ${seconds.toFixed(2)} | ${rate.toFixed(1)} | ${oneWorker > 0 ? (rate / oneWorker).toFixed(2) : 'n/a'}× | ${((100 * rate) / ideal).toFixed(0)}% |`);
    process.stderr.write(`${n} worker(s): ${rate.toFixed(1)} states/s\n`);
  }
} finally {
  await redis.stop();
}
console.log(`Reward throughput through the queue: ${ms} ms per state (sleep), batches of ${batchSize}, one job at a time per worker process.\n`);
console.log('| worker processes | states | seconds | states/s | speed-up | of ideal (workers × 1000/ms) |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
