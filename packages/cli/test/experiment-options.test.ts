import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const io = captureOutput();

const dir = mkdtempSync(join(tmpdir(), 'gfn-options-'));
const tiny = ['--height', '4', '--hidden', '8', '--iterations', '6', '--eval-every', '3', '--backend', 'cpu', '--quiet'];
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('gfn train: the experiment layer behind the options', () => {
  it('reads negative numbers as values (--seed -1, --logz-init -5) and --no-<flag> for flags', async () => {
    const file = join(dir, 'negative.json');
    expect(await runCli(['train', ...tiny, '--seed', '-1', '--logz-init', '-5', '--out', file]), io.err).toBe(0);
    expect(read(file).config).toMatchObject({ seed: -1, logZInit: -5 });
    const dag = join(dir, 'absolute.json');
    expect(await runCli(['train', '--env', 'dag', '--simulate', '3,20,0', '--no-relative-reward', '--hidden', '8', '--iterations', '2', '--backend', 'cpu', '--quiet', '--out', dag]), io.err).toBe(0);
    expect(read(dag).config['relative-reward']).toBe(0);
    expect(await runCli(['train', ...tiny, '--seed', '1e20'])).toBe(2);
    expect(io.err).toMatch(/--seed expects an integer/);
    expect(await runCli(['train', ...tiny, '--lr', '10'])).toBe(2);
    expect(io.err).toMatch(/--lr must be ≤ 1, got 10/);
  });

  it('records the resolved run config, and trains a reward of your own from --reward-module', async () => {
    const file = join(dir, 'reward.json');
    const module = new URL('./fixtures/corner-reward.mjs', import.meta.url).pathname;
    expect(await runCli(['train', ...tiny, '--reward-module', module, '--out', file]), io.err).toBe(0);
    const r = read(file);
    expect(r.config).toMatchObject({ env: 'hypergrid', reward: 'custom' });
    expect(r.config.runConfig).toMatchObject({ version: 1, env: { name: 'hypergrid', rewardModule: module }, budget: { iterations: 6 } });
    // log Z = log(16 · 0.1 + 10) with the corner's bonus.
    expect(r.metrics.trueLogZ).toBeCloseTo(Math.log(11.6), 10);
    expect(await runCli(['train', '--env', 'dag', '--simulate', '3,20,0', '--reward-module', module, '--quiet'])).toBe(2);
    expect(io.err).toMatch(/does not take a reward of your own/);
  });

  it('checks every output path before training, and names the option', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const locked = join(dir, 'read-only');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const cases: [string[], RegExp][] = [
      [['--out', dir], /--out .* is a directory/],
      [['--out', join(file, 'results.json')], /--out .*a-file is a file, not a directory/],
      [['--checkpoint', join(file, 'ck')], /--checkpoint .*a-file is a file, not a directory/],
    ];
    if (process.getuid?.() !== 0) cases.push([['--out', join(locked, 'r.json')], /--out .*cannot write/]);
    for (const [extra, message] of cases) {
      io.err = '';
      expect(await runCli(['train', ...tiny, '--iterations', '100000', ...extra])).toBe(2);
      expect(io.err).toMatch(message);
    }
  });

  it('takes a run config file (version 1) with command-line options over it', async () => {
    const config = join(dir, 'run.json');
    writeFileSync(config, JSON.stringify({ version: 1, env: { name: 'hypergrid', height: 4 }, policy: { hidden: [8] }, budget: { iterations: 4 }, backend: 'cpu' }));
    const file = join(dir, 'from-config.json');
    expect(await runCli(['train', '--config', config, '--iterations', '5', '--quiet', '--out', file]), io.err).toBe(0);
    expect(read(file).config).toMatchObject({ height: 4, hidden: [8], iterations: 5 });
  });
});

describe('gfn train: locks', () => {
  it('refuses a second run on a checkpoint path another live process holds, and takes over a dead one', async () => {
    const checkpoint = join(dir, 'locked.ckpt');
    writeFileSync(`${checkpoint}.lock`, '1'); // pid 1 is always alive
    expect(await runCli(['train', ...tiny, '--checkpoint', checkpoint])).toBe(2);
    expect(io.err).toMatch(/--checkpoint .*locked\.ckpt is in use by another run \(process 1\)/);
    writeFileSync(`${checkpoint}.lock`, '999999999'); // no such process
    expect(await runCli(['train', ...tiny, '--checkpoint', checkpoint]), io.err).toBe(0);
  });
});

describe('gfn train: option names that are also Object.prototype members', () => {
  it('refuses them as unknown instead of taking the prototype for an option', async () => {
    const config = join(dir, 'proto.json');
    writeFileSync(config, JSON.stringify({ toString: 0 }));
    expect(await runCli(['train', '--config', config])).toBe(2);
    expect(io.err).toMatch(/unknown key "toString"/);
    expect(await runCli(['train', '--constructor', '1'])).toBe(2);
  });
});
