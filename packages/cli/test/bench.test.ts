import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/index.js';

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('gfn bench', () => {
  it('measures a case, splits its time, reports a missing backend as skipped, and writes the figures', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gfn-bench-')), 'bench.json');
    const code = await runCli(['bench', '--backends', 'node,cpu', '--iterations', '10', '--warmup', '0', '--cases', 'hypergrid-2d', '--batch-sizes', '4', '--out', file]);
    expect(code).toBe(0);
    expect(out).toMatch(/node\s+skipped: .*npm install @tensorflow\/tfjs-node/);
    expect(out).toMatch(/cpu\s+hypergrid 2-D H=8\s+4\s/);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.machine.cpus).toBeGreaterThan(0);
    expect(json.skipped[0]).toMatchObject({ backend: 'node', case: 'all' });
    const c = json.cases[0];
    expect(c).toMatchObject({ backend: 'cpu', case: 'hypergrid 2-D H=8', batchSize: 4, iterations: 2 });
    expect(c.iterationsPerSecond).toBeGreaterThan(0);
    expect(c.cpuIterationsPerSecond).toBeGreaterThan(0);
    expect(c.lossMsPerIteration + c.optimiserMsPerIteration).toBeLessThanOrEqual(c.updateMsPerIteration + 1e-6);
    expect(c.rowsPerIteration).toBeGreaterThanOrEqual(4);
    expect(c.peakTensorBytes).toBeGreaterThan(0);
    expect(c.peakRssBytes).toBeGreaterThan(0);
  });

  it('rejects unknown cases and backends with a usage error', async () => {
    expect(await runCli(['bench', '--cases', 'mnist'])).toBe(2);
    expect(await runCli(['bench', '--backends', 'tpu'])).toBe(2);
  });
});
