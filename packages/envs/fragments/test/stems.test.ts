import { readFileSync } from 'node:fs';
import { Random } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import type { FragmentMolecule, MoleculeReward } from '../src/index.js';
import { fragmentsEnvironment, PDB_105_BLOCKS, parseBlockMolecules, qedReward, sampleTerminals } from '../src/index.js';
import type { HeldoutMolecule } from './helpers.js';
import { defaultBlock, HAVE_HELDOUT, HELDOUT_950 } from './helpers.js';

// Methylcyclohexane two ways: cyclohexane (stems on atoms 0 and 3) bonded at atom 3 to methyl (one stem),
// leaving atom 0 of the ring free; or to methylene (two stems on its atom), leaving one on the CH3 too.
const cyclohexane = defaultBlock('cyclohexane');
const withMethyl = { blocks: [cyclohexane, defaultBlock('methyl')], junctions: [[0, 1, 3, 0]] };
const withMethylene = { blocks: [cyclohexane, defaultBlock('methylene')], junctions: [[0, 1, 3, 0]] };

describe('stem atoms of states', () => {
  it('index the assembled SMILES and, mapped, the canonical one (hand-computed: the para carbon of CC1CCCCC1 is atom 4)', async () => {
    const env = fragmentsEnvironment();
    const s = env.statesFromBlocks([withMethyl, withMethylene]);
    // Slot order is the canonical tree's, so either fragment may be written first.
    expect([
      ['C1CCC-%50CC1.C-%50', [0]],
      ['C-%50.C1CCC-%50CC1', [1]],
    ]).toContainEqual([env.smiles(s, 0), env.stemAtoms(s, 0)]);
    expect([
      ['C1CCC-%50CC1.C-%50', [0, 6]],
      ['C-%50.C1CCC-%50CC1', [0, 1]],
    ]).toContainEqual([env.smiles(s, 1), env.stemAtoms(s, 1)]);
    const [methyl, methylene] = await env.molecules(s);
    expect(methyl).toMatchObject({ smiles: 'CC1CCCCC1', valid: true, stemAtoms: [4] });
    expect(methylene).toMatchObject({ smiles: 'CC1CCCCC1', valid: true, stemAtoms: [0, 4] });
    expect(env.freeStems(s, 1)).toBe(2);
  });

  it('statesFromBlocks rejects molecules that are not states, naming the molecule', () => {
    const env = fragmentsEnvironment({ maxFragments: 3 });
    const methyl = defaultBlock('methyl');
    expect(() => env.statesFromBlocks([{ blocks: [999], junctions: [] }])).toThrow(/molecule 0: block 0 is 999, not a block of the vocabulary/);
    expect(() => env.statesFromBlocks([withMethyl, { blocks: [cyclohexane, methyl], junctions: [[0, 1, 1, 0]] }])).toThrow(
      /molecule 1: junction 0 bonds atom 1 of node 0 \(C1CCCCC1\), not one of its attachment atoms/,
    );
    expect(() => env.statesFromBlocks([{ blocks: [cyclohexane, methyl], junctions: [] }])).toThrow(/2 blocks need 1 junctions, got 0/);
    expect(() => env.statesFromBlocks([{ blocks: [methyl, methyl, methyl], junctions: [[0, 1, 0, 0], [0, 2, 0, 0]] }])).toThrow(/more often than its type allows/);
    expect(() => env.statesFromBlocks([{ blocks: [methyl, methyl, methyl, methyl], junctions: [] }])).toThrow(/4 blocks, more than maxFragments 3/);
    expect(() => parseBlockMolecules([{ blockidxs: [1] }], 'file.json')).toThrow(/file.json: molecule 0 needs arrays blockidxs and jbonds/);
  });

  it('count one atom per free stem on random states', async () => {
    const env = fragmentsEnvironment();
    const s = sampleTerminals(env, null, 100, new Random(4));
    const mols = await env.molecules(s);
    mols.forEach((m, i) => {
      expect(env.stemAtoms(s, i)).toHaveLength(env.freeStems(s, i));
      expect(m.stemAtoms).toHaveLength(env.freeStems(s, i));
    });
  });

  it.skipIf(!HAVE_HELDOUT)('reproduce the original code’s canonical SMILES and stem atoms of all 950 held-out molecules', async () => {
    const data = JSON.parse(readFileSync(HELDOUT_950, 'utf8')) as HeldoutMolecule[];
    const env = fragmentsEnvironment({ vocabulary: PDB_105_BLOCKS });
    const s = env.statesFromBlocks(parseBlockMolecules(data));
    const mols = await env.molecules(s);
    let withStems = 0;
    mols.forEach((m, i) => {
      const d = data[i] as HeldoutMolecule;
      expect(m.smiles).toBe(d.smiles);
      expect(env.freeStems(s, i)).toBe(d.stems.length);
      if (d.stems.length === 0) return;
      withStems++;
      // The file lists each stem-mask atom once.
      expect([...new Set(m.stemAtoms)]).toEqual([...new Set(d.stem_atoms_canonical)].sort((a, b) => a - b));
    });
    expect(withStems).toBe(762);
  });
});

