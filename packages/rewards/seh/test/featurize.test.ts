import { beforeAll, describe, expect, it } from 'vitest';
import type { MoleculeGraph, RDKitModule } from '../src/index.js';
import { ATOM_FEATURES, featurizeMolecule, loadRDKit, packBatch, SmilesParseError } from '../src/index.js';

let rdkit: RDKitModule;
beforeAll(async () => {
  rdkit = await loadRDKit();
});

/** The 71 features of atom `i` when `stems` carry the stem mask. */
function atomFeatures(g: MoleculeGraph, i: number, stems: number[] = []): number[] {
  const x = packBatch([g], [stems], ['test']).features;
  return Array.from(x.subarray(i * ATOM_FEATURES, (i + 1) * ATOM_FEATURES));
}

/** Columns that are non-zero, with their values. */
function nonZero(features: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  features.forEach((v, c) => {
    if (v !== 0) out[c] = v;
  });
  return out;
}

describe('atom features (hand-checked against the spec table)', () => {
  it('acetonitrile CC#N: SP3 carbon with 3 H, SP carbon, SP nitrogen; single and triple bonds', () => {
    const g = featurizeMolecule(rdkit, 'CC#N', 'acetonitrile');
    expect(g.numAtoms).toBe(3);
    // C: element C (1), SP3 (12), 3 H (13), Z = 6 (19); atom 0 carries the stem mask (70) without stems.
    expect(nonZero(atomFeatures(g, 0))).toEqual({ 1: 1, 12: 1, 13: 3, 19: 1, 70: 1 });
    expect(nonZero(atomFeatures(g, 1))).toEqual({ 1: 1, 10: 1, 19: 1 });
    // N: element N (2), SP (10), Z = 7 (20).
    expect(nonZero(atomFeatures(g, 2))).toEqual({ 2: 1, 10: 1, 20: 1 });
    expect(Array.from(g.bondAtoms)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.bondTypes)).toEqual([0, 2]);
  });

  it('benzene: aromatic SP2 carbons with one H and aromatic bonds', () => {
    const g = featurizeMolecule(rdkit, 'C1=CC=CC=C1', 'benzene');
    for (let i = 0; i < 6; i++) expect(nonZero(atomFeatures(g, i, [3]))).toEqual({ 1: 1, 9: 1, 11: 1, 13: 1, 19: 1, ...(i === 3 ? { 70: 1 } : {}) });
    expect(Array.from(g.bondTypes)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('halogens, oxygen, a double bond, an ammonium and elements past Z = 56', () => {
    const g = featurizeMolecule(rdkit, 'FC(Cl)(Br)C(=O)[O-].[NH4+].[La]', 'mixed');
    // F: element F (4), Z = 9 (22).
    expect(atomFeatures(g, 0)[4]).toBe(1);
    expect(atomFeatures(g, 0)[22]).toBe(1);
    // Cl, Br: element "other" (5), Z = 17 (30), 35 (48).
    expect(nonZero(atomFeatures(g, 2))).toMatchObject({ 5: 1, 30: 1 });
    expect(nonZero(atomFeatures(g, 3))).toMatchObject({ 5: 1, 48: 1 });
    // Carbonyl O: element O (3), SP2 (11), Z = 8 (21), no H.
    expect(nonZero(atomFeatures(g, 5))).toEqual({ 3: 1, 11: 1, 21: 1 });
    // NH4+: 4 hydrogens, SP3.
    expect(nonZero(atomFeatures(g, 7))).toEqual({ 2: 1, 12: 1, 13: 4, 20: 1 });
    // La (Z = 57): the "other" element column and no Z column (they stop at 56).
    const la = atomFeatures(g, 8);
    expect(la[5]).toBe(1);
    expect(la.slice(14, 70).every((v) => v === 0)).toBe(true);
    expect(Array.from(g.bondTypes)).toEqual([0, 0, 0, 0, 1, 0]);
  });

  it('keeps hydrogens implicit when the SMILES writes them as atoms', () => {
    const written = featurizeMolecule(rdkit, '[H]OC([H])([H])[H]', 'methanol with H atoms');
    const plain = featurizeMolecule(rdkit, 'OC', 'methanol');
    expect(written.numAtoms).toBe(2);
    expect(Array.from(written.hydrogens)).toEqual([1, 3]);
    expect(atomFeatures(written, 0)).toEqual(atomFeatures(plain, 0));
    expect(atomFeatures(written, 1)).toEqual(atomFeatures(plain, 1));
  });

  it('atom order is the order of the SMILES as written (not canonical)', () => {
    const a = featurizeMolecule(rdkit, 'OCC', 'a');
    const b = featurizeMolecule(rdkit, 'CCO', 'b');
    expect(Array.from(a.atomicNumbers)).toEqual([8, 6, 6]);
    expect(Array.from(b.atomicNumbers)).toEqual([6, 6, 8]);
  });
});

describe('input validation', () => {
  it('names the molecule when RDKit cannot parse its SMILES', () => {
    expect(() => featurizeMolecule(rdkit, 'C1CC', 'molecule 3')).toThrow(SmilesParseError);
    expect(() => featurizeMolecule(rdkit, 'C1CC', 'molecule 3')).toThrow(/molecule 3: RDKit cannot parse SMILES "C1CC"/);
    expect(() => featurizeMolecule(rdkit, '', 'molecule 0')).toThrow(/molecule 0: smiles must be a non-empty string/);
  });

  it('names the molecule and the atom range for a bad stem index', () => {
    const g = featurizeMolecule(rdkit, 'CCO', 'ethanol');
    expect(() => packBatch([g], [[3]], ['molecule 7'])).toThrow(/molecule 7: stem atom 3 is not an atom index of "CCO" \(0 to 2\)/);
    expect(() => packBatch([g], [[1.5]], ['molecule 7'])).toThrow(/stem atom 1.5/);
    expect(() => packBatch([g], [[-1]], ['molecule 7'])).toThrow(/stem atom -1/);
  });
});

describe('packing', () => {
  it('sorts directed edges by target, appends a self-looped dummy atom and pads the readout to it', () => {
    const a = featurizeMolecule(rdkit, 'CC=O', 'a');
    const b = featurizeMolecule(rdkit, 'N', 'b');
    const p = packBatch([a, b], [[2], []], ['a', 'b']);
    expect(p.numAtoms).toBe(4);
    expect(p.maxAtoms).toBe(3);
    // Edges (source·4 + type → target): 1→0 single, 0→1 single, 2→1 double, 1→2 double, dummy 4→4.
    expect(Array.from(p.targets)).toEqual([0, 1, 1, 2, 4]);
    expect(Array.from(p.messageRows)).toEqual([4, 0, 9, 5, 16]);
    expect(Array.from(p.paddedRows)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(Array.from(p.attentionMask)).toEqual([0, 0, 0, 0, -1e9, -1e9]);
    // Stem mask: atom 2 of the first molecule, atom 0 (row 3) of the second, which has no stems.
    const mask = Array.from({ length: 5 }, (_, r) => p.features[r * ATOM_FEATURES + 70]);
    expect(mask).toEqual([0, 0, 1, 1, 0]);
  });
});
