import { describe, expect, it } from 'vitest';
import { asSchedule, EXPONENTIAL_DECAY, SCHEDULE_KINDS, schedule } from '../src/index.js';

describe('schedule', () => {
  const T = 100;
  const make = (kind: (typeof SCHEDULE_KINDS)[number]) => schedule({ kind, initial: 2, final: 0.5, iterations: T });

  it('constant keeps the initial value for ever', () => {
    const s = make('constant');
    for (const t of [0, 1, 50, 100, 10_000]) expect(s(t)).toBe(2);
  });

  it('linear interpolates and then stays at the final value', () => {
    const s = make('linear');
    expect(s(0)).toBe(2);
    expect(s(25)).toBeCloseTo(1.625, 12);
    expect(s(50)).toBeCloseTo(1.25, 12);
    expect(s(100)).toBe(0.5);
    expect(s(1000)).toBe(0.5);
  });

  it('cosine follows final + (initial − final)(1 + cos πu)/2', () => {
    const s = make('cosine');
    expect(s(0)).toBe(2);
    expect(s(50)).toBeCloseTo(1.25, 12);
    expect(s(25)).toBeCloseTo(0.5 + 1.5 * (1 + Math.SQRT1_2) / 2, 12);
    expect(s(75)).toBeCloseTo(0.5 + 1.5 * (1 - Math.SQRT1_2) / 2, 12);
    expect(s(100)).toBeCloseTo(0.5, 12);
    expect(s(200)).toBe(0.5);
  });

  it('exponential shrinks the gap geometrically and reaches the final value at T', () => {
    const s = make('exponential');
    const d = EXPONENTIAL_DECAY;
    expect(s(0)).toBeCloseTo(2, 12);
    expect(s(50)).toBeCloseTo(0.5 + (1.5 * (Math.sqrt(d) - d)) / (1 - d), 12);
    expect(s(100)).toBe(0.5);
    // Monotone decreasing over the phase.
    for (let t = 1; t <= T; t++) expect(s(t)).toBeLessThan(s(t - 1));
  });

  it('anneals upward too (temperature towards 1) and handles T = 0', () => {
    expect(schedule({ kind: 'linear', initial: 0.5, final: 1, iterations: 10 })(5)).toBeCloseTo(0.75, 12);
    expect(schedule({ kind: 'cosine', initial: 3, final: 0, iterations: 0 })(0)).toBe(0);
    expect(schedule({ kind: 'constant', initial: 3, final: 0, iterations: 0 })(0)).toBe(3);
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => schedule({ kind: 'linear', initial: 1, final: 0, iterations: -1 })).toThrow(/iterations/);
    expect(() => schedule({ kind: 'linear', initial: Number.NaN, final: 0, iterations: 1 })).toThrow(/initial/);
    expect(() => schedule({ kind: 'sawtooth' as 'linear', initial: 1, final: 0, iterations: 1 })).toThrow(/kind/);
    expect(() => make('linear')(-1)).toThrow(/iteration/);
    expect(() => asSchedule(Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(asSchedule(0.3)(7)).toBe(0.3);
  });
});
