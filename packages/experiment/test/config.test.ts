import { dagExperiment } from '@gflownet/env-dag/experiment';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import type { ExactEvaluation } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_OFF_POLICY_EXPLORATION, parseRunConfig, resolveRunConfig, runConfigJsonSchema, runWarnings } from '../src/index.js';

const grid = hypergridExperiment as never;
const dag = dagExperiment as never;

describe('resolveRunConfig', () => {
  it('fills every default from one place and resolves a resolved config to itself', () => {
    const config = resolveRunConfig({ env: { name: 'hypergrid' } }, grid);
    expect(config).toMatchObject({
      version: 1,
      policy: { kind: 'mlp', hidden: [256, 256], backward: 'learned', stopHead: 'softmax' },
      objective: { name: 'tb', loss: 'squared' },
      sampler: { kind: 'on-policy' },
      optimizer: { lr: 1e-3, lrPb: 1e-3, lrLogZ: 0.1, logZInit: 0 },
      budget: { iterations: 2000, batchSize: 16 },
      evaluation: { evalEvery: 100 },
      seed: 0,
      backend: 'wasm',
    });
    expect(resolveRunConfig(structuredClone(config), grid)).toEqual(config);
    const replay = resolveRunConfig({ env: { name: 'hypergrid' }, sampler: { kind: 'replay' } }, grid);
    expect(resolveRunConfig(structuredClone(replay), grid)).toEqual(replay);
  });

  it('makes an off-policy sampler with no exploration setting explore (ε 0.5 → 0.1), and keeps explicit settings', () => {
    const off = resolveRunConfig({ env: { name: 'dag', simulate: '3,20,0' }, sampler: { kind: 'off-policy' } }, dag);
    expect(off.sampler).toMatchObject({ kind: 'off-policy', ...DEFAULT_OFF_POLICY_EXPLORATION, schedule: 'cosine', explorationIterations: 400 });
    const explicit = resolveRunConfig({ env: { name: 'hypergrid' }, sampler: { kind: 'off-policy', temperature: 2 } }, grid);
    expect(explicit.sampler).toMatchObject({ epsilon: 0, temperature: 2, temperatureFinal: 1 });
    // DAG rewards are relative to the empty graph by default, so log Z learned from 0 does not collapse the policy.
    expect(off.env.relativeReward).toBe(true);
    expect(resolveRunConfig({ env: { name: 'dag', simulate: '3,20,0', relativeReward: false } }, dag).env.relativeReward).toBe(false);
  });

  it('accepts negative seeds and log Z starts; names the field of every bad value', () => {
    expect(resolveRunConfig({ env: { name: 'hypergrid' }, seed: -1, optimizer: { logZInit: -5 } }, grid)).toMatchObject({ seed: -1, optimizer: { logZInit: -5 } });
    const cases: [unknown, string[], RegExp][] = [
      [{ seed: 1e20 }, ['seed'], /must be/],
      [{ optimizer: { lr: 10 } }, ['optimizer', 'lr'], /must be ≤ 1, got 10/],
      [{ budget: { batchSize: 0 } }, ['budget', 'batchSize'], /must be ≥ 1, got 0/],
      [{ objective: { name: 'nope' } }, ['objective', 'name'], /must be one of fm\|db/],
      [{ env: { name: 'hypergrid', height: 1 } }, ['env', 'height'], /must be ≥ 2, got 1/],
      [{ env: { name: 'hypergrid', heigth: 4 } }, ['env'], /unknown setting "heigth"/],
      [{ sampler: { epsilon: 0.1 } }, ['sampler', 'epsilon'], /needs sampler kind off-policy or replay/],
      [{ sampler: { kind: 'off-policy', prefill: 3 } }, ['sampler', 'prefill'], /needs sampler kind replay/],
      [{ policy: { kind: 'gnn' } }, ['policy', 'kind'], /not offered by environment hypergrid/],
      [{ budget: { iterations: 'ten' } }, ['budget', 'iterations'], /must be a number/],
    ];
    for (const [input, path, message] of cases) {
      const run = () => resolveRunConfig({ env: { name: 'hypergrid' }, ...(input as object) } as never, grid);
      expect(run).toThrow(ConfigError);
      try {
        run();
      } catch (err) {
        expect((err as ConfigError).path).toEqual(path);
        expect((err as ConfigError).reason).toMatch(message);
      }
    }
  });

  it('emits a JSON Schema whose defaults are the schema defaults', () => {
    const schema = runConfigJsonSchema([hypergridExperiment as never]) as { properties: Record<string, { properties?: Record<string, { default?: unknown }> }> };
    expect(schema.properties.budget?.properties?.iterations?.default).toBe(parseRunConfig({}).budget.iterations);
    expect(schema.properties.optimizer?.properties?.lr?.default).toBe(1e-3);
  });
});

describe('runWarnings', () => {
  const evaluation = (learned: number[], target: number[], jsd: number): ExactEvaluation =>
    ({ jsd, l1: 0, tv: 0, distribution: Float64Array.from(learned), target: { probs: Float64Array.from(target) } }) as unknown as ExactEvaluation;

  it('warns of a collapse onto a few states far from a broad target, and of log Z running away', () => {
    const target = Array.from({ length: 25 }, () => 1 / 25);
    const collapsed = [0.5, 0.5, ...Array.from({ length: 23 }, () => 0)];
    const history = [0, 30, 60, 90, 120, 150].map((logZ) => ({ logZ }));
    const warnings = runWarnings({ exact: evaluation(collapsed, target, 0.35), logZ: 150, trueLogZ: 84, history });
    expect(runWarnings({ exact: evaluation(collapsed, target, 0.35), logZ: 0.1, trueLogZ: 84, history: [{ logZ: 0 }] })).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/collapse: the learned distribution covers about 2\.0 states where the target covers 25\.0/);
    expect(warnings[1]).toMatch(/log Z ran away/);
  });

  it('is silent for a good run, and judges sampled keys where nothing is exact', () => {
    const target = [0.2, 0.3, 0.5];
    expect(runWarnings({ exact: evaluation(target, target, 0), logZ: 1, trueLogZ: 1, history: [] })).toEqual([]);
    expect(runWarnings({ exact: null, logZ: null, trueLogZ: null, history: [], sampledKeys: Array.from({ length: 256 }, () => 'same') })[0]).toMatch(/only 1 distinct/);
    expect(runWarnings({ exact: null, logZ: null, trueLogZ: null, history: [], sampledKeys: Array.from({ length: 256 }, (_, i) => String(i)) })).toEqual([]);
  });
});
