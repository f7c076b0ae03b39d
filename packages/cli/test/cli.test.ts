import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const io = captureOutput();

const dir = mkdtempSync(join(tmpdir(), 'gfn-cli-'));

describe('gfn', () => {
  it('prints help for every command', async () => {
    expect(await runCli(['--help'])).toBe(0);
    expect(io.out).toMatch(/Commands:/);
    for (const c of ['train', 'exact', 'bench']) {
      io.out = '';
      expect(await runCli([c, '--help'])).toBe(0);
      expect(io.out).toMatch(new RegExp(`Usage: gfn ${c}`));
    }
  });

  it('answers bad input with one line and exit code 2, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--bogus'], /Unknown option '--bogus'/],
      [['train', '--iterations', 'ten'], /--iterations expects a number, got "ten"/],
      [['train', '--iterations', '1.5'], /--iterations expects an integer/],
      [['train', '--batch-size', '0'], /--batch-size must be ≥ 1/],
      [['train', '--objective', 'nope'], /--objective must be one of/],
      [['train', '--hidden', '256,x'], /--hidden expects comma-separated positive integers/],
      [['train', '--r0', '0'], /--r0 must be > 0/],
      [['train', 'extra'], /unexpected argument "extra"/],
      [['exact'], /--out is required/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [argv, message] of cases) {
      io.err = '';
      expect(await runCli(argv), argv.join(' ')).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(io.err).not.toMatch(/\n\s+at /);
    }
  });

  it('writes the exact target, agreeing with an independent computation to 1e-9', async () => {
    const file = join(dir, 'target.json');
    expect(await runCli(['exact', '--env', 'hypergrid', '--ndim', '2', '--height', '5', '--r0', '0.01', '--out', file])).toBe(0);
    const target = JSON.parse(readFileSync(file, 'utf8')) as { logZ: number; states: { key: string; logReward: number; prob: number }[] };
    const H = 5;
    const reward = (x: number[]): number => {
      const a = x.map((v) => Math.abs(v / (H - 1) - 0.5));
      return 0.01 + 0.5 * (a.every((v) => v > 0.25) ? 1 : 0) + 2 * (a.every((v) => v > 0.3 && v < 0.4) ? 1 : 0);
    };
    let z = 0;
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) z += reward([i, j]);
    expect(Math.abs(target.logZ - Math.log(z))).toBeLessThan(1e-9);
    expect(target.states).toHaveLength(25);
    for (const s of target.states) {
      const x = s.key.split(',').map(Number);
      expect(Math.abs(s.prob - reward(x) / z)).toBeLessThan(1e-9);
      expect(Math.abs(s.logReward - Math.log(reward(x)))).toBeLessThan(1e-9);
    }
  });

  it('trains and writes a complete results file', async () => {
    const file = join(dir, 'run.json');
    const code = await runCli(['train', '--env', 'hypergrid', '--ndim', '2', '--height', '4', '--iterations', '20', '--batch-size', '4', '--hidden', '16', '--backend', 'cpu', '--eval-every', '10', '--seed', '3', '--out', file, '--quiet']);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    expect(r.config).toMatchObject({ env: 'hypergrid', ndim: 2, height: 4, r0: 0.1, objective: 'tb', iterations: 20, batchSize: 4, seed: 3, backend: 'cpu' });
    expect(r.config.packageVersions['@gflownet/core']).toMatch(/^\d+\.\d+\.\d+/);
    for (const k of ['jsd', 'l1', 'logZ', 'trueLogZ']) expect(Number.isFinite(r.metrics[k])).toBe(true);
    expect(r.history.map((h: { iteration: number }) => h.iteration)).toEqual([10, 20]);
    expect(r.throughput.iterationsPerSecond).toBeGreaterThan(0);
    expect(r.exact.distribution).toHaveLength(16);
    expect(r.exact.distribution[1]).toMatchObject({ key: '0,1' });
    const total = r.exact.distribution.reduce((s: number, d: { prob: number }) => s + d.prob, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(io.out).toMatch(/jsd \S+ {2}l1/);
  });
});
