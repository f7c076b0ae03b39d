import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsFile } from '@gflownet/experiment';
import { runExperiment } from '@gflownet/experiment';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GivenOptions } from '../src/index.js';
import { expandSweep, readEvents, readSweepFile, runPaths, sweepMain } from '../src/index.js';
import { gfn, until } from './support/gfn.js';
import type { LocalRedis } from './support/redis-server.js';
import { HAVE_REDIS, NO_REDIS, startRedis } from './support/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'gfn-sweep-'));
const ITERATIONS = 120;
/** 8 tiny hypergrid runs (2 objectives × 4 seeds), checkpointed every 10 iterations. */
const SWEEP = {
  dir: join(dir, 'shared'),
  base: { env: { name: 'hypergrid', ndim: 2, height: 4 }, policy: { hidden: [8] }, budget: { iterations: ITERATIONS, batchSize: 4 }, evaluation: { evalEvery: 40 }, backend: 'cpu' },
  grid: { 'objective.name': ['tb', 'db'], seed: [0, 1, 2, 3] },
  checkpointEvery: 10,
};
const sweepFile = join(dir, 'sweep.json');
writeFileSync(sweepFile, JSON.stringify(SWEEP));

const comparable = (r: ResultsFile) => ({ metrics: r.metrics, history: r.history.map(({ seconds: _s, ...rest }) => rest) });

/** `gfn sweep` in this process (the library call behind it); resolves to its exit code and what it printed. */
async function sweepHere(given: GivenOptions): Promise<{ code: number; out: string }> {
  let out = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    out += String(chunk);
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    return { code: await sweepMain(given), out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('sweep files', () => {
  it('expand to one run per grid point, resolved, with ids from the config hash', async () => {
    const runs = await expandSweep(readSweepFile(sweepFile));
    expect(runs.map((r) => r.label)).toEqual(['tb', 'db'].flatMap((o) => [0, 1, 2, 3].map((s) => `objective.name=${o} seed=${s}`)));
    expect(new Set(runs.map((r) => r.id)).size).toBe(8);
    expect(runs[5]?.config).toMatchObject({ objective: { name: 'db' }, seed: 1, budget: { iterations: ITERATIONS, batchSize: 4 }, sampler: { kind: 'on-policy' } });
    // The same run written with a default spelled out has the same id.
    const explicit = join(dir, 'explicit.json');
    writeFileSync(explicit, JSON.stringify({ ...SWEEP, base: { ...SWEEP.base, sampler: { kind: 'on-policy' } } }));
    expect((await expandSweep(readSweepFile(explicit))).map((r) => r.id)).toEqual(runs.map((r) => r.id));
  });

  it('a bad sweep file is one line naming the file and the field (gfn: exit code 2)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...SWEEP, grid: { 'optimizer.lr': [0.001, 5] } }));
    await expect(sweepHere({ config: bad })).rejects.toThrow(/bad\.json: run optimizer\.lr=5: optimizer\.lr: /);
    await expect(sweepHere({ config: join(dir, 'missing.json') })).rejects.toThrow(/missing\.json: no such file$/);
    const cli = gfn(['sweep', '--config', bad]);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/^gfn sweep: .*bad\.json: run optimizer\.lr=5: optimizer\.lr: [^\n]*\n$/);
  });
});

describe.skipIf(!HAVE_REDIS)(`sweeps on a real Redis${HAVE_REDIS ? '' : ` (${NO_REDIS})`}`, () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('8 runs across 2 workers, one killed with kill -9 mid-run and restarted: every run finishes exactly once, the interrupted one resumes from its checkpoint', async () => {
    const worker = () => gfn(['worker', '--runs', '--redis', redis.url, '--lock-ms', '3000', '--stalled-interval-ms', '500']);
    const a = worker();
    const b = worker();
    const sweep = gfn(['sweep', '--config', sweepFile, '--redis', redis.url]);
    const spec = readSweepFile(sweepFile);
    const byA = (e: { worker: string }) => e.worker.endsWith(`:${a.pid}`);
    // Killed while A is mid-run: its latest event is a checkpoint in a run's first half (on a fast machine an
    // earlier checkpoint may belong to a run A has finished since).
    await until('a checkpoint written by worker A', () => {
      const latest = readEvents(spec.dir).filter(byA).at(-1);
      return latest?.event === 'checkpoint' && (latest.iteration ?? 0) <= ITERATIONS / 2;
    });
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const killed = readEvents(spec.dir).filter((e) => byA(e) && e.event === 'checkpoint').at(-1);
    const replacement = worker();
    expect(await sweep.exited, sweep.output()).toBe(0);
    await Promise.all([b.stop(), replacement.stop()]);

    const runs = await expandSweep(spec);
    const events = readEvents(spec.dir);
    for (const run of runs) {
      expect(events.filter((e) => e.run === run.id && e.event === 'finished'), run.label).toHaveLength(1);
      expect(existsSync(runPaths(spec.dir, run.id).results)).toBe(true);
    }
    // The killed run went on from its last checkpoint on another worker, and ended as an uninterrupted run.
    const resumed = events.find((e) => e.run === killed?.run && e.event === 'resumed');
    expect(resumed?.iteration).toBeGreaterThanOrEqual(killed?.iteration as number);
    expect(resumed?.worker).not.toMatch(new RegExp(`:${a.pid}$`));
    const run = runs.find((r) => r.id === killed?.run);
    const stored = JSON.parse(readFileSync(runPaths(spec.dir, run?.id as string).results, 'utf8')) as ResultsFile;
    expect(comparable(stored)).toEqual(comparable((await runExperiment(run?.config ?? {}, { warn: () => {} })).results));
    // The report: the tables of gfn compare, a row per objective with 4 seeds.
    const report = readFileSync(join(spec.dir, 'results.md'), 'utf8');
    expect(report).toMatch(/\| objective\.name=tb \| 4 \| \d/);
    expect(report).toMatch(/\| objective\.name=db \| 4 \| \d/);
    expect(existsSync(join(spec.dir, 'jsd.svg'))).toBe(true);
    expect(existsSync(join(spec.dir, 'curves.svg'))).toBe(true);

    // Submitted again: nothing is trained again; the status says so.
    const again = await sweepHere({ config: sweepFile, redis: redis.url });
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/8 runs: 8 finished before, 0 queued/);
    expect(readEvents(spec.dir)).toHaveLength(events.length);
    const status = await sweepHere({ config: sweepFile, redis: redis.url, status: true });
    expect(status.out).toMatch(/8 runs: 8 finished, 0 running, 0 waiting, 0 failed, 0 not queued/);
  });
});
