import { createHash } from 'node:crypto';
import { Random } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import type { TrainingState } from '../src/index.js';
import { CheckpointError, checkpointLines, JsonLinesReader, jsonLines, parseCheckpoint, serializeCheckpoint } from '../src/index.js';

const sha = () => createHash('sha256');

/** A small but complete state: every kind of field, with values that are not round numbers. */
function state(overrides: Partial<Record<keyof TrainingState, unknown>> = {}): TrainingState {
  return {
    iteration: 12,
    parameters: { forward: [{ shape: [2, 3], data: Float32Array.from([0.1, -2, 3.5, 4, 5e-8, -6]) }], backward: [], flow: [{ shape: [1], data: Float32Array.from([7]) }] },
    logZ: 1.25,
    optimisers: {
      forward: { step: 12, moments: [{ m: Float32Array.from([1, 2, 3, 4, 5, 6]), v: Float32Array.from([0, 1e-9, 2, 3, 4, 5]) }] },
      backward: { step: 0, moments: [] },
      flow: { step: 12, moments: [{ m: Float32Array.from([-1]), v: Float32Array.from([0.5]) }] },
      logZ: { step: 12, moments: [{ m: Float32Array.from([0.01]), v: Float32Array.from([0.02]) }] },
    },
    random: { a: 1, b: 0xffffffff, c: 3, d: 4 },
    sampler: { prefilled: true, buffer: { items: [{ key: 'é"\\\n', path: [0, 1] }] } },
    history: [
      { iteration: 5, trajectories: 40, loss: 0.5, logZ: 1, jsd: 0.2, l1: 0.3, tv: 0.15, seconds: 0.1 },
      { iteration: 10, trajectories: 80, loss: Number.NaN, logZ: 1.1, seconds: 0.2 },
    ],
    lossSum: 0.75,
    lossCount: 2,
    seconds: { sampling: 0.5, update: 0.25, evaluation: 0.125 },
    ...overrides,
  } as TrainingState;
}

const streamed = (s: TrainingState, config: Record<string, unknown> = { run: 'x' }): string => [...checkpointLines(s, config, sha())].join('');
const encoders: [string, (s: TrainingState) => string][] = [
  ['version 1 (one string)', (s) => serializeCheckpoint(s, { run: 'x' })],
  ['version 2 (streamed lines)', (s) => streamed(s)],
];

/** A generated JSON value with big arrays, nesting, odd keys and strings. */
function generated(random: Random, depth: number): unknown {
  const kind = depth === 0 ? random.int(4) : random.int(7);
  if (kind === 0) return random.next() * 1e6 - 5e5;
  if (kind === 1) return ['', 'a"b', 'ünï\u2028', '\\', 'x'.repeat(300)][random.int(5)];
  if (kind === 2) return [true, false, null][random.int(3)];
  if (kind === 3) return random.int(1000);
  if (kind <= 5) return Array.from({ length: random.int(60) }, () => generated(random, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = random.int(20); i > 0; i--) o[['k', '__proto__', 'constructor', 'a b', `n${i}`][random.int(5)] as string] = generated(random, depth - 1);
  return o;
}

describe('JSON lines', () => {
  it('rebuilds any JSON value exactly, key order included, with every line under its node budget', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 60; trial++) {
      const value = { root: generated(random, 4), big: Array.from({ length: 500 }, (_, i) => ({ i, v: [i, i / 3] })) };
      const reference = JSON.parse(JSON.stringify(value));
      const reader = new JsonLinesReader();
      let longest = 0;
      for (const line of jsonLines(reference, undefined, 16)) {
        longest = Math.max(longest, line.length);
        reader.push(line);
      }
      expect(reader.complete).toBe(true);
      expect(JSON.stringify(reader.value())).toBe(JSON.stringify(reference));
      expect(Object.getPrototypeOf(reader.value())).toBe(Object.prototype);
      // 16 nodes a line: the only long lines are single long strings (300 characters) with their keys.
      expect(longest).toBeLessThan(2000);
    }
  });

  it('refuses lines out of order', () => {
    const reader = new JsonLinesReader();
    expect(() => reader.push('{"set":{"a":1}}')).toThrow(/outside any open container/);
    reader.push('{"open":"array"}');
    expect(() => reader.push('{"set":{"a":1}}')).toThrow(/needs an open object/);
    expect(() => reader.push('{"open":"object","key":"k"}')).toThrow(/a key inside an array/);
    expect(() => reader.push('nope')).toThrow(/not JSON/);
    reader.push('{"close":1}');
    expect(() => reader.push('{"close":1}')).toThrow(/after the end/);
  });
});

describe('checkpoint formats', () => {
  for (const [name, encode] of encoders) {
    it(`${name}: round-trips every field exactly`, () => {
      const back = parseCheckpoint(encode(state()), 'a.ckpt', sha());
      expect(back.config).toEqual({ run: 'x' });
      expect(back.state).toEqual(state());
      expect(back.state.history[1]?.loss).toBeNaN();
    });
  }

  it('version 2: truncated, corrupt and unreadable files are told apart', () => {
    const text = streamed(state());
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(() => parseCheckpoint(lines.slice(0, -2).join('\n'), 'a.ckpt', sha())).toThrow(/a\.ckpt is truncated: it ends before its end record/);
    expect(() => parseCheckpoint(text.slice(0, text.length / 2), 'a.ckpt', sha())).toThrow(/a\.ckpt is truncated/);
    expect(() => parseCheckpoint(text.replace('"iteration":12', '"iteration":13'), 'a.ckpt', sha())).toThrow(/a\.ckpt is corrupt: its checksum does not match/);
    expect(() => parseCheckpoint(text.replace('"iteration":12', '"iteration":1}'), 'a.ckpt', sha())).toThrow(/a\.ckpt is corrupt/);
    expect(() => parseCheckpoint(text, 'a.ckpt')).toThrow(/streamed checkpoint \(version 2\)/);
  });

  it('version 2 of a large state holds no line much longer than its budget', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ terminalKey: `${i % 7},${i % 5}`, features: [0, 1, 0, 1, 1, 0, 0, 1], logProbs: [-1.0986122886681098, -0.6931471805599453] }));
    const lines = [...checkpointLines(state({ sampler: { buffer: { items } } }), {}, sha())];
    const longest = Math.max(...lines.map((l) => l.length));
    expect(lines.length).toBeGreaterThan(50);
    expect(longest).toBeLessThan(64 * 1024);
    expect((parseCheckpoint(lines.join(''), 'big', sha()).state.sampler as { buffer: { items: unknown[] } }).buffer.items).toEqual(items);
  });
});

