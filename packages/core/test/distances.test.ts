import { describe, expect, it } from 'vitest';
import { jsd, kl, l1, totalVariation } from '../src/index.js';

describe('distances', () => {
  const p = [0.5, 0.25, 0.25, 0];
  const q = [0.25, 0.25, 0.25, 0.25];
  it('computes KL by hand', () => {
    expect(kl(p, q)).toBeCloseTo(0.5 * Math.log(2), 12);
    expect(kl(q, p)).toBe(Number.POSITIVE_INFINITY);
  });
  it('computes JSD by hand and bounds it by log 2', () => {
    const m = p.map((pi, i) => 0.5 * (pi + (q[i] as number)));
    const expected = 0.5 * kl(p, m) + 0.5 * kl(q, m);
    expect(jsd(p, q)).toBeCloseTo(expected, 12);
    expect(jsd(p, p)).toBe(0);
    expect(jsd([1, 0], [0, 1])).toBeCloseTo(Math.log(2), 12);
  });
  it('computes L1 and total variation', () => {
    expect(l1(p, q)).toBeCloseTo(0.5, 12);
    expect(totalVariation(p, q)).toBeCloseTo(0.25, 12);
  });
  it('rejects misaligned inputs', () => {
    expect(() => jsd([1], [0.5, 0.5])).toThrow(/different lengths/);
  });
});
