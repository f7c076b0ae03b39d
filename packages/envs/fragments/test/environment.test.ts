import type { Environment } from '@gflownet/core';
import { Random } from '@gflownet/core';
import { describeEnvironment } from '@gflownet/testing';
import { describe, expect, it } from 'vitest';
import type { FragmentStates, FragmentsEnvironment } from '../src/index.js';
import { fragmentsEnvironment, sampleTerminals } from '../src/index.js';
import { HAVE_105, TINY_BLOCKS, vocabulary105 } from './helpers.js';

// The conformance kit checks the MDP; a cheap reward keeps it fast (QED is tested in chemistry.test.ts).
const cheap = { reward: (m: { smiles: string }) => 1 + m.smiles.length };
describeEnvironment('fragments (default vocabulary)', () => fragmentsEnvironment(cheap) as Environment<FragmentStates>, { walks: 48 });
describeEnvironment(
  'fragments (tiny vocabulary, 1..4 fragments)',
  () =>
    fragmentsEnvironment({
      vocabulary: TINY_BLOCKS,
      minFragments: 1,
      maxFragments: 4,
    }) as Environment<FragmentStates>,
);

/** Valid non-stop actions of state i. */
function actionsOf(mask: Uint8Array, i: number, A: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < A - 1; a++) if (mask[i * A + a]) out.push(a);
  return out;
}

/**
 * Brute force on random states: the masked forward actions give pairwise distinct children that are
 * exactly the distinct children of the original (block, stem) action set; the backward mask marks
 * one action per distinct parent; every backward step is undone by its inverseBackward action, which
 * the parent's forward mask allows.
 */
function bruteForceCheck(env: FragmentsEnvironment, walks: number, seed: number): { states: number; merged: number } {
  const random = new Random(seed);
  const A = env.numActions;
  const K = env.numBackwardActions;
  let states = env.initialStates(walks);
  let checked = 0;
  let merged = 0;
  while (states.n > 0) {
    const fm = env.forwardMask(states);
    const raw = env.rawForwardMask(states);
    const bm = env.backwardMask(states);
    const moving: number[] = [];
    const moves: number[] = [];
    for (let i = 0; i < states.n; i++) {
      const one = env.select(states, [i]);
      const key = env.stateKey(one, 0);
      const childKey = (a: number): string => env.stateKey(env.step(one, Int32Array.of(a)), 0);
      const masked = actionsOf(fm, i, A);
      const rawActions = actionsOf(raw, i, A);
      const maskedKeys = masked.map(childKey);
      const rawKeys = new Set(rawActions.map(childKey));
      expect(new Set(maskedKeys).size, `masked actions of ${key} give duplicate children`).toBe(masked.length);
      expect(rawKeys.size, `distinct children of ${key}`).toBe(masked.length);
      for (const k of maskedKeys) expect(rawKeys.has(k)).toBe(true);
      merged += rawActions.length - masked.length;
      const n = env.numFragments(one, 0);
      if (n > 0 && n < env.maxFragments) expect(rawActions.length).toBe(env.vocabulary.numBlocks * env.freeStems(one, 0));
      if (n > 0) {
        const parentKeys = new Set<string>();
        for (let b = 0; b < K; b++) {
          try {
            parentKeys.add(env.stateKey(env.backwardStep(one, Int32Array.of(b)), 0));
          } catch {
            // not a removable leaf
          }
        }
        const marked = Array.from(bm.subarray(i * K, (i + 1) * K)).reduce((s, v) => s + v, 0);
        expect(marked, `backward actions of ${key}`).toBe(parentKeys.size);
        for (let b = 0; b < K; b++) {
          if (!bm[i * K + b]) continue;
          const parent = env.backwardStep(one, Int32Array.of(b));
          const forward = env.inverseBackward(one, Int32Array.of(b));
          expect(env.forwardMask(parent)[forward[0] as number], `inverseBackward of ${key} gives a masked action`).toBe(1);
          expect(env.stateKey(env.step(parent, forward), 0)).toBe(key);
        }
      }
      checked++;
      if (masked.length > 0 && (fm[i * A + A - 1] === 0 || random.next() < 0.85)) {
        moving.push(i);
        moves.push(masked[random.int(masked.length)] as number);
      }
    }
    states = env.step(env.select(states, moving), Int32Array.from(moves));
  }
  return { states: checked, merged };
}