/** A batched, stem-aware test reward that records what it is asked. */
function recordingReward(options: { fail?: number; usesStems?: boolean } = {}): MoleculeReward & { batches: string[][]; singles: number } {
  let failures = options.fail ?? 0;
  const batches: string[][] = [];
  const reward = {
    name: 'recording',
    batches,
    singles: 0,
    ...(options.usesStems === undefined ? {} : { usesStems: options.usesStems }),
    logReward(): number {
      reward.singles++;
      return 0;
    },
    async logRewards(molecules: readonly FragmentMolecule[]): Promise<Float64Array> {
      batches.push(molecules.map((m) => `${m.smiles} ${m.stemAtoms?.join(',')}`));
      if (failures-- > 0) throw new Error('model unavailable');
      return Float64Array.from(molecules, (m) => -(m.stemAtoms?.length ?? 0) - 0.5);
    },
  };
  return reward;
}

describe('reward cache and batches', () => {
  it('keys rewards by molecule and stems, and hands every new molecule of a call to logRewards at once', async () => {
    const reward = recordingReward();
    const env = fragmentsEnvironment({ reward });
    const s = env.statesFromBlocks([withMethyl, withMethylene]);
    const both = env.concat([s, s]);
    expect(Array.from(await env.logReward(both))).toEqual([-1.5, -2.5, -1.5, -2.5]);
    expect(reward.batches).toEqual([['CC1CCCCC1 4', 'CC1CCCCC1 0,4']]);
    expect(env.cachedRewards).toBe(2);
    await env.logReward(s);
    const more = sampleTerminals(env, null, 5, new Random(1));
    await Promise.all([env.logReward(env.concat([s, more])), env.logReward(more)]);
    expect(reward.batches).toHaveLength(2);
    expect(reward.batches[1]?.length).toBe(new Set((await env.molecules(more)).map((m) => `${m.smiles} ${m.stemAtoms?.join(',')}`)).size);
    expect(reward.singles).toBe(0);
  });

  it('keys rewards by canonical SMILES alone for rewards that declare usesStems: false (QED)', async () => {
    expect(qedReward().usesStems).toBe(false);
    const reward = recordingReward({ usesStems: false });
    const env = fragmentsEnvironment({ reward });
    const lr = await env.logReward(env.statesFromBlocks([withMethyl, withMethylene]));
    expect(reward.batches).toEqual([['CC1CCCCC1 4']]);
    expect(lr[1]).toBe(lr[0]);
    expect(env.cachedRewards).toBe(1);
  });

  it('does not cache a failed batch, and checks what logRewards returns', async () => {
    const reward = recordingReward({ fail: 1 });
    const env = fragmentsEnvironment({ reward });
    const s = env.statesFromBlocks([withMethyl]);
    await expect(env.logReward(s)).rejects.toThrow(/model unavailable/);
    expect(env.cachedRewards).toBe(0);
    expect(Array.from(await env.logReward(s))).toEqual([-1.5]);
    expect(reward.batches).toHaveLength(2);
    const short = fragmentsEnvironment({ reward: { name: 'short', logReward: () => 0, logRewards: () => [] } });
    await expect(short.logReward(s)).rejects.toThrow(/reward short.logRewards returned 0 values for 1 molecules/);
    const bad = fragmentsEnvironment({ reward: { name: 'bad', logReward: () => 0, logRewards: () => [Number.NaN] } });
    await expect(bad.logReward(s)).rejects.toThrow(/NaN \(not a number\) for CC1CCCCC1/);
  });
});
