import { readFileSync } from 'node:fs';
import { Random } from '@gflownet/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assembleSmiles,
  canonicalSmiles,
  fingerprint,
  fragmentsEnvironment,
  loadRDKit,
  parseVocabulary,
  QED_STRUCTURAL_ALERT_COUNT,
  qed,
  rdkitMemoryBytes,
  sampleTerminals,
  tanimoto,
  tokenizeSmiles,
} from '../src/index.js';
import { removeExplicitHydrogens } from '../src/smiles.js';
import { FRAGS_72, HAVE_72, HAVE_105, HAVE_QED, NCI_QED, vocabulary105 } from './helpers.js';

describe('SMILES assembly', () => {
  it('tokenizes atoms in RDKit order', () => {
    const t = tokenizeSmiles('O=c1[nH]cnc2[nH]cnc12');
    expect(t.numAtoms).toBe(10);
    expect(t.tokens.filter((x) => x.atom >= 0).map((x) => x.text)).toEqual(['O', 'c', '[nH]', 'c', 'n', 'c', '[nH]', 'c', 'n', 'c']);
    expect(t.maxRingLabel).toBe(2);
    expect(tokenizeSmiles('ClCBr').numAtoms).toBe(3);
    expect(() => tokenizeSmiles('C[NH')).toThrow(/unclosed '\['/);
    expect(() => tokenizeSmiles('CxC')).toThrow(/unexpected character 'x' at position 1/);
  });

  it('removes one explicit H per junction from bracket atoms', () => {
    expect(removeExplicitHydrogens('[nH]', 1)).toBe('[n]');
    expect(removeExplicitHydrogens('[NH3+]', 1)).toBe('[NH2+]');
    expect(removeExplicitHydrogens('[NH3+]', 2)).toBe('[NH+]');
    expect(removeExplicitHydrogens('[SH2+]', 3)).toBe('[S+]');
    expect(removeExplicitHydrogens('[O-]', 1)).toBe('[O-]');
    expect(removeExplicitHydrogens('C', 1)).toBe('C');
  });

  it('joins fragments with single-bond ring closures that RDKit reads as the intended molecule', async () => {
    const rdkit = await loadRDKit();
    const benzene = tokenizeSmiles('c1ccccc1');
    const pyrrole = tokenizeSmiles('c1cc[nH]c1');
    const smiles = assembleSmiles(
      [benzene, pyrrole, benzene],
      [
        { a: 0, atomA: 0, b: 1, atomB: 3 },
        { a: 1, atomA: 0, b: 2, atomB: 0 },
      ],
    );
    expect(smiles).toBe('c-%501ccccc1.c-%511cc[n]-%50c1.c-%511ccccc1');
    expect(canonicalSmiles(rdkit, smiles)).toBe(canonicalSmiles(rdkit, 'c1ccc(-n2ccc(-c3ccccc3)c2)cc1'));
    expect(() => assembleSmiles([benzene], [{ a: 0, atomA: 9, b: 0, atomB: 1 }])).toThrow(/atom 9 of fragment 0/);
  });
});

describe('vocabularies', () => {
  it('reads the three JSON shapes and reports bad input', () => {
    const blocks = parseVocabulary({
      block_smi: { 0: 'CO', 1: 'c1ccccc1' },
      block_r: { 0: [1, 0, 0, 0], 1: [0, 1] },
    });
    expect(blocks).toEqual([
      { name: 'CO_1', smiles: 'CO', stems: [1, 0, 0, 0] },
      { name: 'c1ccccc1_0', smiles: 'c1ccccc1', stems: [0, 1] },
    ]);
    expect(parseVocabulary([['C1CCNCC1', [0, 3]]]).map((b) => b.stems)).toEqual([
      [0, 3],
      [3, 0],
    ]);
    expect(parseVocabulary([{ smiles: 'C', stems: [0] }])[0]?.name).toBe('C_0');
    expect(() => parseVocabulary({ foo: 1 }, 'x.json')).toThrow(/x\.json: expected the 105-block JSON/);
    expect(() =>
      fragmentsEnvironment({
        vocabulary: [{ name: 'bad', smiles: 'CC', stems: [2] }],
      }),
    ).toThrow(/block 0 \("bad"\): attachment atom 2 is not an atom of CC/);
    expect(() => fragmentsEnvironment({ vocabulary: [] })).toThrow(/vocabulary is empty/);
  });

  it.runIf(HAVE_105)('loads the original 105 blocks: 72 SMILES, 81 types, action space 1 + 105 × stem slots', async () => {
    const env = fragmentsEnvironment({ vocabulary: await vocabulary105() });
    const v = env.vocabulary;
    expect(v.numBlocks).toBe(105);
    expect(new Set(v.blocks.map((b) => b.smiles)).size).toBe(72);
    expect(v.numTypes).toBe(81);
    expect(v.maxBlockStems).toBe(6);
    // 7 fragments × 6 stems − 2 per junction: at most 30 free stems while the molecule can grow.
    expect(env.maxStems).toBe(30);
    expect(env.numActions).toBe(1 + 105 * 30);
    // The original action set at any state: 105 blocks × free stems (+ stop).
    const s = sampleTerminals(env, null, 30, new Random(3));
    const raw = env.rawForwardMask(s);
    for (let i = 0; i < s.n; i++) {
      const n = env.numFragments(s, i);
      if (n >= env.maxFragments) continue;
      const count = raw.subarray(i * env.numActions, (i + 1) * env.numActions - 1).reduce((a, b) => a + b, 0);
      expect(count).toBe(105 * env.freeStems(s, i));
    }
  });

  it.runIf(HAVE_72)('reads the 72-fragment format (one stem per attachment atom)', async () => {
    const frags = JSON.parse(readFileSync(FRAGS_72, 'utf8')) as unknown;
    const env = fragmentsEnvironment({
      vocabulary: parseVocabulary(frags, FRAGS_72),
    });
    expect(new Set(env.vocabulary.blocks.map((b) => b.smiles)).size).toBe(72);
    // One block per attachment atom of each fragment.
    expect(env.vocabulary.numBlocks).toBe((frags as [string, number[]][]).reduce((s, f) => s + f[1].length, 0));
  });
});

