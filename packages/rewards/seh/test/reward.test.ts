import { describe, expect, it } from 'vitest';
import type { SehProxy } from '../src/index.js';
import { sehLogRewardFromY, sehReward } from '../src/index.js';

/** A stand-in proxy that returns fixed y values (the transform is what is tested here). */
function fixedProxy(values: number[]): SehProxy {
  return { predict: async () => Float64Array.from(values) } as unknown as SehProxy;
}

describe('the sEH reward transform R = (max(0.1, y)/8)^β', () => {
  it('has the hand-computed values', () => {
    expect(sehLogRewardFromY(8, 10)).toBe(0);
    expect(sehLogRewardFromY(4, 10)).toBeCloseTo(10 * Math.log(0.5), 12);
    expect(sehLogRewardFromY(4, 4)).toBeCloseTo(-2.772588722239781, 12);
    // Floored at y = 0.1: log R = 10 · ln(0.0125) = −43.82026634…
    expect(sehLogRewardFromY(0.05, 10)).toBeCloseTo(-43.82026634673881, 10);
    expect(sehLogRewardFromY(-3, 10)).toBe(sehLogRewardFromY(0.1, 10));
  });

  it('maps proxy values of molecules to log R and R, and score inverts log R', async () => {
    const reward = sehReward({ beta: 8, proxy: fixedProxy([8, 16, 0]) });
    expect(reward.name).toBe('seh');
    const logR = await reward.logRewards([{ smiles: 'C' }, { smiles: 'CC' }, { smiles: 'CCC' }]);
    expect(Array.from(logR)).toEqual([0, 8 * Math.log(2), 8 * Math.log(0.1 / 8)]);
    const R = await reward.rewards([{ smiles: 'C' }, { smiles: 'CC' }, { smiles: 'CCC' }]);
    expect(R[1]).toBeCloseTo(256, 9);
    expect(reward.score(reward.logRewardOf(5.5))).toBeCloseTo(5.5, 12);
    expect(reward.score(reward.logRewardOf(-1))).toBeCloseTo(0.1, 12);
  });

  it('rejects a bad β or y', () => {
    expect(() => sehReward({ beta: 0 })).toThrow(/beta must be a positive finite number, got 0/);
    expect(() => sehReward({ beta: Number.NaN })).toThrow(/beta/);
    expect(() => sehLogRewardFromY(Number.NaN)).toThrow(/y is NaN/);
  });
});
