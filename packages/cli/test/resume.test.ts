import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointFile } from '@gflownet/experiment';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gfn-resume-'));
const common = ['--env', 'hypergrid', '--ndim', '2', '--height', '5', '--hidden', '16', '--batch-size', '8', '--seed', '4', '--eval-every', '10', '--backend', 'cpu', '--quiet'];

const io = captureOutput();

type Results = { history: { iteration: number; seconds: number }[]; metrics: Record<string, number> };
const read = (f: string): Results => JSON.parse(readFileSync(f, 'utf8')) as Results;
const withoutTimes = (h: Results['history']) => h.map(({ seconds: _s, ...rest }) => rest);

describe('checkpoints', () => {
  // One retry: the kill races the OS. Each attempt has its own files.
  let attempt = 0;
  it('resumes a run killed with SIGKILL to exactly the metrics of an uninterrupted run', { retry: 1, timeout: 400_000 }, async () => {
    const reference = join(dir, `reference-${++attempt}.json`);
    expect(await runCli(['train', ...common, '--iterations', '120', '--out', reference])).toBe(0);

    // A child process trains "forever", checkpointing every 10 iterations; kill -9 it once a checkpoint exists.
    const checkpoint = join(dir, `killed-${attempt}.ckpt.json`);
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@gflownet/source', 'packages/cli/src/bin.ts', 'train', ...common, '--iterations', '100000', '--checkpoint', checkpoint, '--checkpoint-every', '10'], { cwd: root, stdio: 'ignore' });
    const deadline = Date.now() + 240_000;
    let at = 0;
    while (Date.now() < deadline) {
      if (existsSync(checkpoint)) {
        at = readCheckpointFile(checkpoint).state.iteration;
        if (at >= 20) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.on('close', r));
    expect(at).toBeGreaterThanOrEqual(20);
    expect(at).toBeLessThan(120);

    const resumed = join(dir, `resumed-${attempt}.json`);
    expect(await runCli(['train', '--resume', checkpoint, '--iterations', '120', '--out', resumed, '--quiet']), io.err).toBe(0);
    const ref = read(reference);
    const res = read(resumed);
    expect(withoutTimes(res.history)).toEqual(withoutTimes(ref.history));
    for (const k of ['jsd', 'l1', 'logZ', 'finalLoss']) expect(res.metrics[k], k).toBe(ref.metrics[k]);
  });

  it('saves a checkpoint and exits with 130 on SIGTERM', async () => {
    const checkpoint = join(dir, 'term.ckpt.json');
    const args = common.filter((a) => a !== '--quiet');
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@gflownet/source', 'packages/cli/src/bin.ts', 'train', ...args, '--iterations', '100000', '--checkpoint', checkpoint, '--checkpoint-every', '100000'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d) => {
      stderr += String(d);
      if (!sent && /iteration 20 /.test(stderr)) {
        sent = true;
        child.kill('SIGTERM');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    const code = await new Promise((r) => child.on('close', r));
    clearTimeout(timer);
    expect(code).toBe(130);
    expect(stderr).toMatch(/SIGTERM: stopping after this iteration and saving/);
    expect(stderr).toMatch(/continue with: gfn train --resume/);
    expect(readCheckpointFile(checkpoint).state.iteration).toBeGreaterThanOrEqual(20);
  }, 300_000);

  it('gives identical results files for one seed (timings aside)', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    for (const f of [a, b]) expect(await runCli(['train', ...common, '--iterations', '20', '--out', f])).toBe(0);
    const strip = (r: Results & { throughput?: unknown }) => ({ ...r, history: withoutTimes(r.history), throughput: undefined });
    expect(strip(read(b))).toEqual(strip(read(a)));
  });

  it('rejects corrupt, truncated and mismatched checkpoints without touching them', async () => {
    const good = join(dir, 'good.ckpt.json');
    expect(await runCli(['train', ...common, '--iterations', '10', '--checkpoint', good, '--checkpoint-every', '5'])).toBe(0);
    const text = readFileSync(good, 'utf8');
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, text.slice(0, text.length / 2));
    const corrupt = join(dir, 'corrupt.json');
    const edited = text.replace('"iteration":10,', '"iteration":11,');
    expect(edited).not.toBe(text);
    writeFileSync(corrupt, edited);
    const cases: [string[], RegExp][] = [
      [['--resume', truncated], /is truncated: it ends before its end record/],
      [['--resume', corrupt], /corrupt: its checksum does not match/],
      [['--resume', join(dir, 'missing.json')], /does not exist/],
      [['--resume', good, '--height', '6'], /--height 6 does not match checkpoint .*\(5\)/],
      [['--resume', good, '--hidden', '32'], /--hidden 32 does not match/],
      [['--checkpoint', good], /already exists/],
    ];
    for (const [argv, message] of cases) {
      io.err = '';
      expect(await runCli(['train', ...argv, '--iterations', '20']), argv.join(' ')).toBe(2);
      expect(io.err).toMatch(message);
    }
    expect(readFileSync(truncated, 'utf8')).toBe(text.slice(0, text.length / 2));
    expect(readFileSync(good, 'utf8')).toBe(text);
  });

  it('samples from a checkpoint into a CSV with exact log P_F^T', async () => {
    const checkpoint = join(dir, 'sample.ckpt.json');
    expect(await runCli(['train', ...common, '--iterations', '10', '--checkpoint', checkpoint])).toBe(0);
    const csv = join(dir, 'samples.csv');
    expect(await runCli(['sample', '--checkpoint', checkpoint, '--n', '50', '--out', csv, '--backend', 'cpu'])).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('key,reward,logReward,logPFT');
    expect(lines).toHaveLength(51);
    for (const line of lines.slice(1)) {
      // The key "x,y" is quoted because it holds a comma.
      const [reward, logReward, logPFT] = (/^"\d+,\d+",(.*)$/.exec(line)?.[1] ?? '').split(',');
      expect(Math.log(Number(reward))).toBeCloseTo(Number(logReward), 9);
      expect(Number(logPFT)).toBeLessThan(0);
    }
    io.err = '';
    expect(await runCli(['sample', '--checkpoint', join(dir, 'nope.json'), '--out', csv])).toBe(2);
    expect(io.err).toMatch(/does not exist/);
  });

  it('reads options from a config file, with unknown keys and bad values rejected', async () => {
    const ok = join(dir, 'config.json');
    writeFileSync(ok, JSON.stringify({ height: 4, iterations: 10, hidden: '8', backend: 'cpu', quiet: true }));
    const out = join(dir, 'config-run.json');
    expect(await runCli(['train', '--config', ok, '--iterations', '12', '--out', out])).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.config).toMatchObject({ height: 4, iterations: 12, hidden: [8] });
    const cases: [unknown, RegExp][] = [
      [{ heigth: 4 }, /unknown key "heigth"/],
      [{ height: 1 }, /--height must be ≥ 2/],
      [{ quiet: 'yes' }, /"quiet" must be true or false/],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [config, message] of cases) {
      const f = join(dir, 'bad-config.json');
      writeFileSync(f, JSON.stringify(config));
      io.err = '';
      expect(await runCli(['train', '--config', f])).toBe(2);
      expect(io.err).toMatch(message);
    }
  });
});
