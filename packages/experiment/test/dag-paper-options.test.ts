import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dagExperiment } from '@gflownet/env-dag/experiment';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import { describe, expect, it } from 'vitest';
import { ConfigError, readRunCheckpoint, resolveRunConfig, runConfigFromFlat, runExperiment, writeRunCheckpoint } from '../src/index.js';

const grid = hypergridExperiment as never;
const dag = dagExperiment as never;
const quiet = { warn: () => {} };
const dir = mkdtempSync(join(tmpdir(), 'gfn-dag-paper-'));

function configError(input: object, entry = grid): ConfigError {
  try {
    resolveRunConfig({ env: { name: entry === grid ? 'hypergrid' : 'dag', ...(entry === dag ? { simulate: '3,20,0' } : {}) }, ...input } as never, entry);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe("the DAG paper's training options in the experiment layer", () => {
  it('defaults to Adam for log Z and trajectory replay; the flags set the fields', () => {
    const replay = resolveRunConfig({ env: { name: 'hypergrid' }, sampler: { kind: 'replay' } }, grid);
    expect(replay.optimizer).toMatchObject({ logZOptimizer: 'adam', logZMomentum: 0.8 });
    expect(replay.sampler).toMatchObject({ replayUnit: 'trajectories' });
    const flat = runConfigFromFlat({ 'logz-optimizer': 'sgd', 'logz-momentum': 0.5, 'replay-unit': 'transitions', sampler: 'replay', objective: 'mdb', baseline: 'batch-mean' }, dag);
    expect(flat).toMatchObject({ optimizer: { logZOptimizer: 'sgd', logZMomentum: 0.5 }, sampler: { kind: 'replay', replayUnit: 'transitions' }, objective: { name: 'mdb', baseline: 'batch-mean' } });
    const resolved = resolveRunConfig({ env: { name: 'dag', simulate: '3,20,0' }, ...flat } as never, dag);
    expect(resolveRunConfig(structuredClone(resolved), dag)).toEqual(resolved);
  });

  it('names the field of a bad value or combination', () => {
    const cases: [object, string[], RegExp, unknown?][] = [
      [{ optimizer: { logZMomentum: 1 } }, ['optimizer', 'logZMomentum'], /must be < 1, got 1/],
      [{ optimizer: { logZOptimizer: 'rmsprop' } }, ['optimizer', 'logZOptimizer'], /must be one of adam\|sgd/],
      [{ objective: { baseline: 'mean' } }, ['objective', 'baseline'], /must be one of none\|local\|global\|batch-mean/],
      [{ sampler: { replayUnit: 'transitions' } }, ['sampler', 'replayUnit'], /needs sampler kind off-policy or replay/],
      [{ sampler: { kind: 'replay', replayUnit: 'transitions' } }, ['sampler', 'replayUnit'], /trains objective mdb only .*, not tb/],
      [{ objective: { name: 'mdb' }, sampler: { kind: 'replay', replayUnit: 'transitions', prioritized: true } }, ['sampler', 'replayUnit'], /cannot be prioritized/, dag],
      [{ objective: { name: 'mdb' }, sampler: { kind: 'replay', replayUnit: 'transitions', replayStore: 'terminals' } }, ['sampler', 'replayUnit'], /needs replayStore trajectories/, dag],
    ];
    for (const [input, path, reason, entry] of cases) {
      const err = configError(input, (entry as never) ?? grid);
      expect(err.path).toEqual(path);
      expect(err.reason).toMatch(reason);
    }
  });

  it('trains log Z by SGD with momentum, records it, and resumes to the same numbers', async () => {
    const config = {
      env: { name: 'hypergrid', ndim: 2, height: 4 },
      optimizer: { logZOptimizer: 'sgd', lrLogZ: 0.1 },
      budget: { iterations: 16, batchSize: 8 },
      evaluation: { evalEvery: 8 },
      policy: { hidden: [16] as number[] },
      backend: 'cpu',
    } as const;
    const whole = await runExperiment(config, quiet);
    expect(whole.results.config).toMatchObject({ logZOptimizer: 'sgd', logZMomentum: 0.8, learningRates: { logZ: 0.1 } });
    const adam = await runExperiment({ ...config, optimizer: { lrLogZ: 0.1 } }, quiet);
    expect(adam.results.metrics.logZ).not.toBe(whole.results.metrics.logZ);
    const file = join(dir, 'sgd.ckpt');
    await runExperiment({ ...config, budget: { ...config.budget, iterations: 8 } }, {
      ...quiet,
      checkpointEvery: 8,
      onCheckpoint: (state, prepared) => writeRunCheckpoint(file, state, { runConfig: prepared.config, settings: prepared.built.settings, inputs: prepared.inputs }),
    });
    const stored = await readRunCheckpoint(file);
    expect(stored.state.logZSgd?.step).toBe(8);
    const resumed = await runExperiment({ ...stored.config, budget: { ...config.budget } }, { ...quiet, resume: stored.state });
    expect(resumed.results.metrics.logZ).toBe(whole.results.metrics.logZ);
    expect(resumed.results.metrics.jsd).toBe(whole.results.metrics.jsd);
  }, 60_000);

  it('runs modified DB on replayed transitions and reverse KL with the batch-mean baseline on a 3-variable DAG', async () => {
    const base = { env: { name: 'dag', simulate: '3,20,0' }, policy: { hidden: [16] as number[], backward: 'uniform' }, budget: { iterations: 6, batchSize: 4 }, backend: 'cpu' } as const;
    const sampler = { kind: 'replay', replayRatio: 1, prefill: 8, collect: 1 } as const;
    const mdb = await runExperiment({ ...base, objective: { name: 'mdb', loss: 'huber' }, sampler: { ...sampler, replayUnit: 'transitions' } }, quiet);
    expect(mdb.results.config).toMatchObject({ objective: 'mdb', sampler: 'replay', replayUnit: 'transitions' });
    expect(mdb.results.metrics.finalLoss).not.toBeNull();
    const rkl = await runExperiment({ ...base, objective: { name: 'rkl', baseline: 'batch-mean' }, sampler, optimizer: { logZOptimizer: 'sgd' } }, quiet);
    expect(rkl.results.config.runConfig.objective.baseline).toBe('batch-mean');
    expect(rkl.results.metrics.finalLoss).not.toBeNull();
  }, 60_000);
});
