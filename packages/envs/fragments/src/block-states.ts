/**
 * States in the original environment's terms: the atoms of the assembled SMILES that carry free stems
 * (what the sEH proxy's stem mask reads), and states rebuilt from block indices and junctions (the
 * original `BlockMoleculeData`, e.g. its held-out molecules). No RDKit.
 */
import type { StateContext } from './state.js';
import { freeStemCounts } from './state.js';
import type { TreeEdge } from './tree.js';
import { canonicalize } from './tree.js';

/**
 * Atoms of the row's assembled SMILES (fragments in slot order, atom i the i-th atom written) that
 * carry a free stem, one entry per free stem, ascending: the offset of the stem's fragment plus the
 * stem's atom in the fragment. Empty at s0 and when no stem is free.
 */
export function assembledStemAtoms(ctx: StateContext, data: Int32Array, off: number): number[] {
  const n = data[off] as number;
  if (n === 0) return [];
  const { vocab } = ctx;
  const L = vocab.maxLocalStems;
  const { counts } = freeStemCounts(ctx, data, off);
  const out: number[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const t = data[off + 1 + 4 * i] as number;
    const atoms = vocab.typeStemAtoms[t] as readonly number[];
    for (let j = 0; j < atoms.length; j++) for (let c = 0; c < (counts[i * L + j] as number); c++) out.push(offset + (atoms[j] as number));
    offset += (vocab.typeTokens[t] as { numAtoms: number }).numAtoms;
  }
  return out;
}

/**
 * A molecule in the original environment's terms: `blocks[i]` is the vocabulary block (row) of node
 * i, and each junction `[a, b, atomA, atomB]` bonds atom `atomA` of node a to atom `atomB` of node b
 * (the original `blockidxs` and `jbonds`).
 */
export interface BlockMolecule {
  readonly blocks: readonly number[];
  readonly junctions: readonly (readonly number[])[];
}

/** The normal-form row of a {@link BlockMolecule}; errors name `label` and what is wrong. */
export function rowFromBlocks(ctx: StateContext, molecule: BlockMolecule, label: string): Int32Array {
  const { vocab } = ctx;
  const fail = (msg: string): never => {
    throw new RangeError(`fragments: ${label}: ${msg}`);
  };
  if (!Array.isArray(molecule?.blocks) || !Array.isArray(molecule.junctions)) fail('expected { blocks: number[], junctions: [a, b, atomA, atomB][] }');
  const n = molecule.blocks.length;
  if (n === 0) fail('has no blocks');
  if (n > ctx.maxFragments) fail(`has ${n} blocks, more than maxFragments ${ctx.maxFragments}`);
  const types = molecule.blocks.map((b, i) => {
    if (!Number.isInteger(b) || b < 0 || b >= vocab.numBlocks) fail(`block ${i} is ${String(b)}, not a block of the vocabulary (0..${vocab.numBlocks - 1})`);
    return vocab.blockType[b] as number;
  });
  if (molecule.junctions.length !== n - 1) fail(`${n} blocks need ${n - 1} junctions, got ${molecule.junctions.length}`);
  const localStem = (node: number, atom: number, q: number): number => {
    if (!Number.isInteger(node) || node < 0 || node >= n) fail(`junction ${q} names node ${String(node)} (0..${n - 1})`);
    const j = (vocab.typeStemAtoms[types[node] as number] as readonly number[]).indexOf(atom);
    if (j < 0) fail(`junction ${q} bonds atom ${String(atom)} of node ${node} (${vocab.typeSmiles[types[node] as number]}), not one of its attachment atoms`);
    return j;
  };
  const edges: TreeEdge[] = molecule.junctions.map((junction, q) => {
    if (!Array.isArray(junction) || junction.length !== 4) fail(`junction ${q} must be [a, b, atomA, atomB]`);
    const [a, b, atomA, atomB] = junction as [number, number, number, number];
    return { u: a, su: localStem(a, atomA, q), v: b, sv: localStem(b, atomB, q) };
  });
  let row: Int32Array;
  try {
    row = canonicalize({ types, edges }, ctx.maxFragments).row;
    freeStemCounts(ctx, row, 0);
  } catch (err) {
    return fail((err as Error).message.replace(/^fragments: /, ''));
  }
  return row;
}

/**
 * Block molecules from JSON in the original environment's terms: an array of `{ blockidxs, jbonds }`
 * (other fields, such as `smiles` or `stems`, are ignored), e.g. the held-out molecules of the
 * original experiment (`heldout_some_mols_U_1k.json`). Errors name `source` and the entry.
 */
export function parseBlockMolecules(json: unknown, source = 'input'): BlockMolecule[] {
  if (!Array.isArray(json) || json.length === 0) throw new RangeError(`${source}: expected a non-empty array of { blockidxs, jbonds } molecules`);
  return json.map((entry, i) => {
    const e = entry as { blockidxs?: unknown; jbonds?: unknown } | null;
    if (!e || !Array.isArray(e.blockidxs) || !Array.isArray(e.jbonds)) throw new RangeError(`${source}: molecule ${i} needs arrays blockidxs and jbonds`);
    return { blocks: e.blockidxs as number[], junctions: e.jbonds as number[][] };
  });
}
