import { Random } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import type { FragmentMolecule } from '../src/index.js';
import { fragmentsEnvironment, loadRDKit, qed, qedReward, sampleTerminals } from '../src/index.js';

describe('rewards', () => {
  it('defaults to max(QED, 0.0125)^10 on the canonical molecule', async () => {
    const env = fragmentsEnvironment();
    const s = sampleTerminals(env, null, 10, new Random(1));
    const lr = await env.logReward(s);
    const mols = await env.molecules(s);
    const rdkit = await loadRDKit();
    mols.forEach((m, i) => {
      expect(m.valid).toBe(true);
      expect(lr[i]).toBeCloseTo(10 * Math.log(Math.max(qed(rdkit, m.smiles) as number, 0.0125)), 10);
    });
    expect(env.reward.score?.(lr[0] as number)).toBeCloseTo(Math.max(qed(rdkit, mols[0]?.smiles as string) as number, 0.0125), 10);
  });

  it('applies β and the floor', async () => {
    const r = qedReward({ beta: 4, minScore: 0.5 });
    const rdkit = await loadRDKit();
    // Ethanol's QED is far below 0.5, so the floor applies.
    expect(qed(rdkit, 'CCO')).toBeLessThan(0.5);
    expect(r.logReward({ smiles: 'CCO', valid: true, rdkit })).toBeCloseTo(4 * Math.log(0.5), 12);
    expect(r.logReward({ smiles: 'C1CC', valid: false, rdkit })).toBeCloseTo(4 * Math.log(0.5), 12);
    const aspirin = 'CC(=O)Oc1ccccc1C(=O)O';
    expect(qedReward({ beta: 2 }).logReward({ smiles: aspirin, valid: true, rdkit })).toBeCloseTo(2 * Math.log(qed(rdkit, aspirin) as number), 12);
    expect(() => qedReward({ beta: 0 })).toThrow(/beta must be a positive finite number/);
  });

  it('takes any sync or async function of the molecule, called once per canonical SMILES and stem atoms', async () => {
    const calls: string[] = [];
    const byLength = (m: FragmentMolecule): number => {
      calls.push(`${m.smiles} ${m.stemAtoms?.join(',')}`);
      return m.smiles.length + (m.stemAtoms?.length ?? 0);
    };
    const env = fragmentsEnvironment({ reward: byLength });
    const s = sampleTerminals(env, null, 60, new Random(2));
    const doubled = env.concat([s, s]);
    const lr = await env.logReward(doubled);
    const mols = await env.molecules(doubled);
    for (const [i, m] of mols.entries()) expect(lr[i]).toBeCloseTo(Math.log(m.smiles.length + (m.stemAtoms?.length ?? 0)), 12);
    const inputs = new Set(mols.map((m) => `${m.smiles} ${m.stemAtoms?.join(',')}`));
    expect(new Set(calls).size).toBe(calls.length);
    expect(calls.length).toBe(inputs.size);
    expect(env.cachedRewards).toBe(calls.length);
    await env.logReward(s);
    expect(calls.length).toBe(inputs.size);

    const asyncEnv = fragmentsEnvironment({
      reward: async (m) => ((await Promise.resolve(m.smiles.includes('N'))) ? 2 : 1),
    });
    const lr2 = await asyncEnv.logReward(s);
    const mols2 = await asyncEnv.molecules(s);
    for (const [i, m] of mols2.entries()) expect(lr2[i]).toBeCloseTo(m.smiles.includes('N') ? Math.log(2) : 0, 12);
  });

  it('rejects NaN, negative, zero and infinite rewards, naming the molecule', async () => {
    const s = sampleTerminals(fragmentsEnvironment(), null, 1, new Random(3));
    const smiles = (await fragmentsEnvironment().molecules(s))[0]?.smiles as string;
    const escaped = smiles.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const cases: [number, RegExp][] = [
      [Number.NaN, /NaN/],
      [-1, /negative \(-1\)/],
      [0, /reward is 0/],
      [Number.POSITIVE_INFINITY, /infinite/],
    ];
    for (const [value, message] of cases) {
      const env = fragmentsEnvironment({ reward: () => value });
      await expect(env.logReward(s)).rejects.toThrow(message);
      await expect(env.logReward(s)).rejects.toThrow(new RegExp(`for ${escaped}`));
    }
    const asyncBad = fragmentsEnvironment({ reward: async () => Number.NaN });
    await expect(asyncBad.logReward(s)).rejects.toThrow(new RegExp(`NaN.*for ${escaped}`));
    const logBad = fragmentsEnvironment({
      reward: { name: 'bad', logReward: () => Number.POSITIVE_INFINITY },
    });
    await expect(logBad.logReward(s)).rejects.toThrow(new RegExp(`log-reward is infinite for ${escaped}`));
    await expect(fragmentsEnvironment().logReward(fragmentsEnvironment().initialStates(1))).rejects.toThrow(/s0 is not a molecule/);
  });
});
