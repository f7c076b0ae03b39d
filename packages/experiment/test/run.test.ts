import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareExperiment, readRunCheckpoint, runExperiment, sampleCheckpoint, writeRunCheckpoint } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gfn-experiment-'));
const quiet = { warn: () => {} };

describe('prepareExperiment', () => {
  it("writes the environment's output files unless told not to (a threaded run's workers)", async () => {
    const kept = join(dir, 'kept.csv');
    const skipped = join(dir, 'skipped.csv');
    await prepareExperiment({ env: { name: 'dag', simulate: '3,20,0', saveData: kept }, backend: 'cpu' }, () => {});
    await prepareExperiment({ env: { name: 'dag', simulate: '3,20,0', saveData: skipped }, backend: 'cpu' }, () => {}, { writeOutputs: false });
    expect(readFileSync(kept, 'utf8').split('\n').filter((l) => l.trim() !== '')).toHaveLength(21);
    expect(existsSync(skipped)).toBe(false);
  });
});

describe('runExperiment', () => {
  it('trains a 3-variable DAG posterior with the default off-policy settings (relative reward, ε 0.5 → 0.1)', async () => {
    const { results } = await runExperiment(
      { env: { name: 'dag', simulate: '3,100,0' }, sampler: { kind: 'off-policy' }, budget: { iterations: 1500 }, policy: { hidden: [64, 64] }, backend: 'cpu' },
      quiet,
    );
    expect(results.config).toMatchObject({ sampler: 'off-policy', epsilon: 0.5, epsilonFinal: 0.1, 'relative-reward': 1 });
    expect(results.config.runConfig.sampler.kind).toBe('off-policy');
    expect(results.metrics.jsd).toBeLessThan(1e-3);
    expect(results.warnings).toBeUndefined();
  }, 300_000);

  it('checkpoints, resumes to the same numbers, and samples, from the library alone', async () => {
    const config = { env: { name: 'hypergrid', ndim: 2, height: 4 }, budget: { iterations: 40, batchSize: 8 }, evaluation: { evalEvery: 10 }, policy: { hidden: [16] }, backend: 'cpu' as const };
    const whole = await runExperiment(config, quiet);
    const file = join(dir, 'half.ckpt');
    const half = await runExperiment({ ...config, budget: { ...config.budget, iterations: 20 } }, {
      ...quiet,
      checkpointEvery: 20,
      onCheckpoint: (state, prepared) => writeRunCheckpoint(file, state, { runConfig: prepared.config, settings: prepared.built.settings, inputs: prepared.inputs }),
    });
    expect(half.result.iterations).toBe(20);
    const stored = await readRunCheckpoint(file);
    expect(stored.legacy).toBe(false);
    const resumed = await runExperiment({ ...stored.config, budget: { ...config.budget, iterations: 40 } }, { ...quiet, resume: stored.state });
    expect(resumed.results.metrics.jsd).toBe(whole.results.metrics.jsd);
    expect(resumed.results.metrics.logZ).toBe(whole.results.metrics.logZ);
    const table = await sampleCheckpoint(stored, { n: 5, seed: 1 });
    expect(table.header).toEqual(['key', 'reward', 'logReward', 'logPFT']);
    expect(table.rows).toHaveLength(5);
  }, 120_000);

  it('refuses to resume when an input file changed, naming the file', async () => {
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, 'A,B\n1,2\n2,3.9\n3,6.1\n4,8\n');
    const file = join(dir, 'dag.ckpt');
    await runExperiment({ env: { name: 'dag', data: csv }, budget: { iterations: 2 }, policy: { hidden: [8] }, backend: 'cpu' }, {
      ...quiet,
      checkpointEvery: 1,
      onCheckpoint: (state, prepared) => writeRunCheckpoint(file, state, { runConfig: prepared.config, settings: prepared.built.settings, inputs: prepared.inputs }),
    });
    writeFileSync(csv, 'A,B\n1,2\n2,4\n');
    const stored = await readRunCheckpoint(file);
    await expect(sampleCheckpoint(stored, { n: 2, source: file })).rejects.toThrow(/data\.csv changed since checkpoint .*dag\.ckpt was written/);
  }, 120_000);
});
