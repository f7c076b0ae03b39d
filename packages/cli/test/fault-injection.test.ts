import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@gflownet/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/index.js';

const root = new URL('../../../', import.meta.url).pathname;
const preload = join(root, 'packages/cli/test/fixtures/kill-during-write.mjs');
// A new folder per attempt (the test has one retry: its kills race the OS).
let dir = '';
// Each child advances at most ~16 iterations before its kill (PROGRESS_CAP), so 22 kills never reach the end,
// however fast the machine.
const ITERATIONS = '600';
const PROGRESS_CAP = 16;
// A tiny run whose checkpoints hold a replay buffer, written every 3 iterations; progress every 2.
const run = ['--env', 'hypergrid', '--ndim', '2', '--height', '4', '--hidden', '8', '--batch-size', '4', '--seed', '7', '--eval-every', '2', '--sampler', 'replay', '--replay-capacity', '64', '--backend', 'cpu'];
const control = ['--iterations', ITERATIONS, '--checkpoint-every', '3'];

const print = process.stderr.write.bind(process.stderr);
beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

type Results = { history: { seconds: number }[]; throughput: unknown };
const withoutTimes = (r: Results) => ({ ...r, history: r.history.map(({ seconds: _s, ...rest }) => rest), throughput: undefined });
const leftovers = (): string[] => readdirSync(dir).filter((f) => f.includes('.tmp-') || f.endsWith('.lock'));

/**
 * How one child dies: at its own N-th checkpoint write (half written), after some iterations, or at a random time
 * (often during start-up; on a fast machine, after at most PROGRESS_CAP iterations).
 */
type Kill = { kind: 'write'; at: number } | { kind: 'progress'; after: number } | { kind: 'time'; ms: number };

function drawKill(random: Random): Kill {
  const r = random.next();
  if (r < 0.4) return { kind: 'write', at: 1 + random.int(4) };
  if (r < 0.85) return { kind: 'progress', after: random.int(8) };
  return { kind: 'time', ms: random.int(1200) };
}

/** Runs one `gfn train` child until it is killed as `kill` says; resolves to its pid and exit code or signal. */
async function runChild(args: string[], kill: Kill): Promise<{ pid: number; outcome: string }> {
  const env = { ...process.env, GFN_KILL_AT_WRITE: kill.kind === 'write' ? String(kill.at) : '0' };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--import', preload, '--conditions=@gflownet/source', 'packages/cli/src/bin.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let first: number | undefined;
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
    if (kill.kind === 'write') return;
    const limit = kill.kind === 'progress' ? 2 * kill.after : PROGRESS_CAP;
    for (const m of stderr.matchAll(/^iteration (\d+) /gm)) {
      const at = Number(m[1]);
      first ??= at;
      if (at >= first + limit) child.kill('SIGKILL');
    }
  });
  const timer = kill.kind === 'time' ? setTimeout(() => child.kill('SIGKILL'), kill.ms) : undefined;
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  clearTimeout(guard);
  if (signal === null && code !== 0) throw new Error(`gfn train ${args.join(' ')} exited with ${code}: ${stderr}`);
  return { pid: child.pid as number, outcome: signal ?? String(code) };
}

describe('fault injection', () => {
  it('a run killed 20+ times at random points, some in the middle of checkpoint writes, ends bit for bit as an uninterrupted one', { retry: 1, timeout: 300_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'gfn-faults-'));
    const reference = join(dir, 'reference.json');
    expect(await runCli(['train', ...run, ...control, '--out', reference, '--quiet'])).toBe(0);

    const checkpoint = join(dir, 'run.ckpt');
    const out = join(dir, 'run.json');
    const random = new Random(13);
    const counts = { kills: 0, midWrite: 0, beforeFirstCheckpoint: 0, takenOverLocks: 0 };
    while (counts.kills < 22) {
      const resuming = existsSync(checkpoint);
      const args = ['train', ...(resuming ? ['--resume', checkpoint] : [...run, '--checkpoint', checkpoint]), ...control, '--out', out];
      if (leftovers().some((f) => f.endsWith('.lock'))) counts.takenOverLocks++;
      const { pid, outcome } = await runChild(args, drawKill(random));
      if (outcome !== 'SIGKILL') break; // finished before its kill: nothing left to interrupt
      counts.kills++;
      if (!resuming) counts.beforeFirstCheckpoint++;
      // A temporary left behind: this kill landed inside a checkpoint write; the last checkpoint is intact.
      if (existsSync(`${checkpoint}.tmp-${pid}`)) counts.midWrite++;
    }
    print(`fault injection: ${JSON.stringify(counts)}\n`);
    expect(counts.kills).toBeGreaterThanOrEqual(20);
    expect(counts.midWrite).toBeGreaterThanOrEqual(3);
    expect(counts.takenOverLocks).toBeGreaterThanOrEqual(10);

    const final = ['train', ...(existsSync(checkpoint) ? ['--resume', checkpoint] : [...run, '--checkpoint', checkpoint]), ...control, '--out', out, '--quiet'];
    expect(await runCli(final)).toBe(0);
    const expected = JSON.parse(readFileSync(reference, 'utf8')) as Results;
    const got = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(withoutTimes(got)).toEqual(withoutTimes(expected));
    expect(leftovers()).toEqual([]);
  });
});
