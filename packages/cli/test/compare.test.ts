import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_NAMES } from '@gflownet/experiment';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const io = captureOutput();

const dir = mkdtempSync(join(tmpdir(), 'gfn-compare-'));
const tiny = ['--height', '4', '--hidden', '8', '--iterations', '12', '--eval-every', '4', '--backend', 'cpu'];

describe('gfn train --objective', () => {
  it('offers every objective, and each trains a few steps with its options', async () => {
    expect([...OBJECTIVE_NAMES]).toEqual(['fm', 'db', 'mdb', 'tb', 'subtb', 'rkl', 'fkl', 'ws', 'rws']);
    const runs: string[][] = [
      ['--objective', 'fm', '--loss', 'huber'],
      ['--objective', 'db', '--pb', 'uniform'],
      ['--objective', 'mdb'],
      ['--objective', 'subtb', '--subtb-lambda', '0.5', '--subtb-weighting', 'equal'],
      ['--objective', 'rkl', '--baseline', 'local'],
      ['--objective', 'ws', '--baseline', 'none', '--pb', 'uniform'],
    ];
    for (const extra of runs) {
      const file = join(dir, `${extra[1]}.json`);
      expect(await runCli(['train', ...tiny, ...extra, '--quiet', '--out', file]), io.err).toBe(0);
      const results = JSON.parse(readFileSync(file, 'utf8'));
      expect(results.config.objective).toBe(extra[1]);
      expect(results.metrics.jsd).toBeGreaterThan(0);
    }
    expect(await runCli(['train', '--objective', 'subtb', '--subtb-lambda=-1'])).toBe(2);
    expect(io.err).toMatch(/--subtb-lambda must be ≥ 0/);
    expect(await runCli(['train', '--objective', 'rkl', '--baseline', 'median'])).toBe(2);
    expect(io.err).toMatch(/--baseline must be one of none\|local\|global/);
  });
});

describe('gfn compare', () => {
  it('runs every objective and seed, and writes the table, the plot and the runs', async () => {
    const target = join(dir, 'cmp');
    expect(await runCli(['compare', ...tiny, '--objectives', 'tb,rkl', '--seeds', '2', '--lr', '0.003', '--quiet', '--out', target]), io.err).toBe(0);
    for (const f of ['tb-seed0', 'tb-seed1', 'rkl-seed0', 'rkl-seed1']) {
      const r = JSON.parse(readFileSync(join(target, 'runs', `${f}.json`), 'utf8'));
      expect(r.config.learningRates.forward).toBe(0.003); // other train options reach every run
      expect(r.history.length).toBe(3);
    }
    const md = readFileSync(join(target, 'results.md'), 'utf8');
    expect(md).toMatch(/Produced by `gfn compare .*--objectives tb,rkl/);
    expect(md).toMatch(/\| tb \| 2 \| [\d.e+-]+ ± [\d.e+-]+ \| [\d.e+-]+ \| [\d.e+-]+ ± [\d.e+-]+ \|/);
    expect(md).toMatch(/\| rkl \| 2 \|/);
    // The figures (Vega-Lite; packages/experiment/test/compare-figure.test.ts checks their panels).
    for (const name of ['curves.svg', 'jsd.svg']) {
      const svg = readFileSync(join(target, name), 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect(svg).toMatch(/>tb<\/text>/);
      expect(svg).toMatch(/>rkl<\/text>/);
    }
    expect(readFileSync(join(target, 'curves.svg'), 'utf8')).toMatch(/>learned log Z \(dashed: true log Z\)<\/text>/);
    expect(md).toMatch(/!\[[^\]]*\]\(curves\.svg\)/);
    expect(io.out).toMatch(/\| objective \| runs \| final JSD/);
    // --reuse keeps finished runs: the same table, without training again.
    const table = io.out;
    io.out = '';
    expect(await runCli(['compare', ...tiny, '--objectives', 'tb,rkl', '--seeds', '2', '--lr', '0.003', '--quiet', '--reuse', '--out', target])).toBe(0);
    expect(readFileSync(join(target, 'results.md'), 'utf8')).toMatch(/4 of the 4 runs reused/);
    expect(io.out.replace(/\| [\d.]+ \| [\d.]+ \|\n/g, '')).toBe(table.replace(/\| [\d.]+ \| [\d.]+ \|\n/g, ''));
  });

  it('records a diverged run and goes on; exits 1 when no run finished', async () => {
    const target = join(dir, 'diverged');
    expect(await runCli(['compare', ...tiny, '--objectives', 'tb', '--seeds', '1', '--logz-init', '1e38', '--quiet', '--out', target])).toBe(1);
    const md = readFileSync(join(target, 'results.md'), 'utf8');
    expect(md).toMatch(/\| tb \| 0 of 1 \| n\/a/);
    expect(md).toMatch(/- tb seed 0: tb loss became Infinity at iteration 0/);
  });

  it('rejects unknown objectives and a missing --out with one line', async () => {
    expect(await runCli(['compare', '--objectives', 'tb,xyz', '--out', join(dir, 'bad')])).toBe(2);
    expect(io.err).toMatch(/unknown objective "xyz"/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    expect(await runCli(['compare', '--objectives', 'tb'])).toBe(2);
    expect(io.err).toMatch(/--out is required/);
  });
});