describe('QED', () => {
  it('has RDKit\u2019s 116 structural alerts', () => {
    expect(QED_STRUCTURAL_ALERT_COUNT).toBe(116);
  });

  it.runIf(HAVE_QED)('matches RDKit\u2019s reference values on NCI-200 to 1e-6', async () => {
    const rdkit = await loadRDKit();
    const lines = readFileSync(NCI_QED, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines.length).toBe(200);
    let worst = 0;
    for (const line of lines) {
      const comma = line.lastIndexOf(',');
      const value = qed(rdkit, line.slice(0, comma));
      expect(value, line).not.toBeNull();
      worst = Math.max(worst, Math.abs((value as number) - Number(line.slice(comma + 1))));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('returns null for SMILES RDKit cannot parse', async () => {
    expect(qed(await loadRDKit(), 'C1CC')).toBeNull();
  });
});

describe('fingerprints', () => {
  it('computes Tanimoto similarity from packed bits', async () => {
    expect(tanimoto(Uint8Array.of(0b1011, 0), Uint8Array.of(0b0011, 0b1))).toBeCloseTo(2 / 4, 12);
    expect(tanimoto(new Uint8Array(4), new Uint8Array(4))).toBe(1);
    const rdkit = await loadRDKit();
    for (const kind of ['rdkit', 'morgan'] as const) {
      const a = fingerprint(rdkit, 'c1ccccc1CCO', kind) as Uint8Array;
      const b = fingerprint(rdkit, 'OCCc1ccccc1', kind) as Uint8Array;
      const c = fingerprint(rdkit, 'C1CCNCC1', kind) as Uint8Array;
      expect(a.length).toBe(256);
      expect(tanimoto(a, b)).toBe(1);
      expect(tanimoto(a, c)).toBeLessThan(0.3);
    }
    expect(fingerprint(rdkit, 'C1CC')).toBeNull();
  });
});

describe('molecules from random trajectories', () => {
  const env = fragmentsEnvironment();
  let smiles: string[] = [];
  beforeAll(() => {
    const s = sampleTerminals(env, null, 1000, new Random(11));
    smiles = Array.from({ length: s.n }, (_, i) => env.smiles(s, i));
    for (let i = 0; i < s.n; i++) {
      expect(env.numFragments(s, i)).toBeGreaterThanOrEqual(2);
      expect(env.numFragments(s, i)).toBeLessThanOrEqual(8);
    }
  });

  it('1,000 random trajectories give 1,000 valid molecules (default vocabulary)', async () => {
    const rdkit = await loadRDKit();
    expect(smiles.length).toBe(1000);
    expect(smiles.filter((x) => canonicalSmiles(rdkit, x) !== null).length).toBe(1000);
  });

  it.runIf(HAVE_105)('1,000 random trajectories give 1,000 valid molecules (105 blocks)', async () => {
    const env105 = fragmentsEnvironment({
      vocabulary: await vocabulary105(),
    });
    const s = sampleTerminals(env105, null, 1000, new Random(12));
    const rdkit = await loadRDKit();
    let valid = 0;
    for (let i = 0; i < s.n; i++) if (canonicalSmiles(rdkit, env105.smiles(s, i)) !== null) valid++;
    expect(valid).toBe(1000);
  });

  it('keeps RDKit memory flat over 10,000 molecules (every RDKit object is released)', async () => {
    const rdkit = await env.rdkit();
    // Warm up every path once so that RDKit's own one-time allocations are done.
    for (const x of smiles.slice(0, 50)) {
      canonicalSmiles(rdkit, x);
      fingerprint(rdkit, x, 'rdkit');
      fingerprint(rdkit, x, 'morgan');
      qed(rdkit, x);
    }
    await env.logReward(sampleTerminals(env, null, 50, new Random(13)));
    const before = rdkitMemoryBytes() as number;
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 10_000; i++) {
      const x = smiles[i % smiles.length] as string;
      canonicalSmiles(rdkit, x);
      if (i % 20 === 0) fingerprint(rdkit, x, i % 40 === 0 ? 'rdkit' : 'morgan');
      if (i % 100 === 0) qed(rdkit, x);
    }
    // An undeleted molecule keeps ~16 KB: 10,000 leaks would add ~160 MB. Allow a little heap growth.
    expect((rdkitMemoryBytes() as number) - before).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
