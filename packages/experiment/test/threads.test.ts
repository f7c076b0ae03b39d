import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment, TrajectoryBatch } from '@gflownet/core';
import { packTrajectories, Random, trajectoryRowIndices, trajectoryRows } from '@gflownet/core';
import type { ShardParts, TrainingState } from '@gflownet/trainer';
import { combineShards, shardGradients, train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/index.js';
import { buildObjective, buildPolicy, buildSampler, ConfigError, prepareExperiment, runExperiment, shardUnit, startShardWorkers } from '../src/index.js';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gfn-threads-'));
const quiet = { warn: () => {} };
const small: RunConfigInput = {
  env: { name: 'hypergrid', ndim: 2, height: 5 },
  budget: { iterations: 60, batchSize: 8 },
  evaluation: { evalEvery: 20 },
  policy: { hidden: [16] },
  seed: 3,
  backend: 'cpu',
};
const withoutTimes = (h: readonly { seconds: number }[]) => h.map(({ seconds: _s, ...rest }) => rest);

/** Trajectories `idx` of a batch, as a batch of their own. */
function subBatch<S>(env: Environment<S>, batch: TrajectoryBatch<S>, idx: number[]): TrajectoryBatch<S> {
  const rows = idx.map((b) => trajectoryRows(batch, b));
  const states = batch.states ? env.select(batch.states, trajectoryRowIndices(batch, idx)) : undefined;
  return packTrajectories(batch, rows, idx.map((b) => batch.logRewards[b] as number), env.select(batch.terminals, idx), batch.behaviour.onPolicy, states);
}

describe('threads', () => {
  const splittable: RunConfigInput['objective'][] = [{ name: 'tb' }, { name: 'db' }, { name: 'mdb' }, { name: 'subtb' }, { name: 'subtb', subtbWeighting: 'equal-within' }];
  for (const objectiveConfig of splittable) {
    it(`shards of a batch add up to the batch's loss and gradient (${objectiveConfig?.name} ${objectiveConfig?.subtbWeighting ?? ''})`, async () => {
      const { config, built } = await prepareExperiment({ ...small, objective: objectiveConfig }, () => {});
      const objective = buildObjective(config);
      const policy = await buildPolicy(config, built, objective.requires.flow === true);
      const logZ = tf.variable(tf.scalar(0.7));
      const unit = shardUnit(config.objective);
      if (typeof unit !== 'string') throw new Error(unit.reason);
      const variables = Object.values({ ...policy.parameters(), logZ: objective.requires.logZ ? [logZ] : [] }).flat();
      const parts: ShardParts<unknown> = { env: built.env, policy, objective, sampler: buildSampler(config), ...(objective.requires.logZ ? { logZ } : {}), variables, unit, seed: 0 };
      const batch = await parts.sampler.sample({ env: built.env, policy, n: 7, random: new Random(5), iteration: 0, recordStateLogRewards: objective.requires.stateLogRewards === true });
      const whole = shardGradients(parts, batch, 0);
      const shards = [[0, 1, 2], [3, 4], [5, 6]].map((idx) => shardGradients(parts, subBatch(built.env, batch, idx), 0));
      const combined = combineShards(shards);
      expect(combined.loss).toBeCloseTo(whole.loss, 4);
      const scale = Math.max(...whole.gradients.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      const worst = Math.max(...combined.gradients.map((g, i) => Math.abs(g - (whole.gradients[i] as number))));
      expect(worst / scale).toBeLessThan(1e-5);
      policy.dispose();
      logZ.dispose();
    });
  }

  it('refuses what cannot be split, naming the field', async () => {
    const refusals: [RunConfigInput, RegExp][] = [
      [{ ...small, threads: 2, objective: { name: 'rkl' } }, /^threads: 2 threads split each batch, but rkl uses batch-wide/],
      [{ ...small, threads: 2, objective: { name: 'fm' } }, /^threads: .*fm normalises/],
      [{ ...small, threads: 2, objective: { name: 'subtb', subtbWeighting: 'equal' } }, /^threads: .*"equal"/],
      [{ ...small, threads: 2, sampler: { kind: 'replay' } }, /^threads: 2 threads need an on-policy or off-policy sampler/],
      [{ ...small, threads: 3, budget: { batchSize: 2 } }, /^threads: 3 threads need a batch of at least 3 trajectories, got 2$/],
      [{ ...small, threads: 0 }, /^threads: must be ≥ 1, got 0$/],
    ];
    for (const [input, message] of refusals) {
      const error = await prepareExperiment(input, () => {}).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('gives identical results for the same seed and thread count, and records the thread count', async () => {
    const a = await runExperiment({ ...small, threads: 2 }, quiet);
    const b = await runExperiment({ ...small, threads: 2 }, quiet);
    expect(withoutTimes(a.results.history)).toEqual(withoutTimes(b.results.history));
    expect(a.results.metrics).toEqual(b.results.metrics);
    expect(a.results.config.runConfig.threads).toBe(2);
    // Another thread count samples other streams: a different run, as the docs say.
    const one = await runExperiment(small, quiet);
    expect(one.results.config.runConfig.threads).toBe(1);
    expect(one.results.metrics.logZ).not.toBe(a.results.metrics.logZ);
    // The run still learns.
    expect(a.results.metrics.jsd).toBeLessThan(0.5);
  }, 120_000);

  it('resumes a threaded run exactly', async () => {
    const config = { ...small, threads: 2 };
    const whole = await runExperiment(config, quiet);
    let saved: TrainingState | undefined;
    // Stopped at an evaluation of the whole run's schedule (every 20), so that the histories line up.
    await runExperiment({ ...config, budget: { iterations: 40, batchSize: 8 } }, { ...quiet, checkpointEvery: 40, onCheckpoint: (state) => {
        saved = state;
      },
    });
    if (!saved) throw new Error('no checkpoint');
    const resumed = await runExperiment(config, { ...quiet, resume: saved });
    expect(withoutTimes(resumed.results.history)).toEqual(withoutTimes(whole.results.history));
    expect(resumed.results.metrics).toEqual(whole.results.metrics);
  }, 120_000);

  it('keeps tensors and memory flat over a long threaded run', async () => {
    const iterations = 800;
    const { config, built } = await prepareExperiment({ ...small, threads: 2, policy: { hidden: [256, 256] }, budget: { iterations, batchSize: 8 } }, () => {});
    const objective = buildObjective(config);
    const policy = await buildPolicy(config, built, false);
    const sizes = [...Object.values(policy.parameters()).flat().map((v) => v.size), 1];
    const workers = await startShardWorkers(config, 1, sizes);
    const tensors: number[] = [];
    const workerTensors: number[] = [];
    const rss: number[] = [];
    try {
      const before = tf.memory().numTensors;
      await train({
        env: built.env,
        policy,
        objective,
        sampler: buildSampler(config),
        iterations,
        batchSize: 8,
        seed: 1,
        evalEvery: 50,
        parallel: { threads: 2, unit: 'trajectories', remote: workers },
        onEvaluation: () => {
          tensors.push(tf.memory().numTensors);
          workerTensors.push(workers.numTensors[0] as number);
          rss.push(process.memoryUsage.rss());
        },
      });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await workers.close();
      policy.dispose();
    }
    expect(new Set(tensors.slice(1)).size, `tensors ${tensors.join(', ')}`).toBe(1);
    expect(new Set(workerTensors.slice(1)).size, `worker tensors ${workerTensors.join(', ')}`).toBe(1);
    // Each iteration moves ~0.6 MB of parameters and gradients each way: kept, they would add ~110-240 MB over
    // the second half. (The heap breathes with the collector's rhythm, so halves are compared by their peaks.)
    const half = rss.length / 2;
    const growth = Math.max(...rss.slice(half)) - Math.max(...rss.slice(0, half));
    expect(growth, `RSS ${rss.map((r) => (r / 2 ** 20).toFixed(0)).join(', ')} MB`).toBeLessThan(48 * 2 ** 20);
  }, 300_000);

  it('reports a failure inside a thread as one line and stops its threads', async () => {
    const rewardModule = join(root, 'packages/experiment/test/fixtures/worker-failing-reward.ts');
    const error = await runExperiment({ ...small, threads: 2, env: { name: 'hypergrid', ndim: 2, height: 5, rewardModule } }, quiet).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/^thread 1: reward failed in a worker thread at \(\d+, \d+\)$/);
  }, 120_000);

  it('ends the CLI process when a threaded run finishes or fails (no thread left running)', async () => {
    const out = join(dir, 'cli.json');
    const run = (extra: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const args = ['--import', 'tsx', '--conditions=@gflownet/source', 'packages/cli/src/bin.ts', 'train', '--env', 'hypergrid', '--ndim', '2', '--height', '4', '--hidden', '16'];
        const child = spawn(process.execPath, [...args, '--batch-size', '4', '--iterations', '20', '--backend', 'cpu', '--threads', '2', '--quiet', ...extra], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += String(d);
        });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`gfn train ${extra.join(' ')} did not exit within 90 s: ${stderr}`));
        }, 90_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    const ok = await run(['--out', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { config: { runConfig: { threads: number } } }).config.runConfig.threads).toBe(2);
    const failed = await run(['--reward-module', 'packages/experiment/test/fixtures/worker-failing-reward.ts']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/thread 1: reward failed in a worker thread/)]);
  }, 200_000);
});
