import { checkLogRewards, logOfRewards } from '@gflownet/core';
import { DataError, parseCsv } from '@gflownet/env-dag';
import { CheckpointError, parseCheckpoint, serializeCheckpoint } from '@gflownet/trainer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, readFlagValue, RUN_FLAGS, resolveRunConfig, runConfigFromFlat } from '@gflownet/experiment';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import { SettingsError } from '@gflownet/core';
import { parseOptions, UsageError } from '../src/options.js';
import { runOptionSpecs } from '../src/run-options.js';

const TRAIN_OPTIONS = runOptionSpecs();
const entry = hypergridExperiment as never;

/** A flat JSON config through the experiment layer: typed by flag, then resolved against the schema. */
function resolveFlat(config: unknown): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ConfigError([], 'must be an object');
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const flag = Object.hasOwn(RUN_FLAGS, k) ? RUN_FLAGS[k] : undefined;
    typed[k] = flag && typeof v === 'string' ? readFlagValue(k, flag, v) : v;
  }
  resolveRunConfig(runConfigFromFlat(typed, entry), entry);
}

/** Runs `f`; an exception of an expected (clear-message) class counts as handled, anything else fails. */
function handled(f: () => unknown, ...expected: (new (...a: never[]) => Error)[]): boolean {
  try {
    f();
    return true;
  } catch (err) {
    if (expected.some((E) => err instanceof E) && (err as Error).message.length > 0) return false;
    throw err;
  }
}

const counts = { configs: 0, argv: 0, rewards: 0, checkpoints: 0, dataFiles: 0 };
const optionNames = Object.keys(TRAIN_OPTIONS);
const value = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constantFrom('wasm', 'cpu', 'tb', '256,256', '1e-3', '-1', 'NaN'));

describe('fuzz: inputs at the boundary never cause unhandled exceptions', () => {
  it('config files', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...optionNames), fc.string()), value, { maxKeys: 6 }), (config) => {
        counts.configs++;
        handled(() => resolveFlat(config), ConfigError, SettingsError);
      }),
      { numRuns: 600 },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        counts.configs++;
        handled(() => resolveFlat(JSON.parse(text)), ConfigError, SettingsError, SyntaxError);
      }),
      { numRuns: 400 },
    );
  });

  it('command lines', () => {
    const token = fc.oneof(fc.constantFrom(...optionNames.map((n) => `--${n}`)), fc.string(), fc.integer().map(String), fc.constant('--'));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        counts.argv++;
        handled(() => parseOptions('train', argv, TRAIN_OPTIONS), UsageError);
      }),
      { numRuns: 1000 },
    );
  });

  it('data files (CSV for the DAG environment)', () => {
    const cell = fc.oneof(fc.double().map(String), fc.integer().map(String), fc.constantFrom('', 'NaN', 'inf', '-Infinity', '1e400', 'x', '"3"', ' 2 '), fc.string({ maxLength: 4 }));
    const row = fc.array(cell, { minLength: 0, maxLength: 5 }).map((cells) => cells.join(','));
    const csv = fc.tuple(fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'A', ''), { maxLength: 5 }), fc.array(row, { maxLength: 40 })).map(([header, rows]) => [header.join(','), ...rows].join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));
    fc.assert(
      fc.property(fc.oneof(csv, fc.string()), (text) => {
        counts.dataFiles++;
        handled(() => parseCsv(text, { source: 'fuzz.csv' }), DataError);
      }),
      { numRuns: 1000 },
    );
  });

  it('reward outputs', () => {
    const reward = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1, 1e-300));
    fc.assert(
      fc.property(fc.array(reward, { maxLength: 10 }), fc.nat({ max: 10 }), (rewards, expected) => {
        counts.rewards++;
        const ok = handled(() => logOfRewards(rewards, expected, (i) => `state ${i}`), RangeError);
        const allValid = rewards.length === expected && rewards.every((r) => Number.isFinite(r) && r > 0);
        expect(ok).toBe(allValid);
        handled(() => checkLogRewards(rewards, expected, (i) => `state ${i}`), RangeError);
      }),
      { numRuns: 1000 },
    );
  });

  it('checkpoint files (mutated and arbitrary)', () => {
    const valid = serializeCheckpoint(
      {
        iteration: 3,
        parameters: { forward: [{ shape: [2], data: Float32Array.of(1, 2) }], backward: [], flow: [] },
        logZ: 0.5,
        optimisers: { forward: { step: 3, moments: [{ m: Float32Array.of(0, 1), v: Float32Array.of(1, 1) }] }, backward: { step: 0, moments: [] }, flow: { step: 0, moments: [] }, logZ: { step: 3, moments: [] } },
        random: { a: 1, b: 2, c: 3, d: 4 },
        sampler: null,
        history: [],
        lossSum: 0,
        lossCount: 0,
        seconds: { sampling: 0, update: 0, evaluation: 0 },
      },
      { options: {} },
    );
    expect(parseCheckpoint(valid).state.iteration).toBe(3);
    fc.assert(
      fc.property(fc.nat({ max: valid.length }), fc.nat({ max: valid.length }), fc.string({ maxLength: 4 }), (cut, at, insert) => {
        counts.checkpoints++;
        const mutated = valid.slice(0, at) + insert + valid.slice(at, Math.max(at, cut));
        handled(() => parseCheckpoint(mutated, 'fuzz'), CheckpointError);
      }),
      { numRuns: 800 },
    );
    fc.assert(
      fc.property(fc.json(), (text) => {
        counts.checkpoints++;
        handled(() => parseCheckpoint(text, 'fuzz'), CheckpointError);
      }),
      { numRuns: 200 },
    );
    const total = counts.configs + counts.argv + counts.rewards + counts.checkpoints + counts.dataFiles;
    process.stdout.write(
      `fuzz corpus: ${total} inputs (${counts.configs} configs, ${counts.dataFiles} data files, ${counts.argv} command lines, ${counts.rewards} reward outputs, ${counts.checkpoints} checkpoint files), no unhandled exception\n`,
    );
    expect(total).toBeGreaterThanOrEqual(1000);
  });
});