describe('fragments environment', () => {
  it('merges exactly the actions and parents that lead to the same state (default vocabulary)', () => {
    const { states, merged } = bruteForceCheck(fragmentsEnvironment(), 40, 1);
    expect(states).toBeGreaterThan(150);
    expect(merged).toBeGreaterThan(0);
  });

  it.runIf(HAVE_105)('merges exactly the actions and parents that lead to the same state (105 blocks)', async () => {
    const { states, merged } = bruteForceCheck(fragmentsEnvironment({ vocabulary: await vocabulary105() }), 24, 2);
    expect(states).toBeGreaterThan(100);
    expect(merged).toBeGreaterThan(0);
  });

  it('treats A–A joined atom 0 to atom 3 either way round as one child', () => {
    const env = fragmentsEnvironment({ vocabulary: TINY_BLOCKS });
    // amide_C (attach C, stem N) and amide_N (attach N, stem C) are one type with two attachment atoms.
    const root = env.step(env.initialStates(1), Int32Array.of(1));
    const B = env.vocabulary.numBlocks;
    // Root NC=O: stem slot 0 is its N, slot 1 its C. Join root N to a new C, or root C to a new N.
    const viaN = env.step(root, Int32Array.of(0 * B + 1));
    const viaC = env.step(root, Int32Array.of(1 * B + 2));
    expect(env.stateKey(viaN, 0)).toBe(env.stateKey(viaC, 0));
    const fm = env.forwardMask(root);
    expect((fm[0 * B + 1] as number) + (fm[1 * B + 2] as number)).toBe(1);
  });

  it('respects min and max fragments and forces stop when no stem is free', () => {
    const env = fragmentsEnvironment({ minFragments: 3, maxFragments: 5 });
    const A = env.numActions;
    const s = sampleTerminals(env, null, 300, new Random(4));
    for (let i = 0; i < s.n; i++) {
      const n = env.numFragments(s, i);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
    const full = s.n > 0 ? [...Array(s.n).keys()].filter((i) => env.numFragments(s, i) === 5) : [];
    expect(full.length).toBeGreaterThan(0);
    const fm = env.forwardMask(env.select(s, full));
    for (let k = 0; k < full.length; k++) expect(actionsOf(fm, k, A)).toEqual([]);
    // A methyl root has one stem; attaching another one-stem block would strand it below 3 fragments.
    const methyl = env.vocabulary.blocks.findIndex((b) => b.name === 'methyl');
    const root = env.step(env.initialStates(1), Int32Array.of(methyl));
    const rootMask = env.forwardMask(root);
    expect(rootMask[A - 1]).toBe(0);
    for (const a of actionsOf(rootMask, 0, A)) expect(env.vocabulary.blockStems[a % env.vocabulary.numBlocks]).toBeGreaterThan(1);
  });

  it('has a fixed action space with stop last, and rejects bad actions with clear errors', () => {
    const env = fragmentsEnvironment();
    expect(env.numActions).toBe(env.maxStems * env.vocabulary.numBlocks + 1);
    expect(env.numBackwardActions).toBe(8);
    const s0 = env.initialStates(1);
    expect(() => env.step(s0, Int32Array.of(env.vocabulary.numBlocks))).toThrow(/action \d+ is not allowed at state 0/);
    expect(() => env.step(s0, Int32Array.of(env.numActions - 1))).toThrow(/not allowed/);
    const one = env.step(s0, Int32Array.of(0));
    expect(() => env.backwardStep(one, Int32Array.of(3))).toThrow(/does not remove a leaf/);
    expect(() => fragmentsEnvironment({ minFragments: 4, maxFragments: 3 })).toThrow(/minFragments \(4\) exceeds maxFragments \(3\)/);
    expect(() => env.forwardMask({ data: new Int32Array(5), width: 5, n: 1 })).toThrow(/width 5, expected 33/);
  });

  it('features: fixed width, one-hot types, free stems, symmetric adjacency', () => {
    const env = fragmentsEnvironment();
    const { layout } = env;
    const s = sampleTerminals(env, null, 20, new Random(7));
    const f = env.features(s);
    expect(f.length).toBe(20 * env.featureSize);
    for (let i = 0; i < s.n; i++) {
      const row = f.subarray(i * layout.featureSize, (i + 1) * layout.featureSize);
      const n = env.numFragments(s, i);
      let present = 0;
      let free = 0;
      for (let v = 0; v < layout.maxFragments; v++) {
        const node = row.subarray(v * layout.nodeWidth, (v + 1) * layout.nodeWidth);
        present += node[0] as number;
        const oneHot = node.subarray(1, 1 + layout.numTypes).reduce((a, b) => a + b, 0);
        expect(oneHot).toBe(v < n ? 1 : 0);
        free += node.subarray(1 + layout.numTypes).reduce((a, b) => a + b, 0);
      }
      expect(present).toBe(n);
      expect(free).toBe(env.freeStems(s, i));
      let edges = 0;
      for (let u = 0; u < layout.maxFragments; u++) {
        for (let v = 0; v < layout.maxFragments; v++) {
          const x = row[layout.adjacencyOffset + u * layout.maxFragments + v];
          expect(x).toBe(row[layout.adjacencyOffset + v * layout.maxFragments + u]);
          edges += x as number;
        }
      }
      expect(edges).toBe(2 * (n - 1));
    }
    expect(env.features(env.initialStates(1))[layout.globalOffset]).toBe(1);
  });
});