describe('edited checkpoints with a valid checksum', () => {
  // Each edit is written by the encoders themselves, so the checksum matches: only the field checks can catch it.
  const edits: [string, Partial<Record<keyof TrainingState, unknown>>, RegExp][] = [
    ['log Z as a string', { logZ: '1.5' }, /state\.logZ must be a finite number, got "1\.5"/],
    ['a random word out of range', { random: { a: -1, b: 2, c: 3, d: 4 } }, /state\.random\.a must be an integer in \[0, 4294967295\], got -1/],
    ['a fractional random word', { random: { a: 1, b: 2.5, c: 3, d: 4 } }, /state\.random\.b must be an integer/],
    ['a random state without d', { random: { a: 1, b: 2, c: 3 } }, /state\.random\.d must be an integer .*got nothing/],
    ['an iteration as text', { iteration: '12' }, /state\.iteration must be an integer/],
    ['a negative loss count', { lossCount: -1 }, /state\.lossCount must be an integer/],
    ['a loss sum of NaN (stored as null)', { lossSum: Number.NaN }, /state\.lossSum must be a finite number, got null/],
    ['negative seconds', { seconds: { sampling: 0, update: -1, evaluation: 0 } }, /state\.seconds\.update must be a finite number ≥ 0/],
    ['a history record of text', { history: ['x'] }, /state\.history\[0\] must be an object, got "x"/],
    ['a history iteration after the checkpoint', { history: [{ iteration: 99, trajectories: 0, loss: 1, logZ: null, seconds: 0 }] }, /state\.history\[0\]\.iteration is 99, after the checkpoint's iteration 12/],
    ['history out of order', { history: [{ iteration: 10, trajectories: 0, loss: 1, logZ: null, seconds: 0 }, { iteration: 5, trajectories: 0, loss: 1, logZ: null, seconds: 0 }] }, /history\[1\]\.iteration is 5, not after/],
    ['a history log Z as text', { history: [{ iteration: 5, trajectories: 0, loss: 1, logZ: 'big', seconds: 0 }] }, /state\.history\[0\]\.logZ must be a finite number/],
    ['a tensor shape of text', { parameters: { forward: [{ shape: ['2'], data: Float32Array.from([1, 2]) }], backward: [], flow: [] } }, /state\.parameters\.forward\[0\]\.shape\[0\] must be an integer/],
    ['a tensor of the wrong size', { parameters: { forward: [{ shape: [3], data: Float32Array.from([1, 2]) }], backward: [], flow: [] } }, /state\.parameters\.forward\[0\] has 2 values for shape \[3\]/],
    ['a NaN weight', { parameters: { forward: [], backward: [{ shape: [2], data: Float32Array.from([1, Number.NaN]) }], flow: [] } }, /state\.parameters\.backward\[0\]\.data holds NaN at index 1/],
    ['a negative iteration', { iteration: -3 }, /state\.iteration must be an integer in \[0, \d+\], got -3/],
    ['a loss count beyond the iterations', { lossCount: 13 }, /state\.lossCount is 13, more than the 12 iterations done/],
    ['a fractional optimiser step', { optimisers: { ...state().optimisers, flow: { step: 1.5, moments: [] } } }, /state\.optimisers\.flow\.step must be an integer/],
    ['a negative second moment', { optimisers: { ...state().optimisers, logZ: { step: 1, moments: [{ m: Float32Array.from([0]), v: Float32Array.from([-1]) }] } } }, /state\.optimisers\.logZ\.moments\[0\]\.v holds -1 at index 0/],
    ['moments of different sizes', { optimisers: { ...state().optimisers, logZ: { step: 1, moments: [{ m: Float32Array.from([0, 1]), v: Float32Array.from([1]) }] } } }, /moments\[0\] has 2 first and 1 second moments/],
    ['an SGD step as text', { logZSgd: { kind: 'sgd', step: 'one', buffers: [] } }, /state\.logZSgd\.step must be an integer .*got "one"/],
    ['an infinite SGD momentum', { logZSgd: { kind: 'sgd', step: 1, buffers: [Float32Array.from([Number.POSITIVE_INFINITY])] } }, /state\.logZSgd\.buffers\[0\] holds Infinity/],
  ];
  for (const [name, encode] of encoders) {
    it(`${name}: refused with the file and the field named`, () => {
      for (const [what, edit, message] of edits) {
        let error: unknown;
        try {
          parseCheckpoint(encode(state(edit)), 'runs/edited.ckpt', sha());
        } catch (err) {
          error = err;
        }
        expect(error, what).toBeInstanceOf(CheckpointError);
        expect((error as Error).message, what).toMatch(/^runs\/edited\.ckpt: /);
        expect((error as Error).message, what).toMatch(message);
      }
    });
  }
});
