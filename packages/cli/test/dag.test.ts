import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const io = captureOutput();

const dir = mkdtempSync(join(tmpdir(), 'gfn-dag-'));

describe('gfn --env dag', () => {
  it('writes the exact posterior of a CSV dataset: keys, log-posteriors, edge marginals', async () => {
    const csv = join(dir, 'd3.csv');
    const a = join(dir, 'a.json');
    expect(await runCli(['exact', '--env', 'dag', '--simulate', '3,60,2', '--save-data', csv, '--out', a])).toBe(0);
    const b = join(dir, 'b.json');
    expect(await runCli(['exact', '--env', 'dag', '--data', csv, '--prior', 'uniform', '--score', 'bge', '--out', b])).toBe(0);
    type Exact = { logZ: number; states: { key: string; logReward: number; logProb: number; prob: number }[]; edgeMarginals: number[][] };
    const ja = JSON.parse(readFileSync(a, 'utf8')) as Exact;
    const jb = JSON.parse(readFileSync(b, 'utf8')) as Exact;
    expect(jb.states).toHaveLength(25);
    // The saved CSV round-trips the simulated data.
    expect(jb.logZ).toBeCloseTo(ja.logZ, 6);
    let total = 0;
    const marg = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const s of jb.states) {
      expect(s.key).toMatch(/^[01]{9}$/);
      expect(s.logProb).toBeCloseTo(s.logReward - jb.logZ, 9);
      expect(s.prob).toBeCloseTo(Math.exp(s.logProb), 12);
      total += s.prob;
      for (let k = 0; k < 9; k++) if (s.key[k] === '1') marg[k]! += s.prob;
    }
    expect(total).toBeCloseTo(1, 9);
    expect(jb.edgeMarginals.flat().map((v, k) => v - marg[k]!).every((v) => Math.abs(v) < 1e-9)).toBe(true);
  });

  it('answers bad input with one line naming the problem', async () => {
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, 'A,B\n1,2\n3\n');
    const six = join(dir, 'six.csv');
    writeFileSync(six, `A,B,C,D,E,F\n${[1, 2, 3, 4].map((r) => [1, 2, 3, 4, 5, 6].map((c) => r * c + c * c).join(',')).join('\n')}\n`);
    const cases: [string[], number, RegExp][] = [
      [['exact', '--env', 'dag', '--out', 'x.json'], 2, /needs exactly one of --data FILE\.csv or --simulate d,n,seed/],
      [['exact', '--env', 'dag', '--simulate', '3,10', '--out', 'x.json'], 2, /--simulate expects three integers d,n,seed/],
      [['exact', '--env', 'dag', '--simulate', '3,10,0', '--data', ragged, '--out', 'x.json'], 2, /exactly one of/],
      [['exact', '--env', 'dag', '--data', join(dir, 'missing.csv'), '--out', 'x.json'], 2, /--data: no such file/],
      [['exact', '--env', 'dag', '--data', ragged, '--out', 'x.json'], 2, /ragged\.csv: line 3 has 1 values, expected 2/],
      [['exact', '--env', 'dag', '--data', six, '--out', 'x.json'], 2, /limited to 5 variables; this data has 6/],
      [['exact', '--env', 'dag', '--simulate', '3,10,0', '--prior', 'erdos-renyi', '--prior-edges', '3', '--out', 'x.json'], 2, /edge probability 1/],
      [['exact', '--env', 'dag', '--simulate', '3,10,0', '--prior-beta', '2', '--out', 'x.json'], 2, /--prior-beta needs --prior edge/],
      [['exact', '--env', 'dag', '--data', ragged, '--edges', '1', '--out', 'x.json'], 2, /--edges only applies to --simulate/],
    ];
    for (const [argv, code, message] of cases) {
      io.err = '';
      expect(await runCli(argv), argv.join(' ')).toBe(code);
      expect(io.err).toMatch(message);
      expect(io.err).not.toMatch(/\n\s+at /);
    }
  });

  it('trains and reports JSD, log Z error and edge RMSE with the distribution keyed by adjacency', async () => {
    const file = join(dir, 'train.json');
    const argv = ['train', '--env', 'dag', '--simulate', '3,50,1', '--relative-reward', '--pb', 'uniform', '--iterations', '20', '--batch-size', '8', '--hidden', '16'];
    expect(await runCli([...argv, '--backend', 'cpu', '--quiet', '--out', file])).toBe(0);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    expect(r.config).toMatchObject({ env: 'dag', simulate: '3,50,1', d: 3, n: 50, score: 'bge', prior: 'uniform', 'relative-reward': 1 });
    expect(r.metrics.edgeRmse).toBeGreaterThan(0);
    expect(r.metrics.edgeRmse).toBeLessThan(1);
    expect(r.metrics.expectedShd).toBeGreaterThanOrEqual(0);
    expect(r.metrics.logZError).toBeGreaterThanOrEqual(0);
    expect(r.exact.distribution).toHaveLength(25);
    expect(r.exact.distribution[0].key).toMatch(/^[01]{9}$/);
  });

  it('beyond 5 variables trains without exact evaluation and reports sample-based edge marginals', async () => {
    const file = join(dir, 'big.json');
    const argv = ['train', '--env', 'dag', '--simulate', '6,30,0', '--pb', 'uniform', '--iterations', '3', '--batch-size', '4', '--hidden', '8'];
    expect(await runCli([...argv, '--posterior-samples', '50', '--backend', 'cpu', '--quiet', '--out', file])).toBe(0);
    expect(io.err).toMatch(/exact evaluation is unavailable/);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    expect(r.metrics.jsd).toBeNull();
    expect(r.metrics.posteriorSamples).toBe(50);
    expect(r.metrics['edgeMarginal:A->B']).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.metrics).filter((k) => k.startsWith('edgeMarginal:'))).toHaveLength(30);
    expect(r.exact).toBeUndefined();
  });

  it("starts near the paper's JSD with the sigmoid stop head (d = 5, 5 edges, N = 100), and trains the paper's GNN", async () => {
    const first = join(dir, 'sigmoid.json');
    const argv = ['train', '--env', 'dag', '--simulate', '5,100,0', '--edges', '5', '--pb', 'uniform', '--stop-head', 'sigmoid', '--iterations', '1', '--eval-every', '1', '--backend', 'cpu'];
    expect(await runCli([...argv, '--quiet', '--out', first]), io.err).toBe(0);
    const r = JSON.parse(readFileSync(first, 'utf8'));
    expect(r.history[0].jsd).toBeGreaterThan(0.55);
    expect(r.history[0].jsd).toBeLessThan(0.72);
    expect(r.config).toMatchObject({ stopHead: 'sigmoid', 'relative-reward': 1 });
    expect(await runCli(['train', '--env', 'hypergrid', '--stop-head', 'sigmoid', '--quiet'])).toBe(2);
    expect(io.err).toMatch(/--stop-head sigmoid needs --env dag/);
    expect(await runCli(['train', '--env', 'dag', '--simulate', '3,20,0', '--policy', 'gnn', '--quiet'])).toBe(2);
    expect(io.err).toMatch(/--policy gnn uses a uniform backward policy/);
  });
});
