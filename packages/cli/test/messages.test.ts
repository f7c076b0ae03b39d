import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointFile, writeRunCheckpoint } from '@gflownet/experiment';
import type { TrainingState } from '@gflownet/trainer';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const dir = mkdtempSync(join(tmpdir(), 'gfn-messages-'));
const common = ['--env', 'hypergrid', '--ndim', '2', '--height', '4', '--hidden', '8', '--batch-size', '4', '--seed', '2', '--eval-every', '5', '--backend', 'cpu', '--quiet'];

const io = captureOutput();

/** Rewrites a checkpoint with an edit (a valid checksum: only the run's own checks can object). */
function edit(from: string, to: string, change: (state: TrainingState, config: Record<string, unknown>) => TrainingState): void {
  const { state, config } = readCheckpointFile(from);
  const runConfig = config.runConfig as never;
  writeRunCheckpoint(to, change(state, config), { runConfig, settings: config.settings as never, inputs: config.inputs as never });
}

describe('gfn train messages', () => {
  it('reports a linear-Gaussian score that overflows as the reward, not as the learning rates', async () => {
    // Three correlated columns on a scale of 1e140: every score is finite in float64, the relative log R is not in float32.
    const rows = Array.from({ length: 20 }, (_, i) => {
      const a = Math.sin(i + 1);
      const b = a + Math.cos(3 * i);
      return [a, b, b + Math.sin(7 * i)].map((v) => (v * 1e140).toExponential(6)).join(',');
    });
    const data = join(dir, 'scaled.csv');
    writeFileSync(data, ['a,b,c', ...rows].join('\n'));
    expect(await runCli(['train', '--env', 'dag', '--data', data, '--score', 'lingauss', '--iterations', '5', '--batch-size', '4', '--hidden', '8', '--backend', 'cpu', '--quiet'])).toBe(1);
    expect(io.err).toMatch(/tb loss became (Infinity|NaN) at iteration 0 .*the reward overflows, not the training: log R is -?[\d.e+]+ for dag state/);
    expect(io.err).not.toMatch(/lower the learning rates or/);
  });

  it('names the file when a checkpoint\'s tensors do not fit the policy its config builds', async () => {
    const good = join(dir, 'shape.ckpt');
    expect(await runCli(['train', ...common, '--iterations', '5', '--checkpoint', good])).toBe(0);
    const edited = join(dir, 'shape-edited.ckpt');
    edit(good, edited, (state, config) => {
      const run = config.runConfig as { policy: { hidden: number[] } };
      run.policy.hidden = [12];
      return state;
    });
    expect(await runCli(['train', '--resume', edited, '--iterations', '10', '--quiet'])).toBe(2);
    expect(io.err).toMatch(/checkpoint .*shape-edited\.ckpt: forward tensor 0 has shape \[8,8\], the policy's is \[8,12\]/);
  });

  it('never calls a checkpoint that leads to a divergence good, and says so when a resumed one diverges', async () => {
    const good = join(dir, 'diverge.ckpt');
    expect(await runCli(['train', ...common, '--logz-optimizer', 'sgd', '--iterations', '10', '--checkpoint', good, '--checkpoint-every', '5'])).toBe(0);

    // log Z of 1e30: the first resumed iteration's squared residual overflows float32.
    const hot = join(dir, 'diverge-hot.ckpt');
    edit(good, hot, (state) => ({ ...state, logZ: 1e30 }));
    const before = readFileSync(hot, 'utf8');
    expect(await runCli(['train', '--resume', hot, '--iterations', '20', '--quiet'])).toBe(1);
    expect(io.err).toMatch(/loss became Infinity at iteration 10 .*; this run resumed .*diverge-hot\.ckpt at iteration 10 and diverged before writing a checkpoint, so resuming it with its settings diverges again/);
    expect(io.err).not.toMatch(/good|may diverge/);
    expect(readFileSync(hot, 'utf8')).toBe(before);

    // A momentum of 1e37: one step sends log Z to about -1e36, the checkpoint of iteration 11 is written, iteration 11 diverges.
    const momentum = join(dir, 'diverge-momentum.ckpt');
    edit(good, momentum, (state) => ({ ...state, logZSgd: { kind: 'sgd', step: 10, buffers: [Float32Array.from([1e37])] } }));
    io.err = '';
    const next = join(dir, 'diverge-next.ckpt');
    expect(await runCli(['train', '--resume', momentum, '--checkpoint', next, '--checkpoint-every', '1', '--iterations', '20', '--quiet'])).toBe(1);
    expect(io.err).toMatch(/loss became Infinity at iteration 11 .*; the checkpoint of iteration 11 is kept in .*diverge-next\.ckpt, but resuming it with the same settings replays the same iterations \(resume is exact\) and diverges again/);
    expect(io.err).not.toMatch(/good/);
    expect(readCheckpointFile(next).state.iteration).toBe(11);
  });
});
