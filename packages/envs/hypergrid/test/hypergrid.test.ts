import { describeEnvironment } from '@gflownet/testing';
import { describe, expect, it } from 'vitest';
import { HYPERGRID_PRESETS, hypergrid } from '../src/index.js';

describeEnvironment('hypergrid 2x8', () => hypergrid({ ndim: 2, height: 8 }));
describeEnvironment('hypergrid 3x5 (R0 = 1e-3)', () => hypergrid({ ndim: 3, height: 5, r0: 1e-3 }));
describeEnvironment('hypergrid 1x2', () => hypergrid({ ndim: 1, height: 2 }));

/** Independent reward: the paper's formula written out directly. */
function paperReward(x: number[], H: number, r0 = 0.1, r1 = 0.5, r2 = 2): number {
  const a = x.map((v) => Math.abs(v / (H - 1) - 0.5));
  return r0 + r1 * (a.every((v) => v > 0.25) ? 1 : 0) + r2 * (a.every((v) => v > 0.3 && v < 0.4) ? 1 : 0);
}

describe('hypergrid', () => {
  it('computes the paper reward at hand-picked points', () => {
    const env = hypergrid({ ndim: 2, height: 8 });
    // H = 8: a = |x/7 − 0.5|; x = 1 gives 0.357 (ring), x = 0 gives 0.5 (outer only), x = 3 gives 0.071.
    expect(env.reward([1, 1])).toBeCloseTo(0.1 + 0.5 + 2, 12);
    expect(env.reward([0, 0])).toBeCloseTo(0.6, 12);
    expect(env.reward([0, 1])).toBeCloseTo(0.6, 12);
    expect(env.reward([3, 1])).toBeCloseTo(0.1, 12);
    expect(env.reward([6, 6])).toBeCloseTo(2.6, 12);
  });

  it('has a closed-form log Z equal to brute-force summation', () => {
    for (const [D, H, r0] of [[2, 8, 0.1], [4, 8, 0.1], [2, 64, 1e-3], [3, 7, 0.01]] as const) {
      const env = hypergrid({ ndim: D, height: H, r0 });
      const all = env.enumerate();
      let z = 0;
      for (let i = 0; i < all.n; i++) z += paperReward(Array.from(all.data.subarray(i * D, (i + 1) * D)), H, r0);
      expect(Math.abs(env.trueLogZ() - Math.log(z))).toBeLessThan(1e-9);
      const lr = env.logReward(all) as Float64Array;
      for (let i = 0; i < all.n; i += 97) expect(lr[i]).toBeCloseTo(Math.log(paperReward(Array.from(all.data.subarray(i * D, (i + 1) * D)), H, r0)), 12);
    }
  });

  it('never lets an action leave the grid', () => {
    const env = hypergrid({ ndim: 3, height: 4 });
    const all = env.enumerate();
    const fm = env.forwardMask(all);
    const bm = env.backwardMask(all);
    for (let i = 0; i < all.n; i++) {
      for (let d = 0; d < 3; d++) {
        const x = all.data[i * 3 + d] as number;
        expect(fm[i * 4 + d]).toBe(x < 3 ? 1 : 0);
        expect(bm[i * 3 + d]).toBe(x > 0 ? 1 : 0);
      }
      expect(fm[i * 4 + 3]).toBe(1);
    }
    expect(() => env.step({ data: Int32Array.from([3, 0, 0]), width: 3, n: 1 }, Int32Array.from([0]))).toThrow(/not allowed at state 3,0,0/);
    expect(() => env.backwardStep(env.initialStates(1), Int32Array.from([1]))).toThrow(/not allowed/);
  });

  it('encodes K-hot features and comma-joined keys', () => {
    const env = hypergrid({ ndim: 2, height: 4 });
    const s = { data: Int32Array.from([0, 3]), width: 2, n: 1 };
    expect([...env.features(s)]).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(env.stateKey(s, 0)).toBe('0,3');
    expect(env.enumerate().n).toBe(16);
  });

  it('offers the paper presets and rejects bad options', () => {
    expect(HYPERGRID_PRESETS['very-hard']).toEqual({ ndim: 2, height: 128, r0: 1e-3 });
    expect(HYPERGRID_PRESETS.easy).toEqual({ ndim: 4, height: 8, r0: 0.1 });
    expect(() => hypergrid({ height: 1 })).toThrow(/height must be an integer ≥ 2/);
    expect(() => hypergrid({ r0: 0 })).toThrow(/r0 must be a finite number > 0/);
    expect(() => hypergrid({ r1: Number.NaN })).toThrow(/r1/);
    expect(() => hypergrid({ ndim: 12, height: 8 }).enumerate()).toThrow(/too many to enumerate/);
  });
});
