/**
 * Packs molecule graphs into one block-diagonal batch. Atoms of all molecules are rows of one matrix,
 * followed by one dummy atom with a self-loop: the dummy keeps the segment mean's output exactly
 * `numAtoms + 1` rows long (sparseSegmentMean sizes its output by the last segment id) and fills the
 * padding of the readout, where the attention mask hides it.
 */
import type { MoleculeGraph } from './featurize.js';
import { ATOM_FEATURES, STEM_MASK_COLUMN, writeAtomFeatures } from './featurize.js';

/** Bond types (one edge weight matrix each). */
export const NUM_BOND_TYPES = 4;

/** A batch ready for the network; every array is in host memory. */
export interface PackedBatch {
  readonly numMolecules: number;
  /** Real atoms in the batch (rows `0 … numAtoms − 1`; row `numAtoms` is the dummy). */
  readonly numAtoms: number;
  readonly numBonds: number;
  /** Atoms of the largest molecule: the readout pads every molecule to it. */
  readonly maxAtoms: number;
  /** `(numAtoms + 1) × 71` atom features, stem mask included. */
  readonly features: Float32Array;
  /** Per directed edge, sorted by target: the message row `source · 4 + bondType`. */
  readonly messageRows: Int32Array;
  /** Per directed edge: its target atom (non-decreasing). */
  readonly targets: Int32Array;
  /** `numMolecules × maxAtoms` atom rows of the padded readout (padding → the dummy row). */
  readonly paddedRows: Int32Array;
  /** `numMolecules × maxAtoms`: 0 on real atoms, a large negative number on padding. */
  readonly attentionMask: Float32Array;
}

/** Added to the attention logits of padding: exp underflows to exactly 0 in float32. */
const MASKED_LOGIT = -1e9;

/** Stem atoms that mark the stem mask: the given ones, or atom 0 when there are none. */
function stemMaskAtoms(graph: MoleculeGraph, stemAtoms: readonly number[], label: string): readonly number[] {
  if (!Array.isArray(stemAtoms)) throw new TypeError(`sehProxy: ${label}: stemAtoms must be an array of atom indices`);
  for (const a of stemAtoms) {
    if (!Number.isInteger(a) || a < 0 || a >= graph.numAtoms)
      throw new RangeError(`sehProxy: ${label}: stem atom ${String(a)} is not an atom index of "${graph.smiles}" (0 to ${graph.numAtoms - 1})`);
  }
  return stemAtoms.length > 0 ? stemAtoms : [0];
}

/** Packs `graphs[i]` with stems `stemAtoms[i]`; `labels[i]` names molecule i in errors. */
export function packBatch(graphs: readonly MoleculeGraph[], stemAtoms: readonly (readonly number[])[], labels: readonly string[]): PackedBatch {
  const B = graphs.length;
  if (B === 0) throw new RangeError('sehProxy: a batch needs at least one molecule');
  let R = 0;
  let numBonds = 0;
  let N = 0;
  for (const g of graphs) {
    R += g.numAtoms;
    numBonds += g.bondTypes.length;
    N = Math.max(N, g.numAtoms);
  }
  const features = new Float32Array((R + 1) * ATOM_FEATURES);
  // Counting sort of directed edges by target: in-degree, then offsets.
  const inDegree = new Int32Array(R + 1);
  inDegree[R] = 1;
  const paddedRows = new Int32Array(B * N).fill(R);
  const attentionMask = new Float32Array(B * N).fill(MASKED_LOGIT);
  let offset = 0;
  graphs.forEach((g, b) => {
    for (let i = 0; i < g.numAtoms; i++) {
      writeAtomFeatures(g, i, features, (offset + i) * ATOM_FEATURES);
      paddedRows[b * N + i] = offset + i;
      attentionMask[b * N + i] = 0;
    }
    for (const a of stemMaskAtoms(g, stemAtoms[b] ?? [], labels[b] ?? `molecule ${b}`)) features[(offset + a) * ATOM_FEATURES + STEM_MASK_COLUMN] = 1;
    for (let e = 0; e < g.bondTypes.length; e++) {
      const a = offset + (g.bondAtoms[2 * e] as number);
      const c = offset + (g.bondAtoms[2 * e + 1] as number);
      inDegree[a] = (inDegree[a] as number) + 1;
      inDegree[c] = (inDegree[c] as number) + 1;
    }
    offset += g.numAtoms;
  });
  const start = new Int32Array(R + 2);
  for (let a = 0; a <= R; a++) start[a + 1] = (start[a] as number) + (inDegree[a] as number);
  const numEdges = start[R + 1] as number;
  const messageRows = new Int32Array(numEdges);
  const targets = new Int32Array(numEdges);
  const fill = start.slice(0, R + 1);
  const put = (source: number, target: number, type: number): void => {
    const at = fill[target] as number;
    fill[target] = at + 1;
    messageRows[at] = source * NUM_BOND_TYPES + type;
    targets[at] = target;
  };
  offset = 0;
  for (const g of graphs) {
    for (let e = 0; e < g.bondTypes.length; e++) {
      const a = offset + (g.bondAtoms[2 * e] as number);
      const c = offset + (g.bondAtoms[2 * e + 1] as number);
      const k = g.bondTypes[e] as number;
      put(a, c, k);
      put(c, a, k);
    }
    offset += g.numAtoms;
  }
  put(R, R, 0);
  return { numMolecules: B, numAtoms: R, numBonds, maxAtoms: N, features, messageRows, targets, paddedRows, attentionMask };
}
