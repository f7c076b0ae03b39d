import { describe, expect, it } from 'vitest';
import { Random } from '../src/index.js';

describe('Random', () => {
  it('gives equal streams for equal seeds and different streams for different seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('resumes exactly from a saved state', () => {
    const a = new Random(7);
    for (let i = 0; i < 10; i++) a.next();
    const saved = a.getState();
    const expected = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => Random.fromState(saved).next())[0]).toBe(expected[0]);
    const b = Random.fromState(JSON.parse(JSON.stringify(saved)));
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(expected);
  });

  it('draws uniform floats in [0, 1) with the right mean', () => {
    const r = new Random(1);
    const xs = Array.from({ length: 20000 }, () => r.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.01);
  });

  it('samples categorical weights in proportion and never a zero weight', () => {
    const r = new Random(3);
    const w = [0.2, 0, 0.5, 0.3];
    const counts = [0, 0, 0, 0];
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const k = r.categorical(w);
      counts[k] = (counts[k] as number) + 1;
    }
    expect(counts[1]).toBe(0);
    for (const k of [0, 2, 3]) expect(Math.abs((counts[k] as number) / n - (w[k] as number))).toBeLessThan(0.01);
    expect(() => r.categorical([0, 0])).toThrow(/all weights are zero/);
  });

  it('rejects bad seeds and states', () => {
    expect(() => new Random(1.5)).toThrow(/safe integer/);
    expect(() => new Random(0).setState({ a: -1, b: 0, c: 0, d: 0 })).toThrow(/"a"/);
  });
});
