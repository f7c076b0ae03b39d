import { readVocabularyText } from '#vocabulary-source';
import { loadRDKit } from './rdkit.js';
import type { TokenizedSmiles } from './smiles.js';
import { FIRST_JUNCTION_LABEL, tokenizeSmiles } from './smiles.js';
import { checkVocabularyChemistry } from './vocabulary-check.js';

/**
 * One block of a fragment vocabulary, in the original environment's terms: a fragment SMILES and
 * its attachment atoms (`block_r`). `stems[0]` is the atom bonded when the block is attached to a
 * molecule; `stems.slice(1)` become new free stems; a first block gets every entry as a stem. An
 * atom may be listed more than once (one stem per occurrence).
 */
export interface FragmentBlock {
  readonly name: string;
  readonly smiles: string;
  readonly stems: readonly number[];
}

/**
 * A vocabulary compiled for the environment. Blocks with the same SMILES and the same multiset of
 * stems make one node **type**: once placed in a molecule they behave alike, whichever of them was
 * used. Each type's distinct stem atoms, sorted, are its **local stems** `0 .. L−1`.
 */
export interface CompiledVocabulary {
  readonly blocks: readonly FragmentBlock[];
  readonly numBlocks: number;
  readonly numTypes: number;
  /** Type of each block. */
  readonly blockType: Int32Array;
  /** Local stem (in its type) of each block's attachment atom `stems[0]`. */
  readonly blockAttach: Int32Array;
  /** Number of stems of each block (`stems.length`). */
  readonly blockStems: Int32Array;
  /** 1 for the first block of each (type, attachment atom) class: the one forward actions use. */
  readonly canonicalBlock: Uint8Array;
  /** `[numTypes * maxLocalStems]`: the canonical block that attaches type t through local stem j, or −1. */
  readonly attachBlock: Int32Array;
  /** Number of distinct attachment atoms (canonical blocks) of each type. */
  readonly typeAttachClasses: Int32Array;
  /** The first block of each type (used to place a first fragment). */
  readonly rootBlock: Int32Array;
  /** SMILES of each type. */
  readonly typeSmiles: readonly string[];
  /** Distinct stem atoms of each type, sorted (atom index of local stem j). */
  readonly typeStemAtoms: readonly (readonly number[])[];
  /** `[numTypes * maxLocalStems]`: how many stems each local stem carries. */
  readonly typeStemCount: Int32Array;
  /** Total stems of each type. */
  readonly typeTotalStems: Int32Array;
  /** Largest number of distinct stem atoms of any type (L). */
  readonly maxLocalStems: number;
  /** Largest `stems.length` of any block. */
  readonly maxBlockStems: number;
  /** Tokenized SMILES of each type, for assembly. */
  readonly typeTokens: readonly TokenizedSmiles[];
}

function fail(where: string, msg: string): never {
  throw new RangeError(`fragment vocabulary: ${where}: ${msg}`);
}

/**
 * Reads a vocabulary in any of the accepted JSON shapes:
 * - the original `blocks_PDB_105.json` (pandas columns `block_smi`, `block_r`, optional `block_name`);
 * - an array of `{ name?, smiles, stems }` blocks;
 * - an array of `[smiles, [atoms]]` fragments (the 72-fragment format), expanded to one block per
 *   attachment atom, that atom first (so each atom carries one stem).
 */
export function parseVocabulary(json: unknown, source = 'input'): FragmentBlock[] {
  if (Array.isArray(json)) {
    const out: FragmentBlock[] = [];
    json.forEach((entry, i) => {
      if (Array.isArray(entry)) {
        const [smiles, atoms] = entry as [unknown, unknown];
        if (typeof smiles !== 'string' || !Array.isArray(atoms)) fail(`${source}[${i}]`, 'expected [smiles, [attachment atoms]]');
        const list = atoms as number[];
        for (const [k, a] of list.entries()) out.push({ name: `${smiles}_${a}`, smiles, stems: [a, ...list.filter((_, m) => m !== k)] });
      } else if (entry && typeof entry === 'object') {
        const e = entry as {
          name?: unknown;
          smiles?: unknown;
          stems?: unknown;
        };
        if (typeof e.smiles !== 'string' || !Array.isArray(e.stems)) fail(`${source}[${i}]`, 'expected { smiles, stems }');
        out.push({
          name: typeof e.name === 'string' ? e.name : `${e.smiles}_${i}`,
          smiles: e.smiles,
          stems: [...(e.stems as number[])],
        });
      } else fail(`${source}[${i}]`, 'expected a block object or a [smiles, atoms] pair');
    });
    return out;
  }
  if (json && typeof json === 'object' && 'block_smi' in json && 'block_r' in json) {
    const cols = json as {
      block_smi: Record<string, unknown>;
      block_r: Record<string, unknown>;
      block_name?: Record<string, unknown>;
    };
    const keys = Object.keys(cols.block_smi).sort((a, b) => Number(a) - Number(b));
    return keys.map((k) => {
      const smiles = cols.block_smi[k];
      const r = cols.block_r[k];
      if (typeof smiles !== 'string' || !Array.isArray(r)) fail(`${source} row ${k}`, 'block_smi must be a string and block_r an array');
      const name = cols.block_name?.[k];
      return {
        name: typeof name === 'string' ? name : `${smiles}_${r[0]}`,
        smiles,
        stems: [...(r as number[])],
      };
    });
  }
  return fail(source, 'expected the 105-block JSON ({block_smi, block_r}), an array of {smiles, stems} blocks, or an array of [smiles, atoms] fragments');
}

/** Compiles blocks for the environment, validating SMILES and attachment atoms. */
export function compileVocabulary(blocks: readonly FragmentBlock[]): CompiledVocabulary {
  if (blocks.length === 0) fail('blocks', 'the vocabulary is empty');
  const typeIndex = new Map<string, number>();
  const typeSmiles: string[] = [];
  const typeStemAtoms: number[][] = [];
  const typeCounts: number[][] = [];
  const typeTokens: TokenizedSmiles[] = [];
  const tokenCache = new Map<string, TokenizedSmiles>();
  const B = blocks.length;
  const blockType = new Int32Array(B);
  const blockStems = new Int32Array(B);
  let maxBlockStems = 0;
  blocks.forEach((block, b) => {
    const where = `block ${b} ("${block.name}")`;
    if (typeof block.smiles !== 'string' || block.smiles.length === 0) fail(where, 'SMILES must be a non-empty string');
    let tokens = tokenCache.get(block.smiles);
    if (!tokens) {
      try {
        tokens = tokenizeSmiles(block.smiles);
      } catch (err) {
        fail(where, (err as Error).message);
      }
      if (tokens.maxRingLabel >= FIRST_JUNCTION_LABEL) fail(where, `ring-closure labels must be below ${FIRST_JUNCTION_LABEL}`);
      if (block.smiles.includes('.')) fail(where, 'a fragment must be one connected molecule (no ".")');
      tokenCache.set(block.smiles, tokens);
    }
    if (!Array.isArray(block.stems) || block.stems.length === 0) fail(where, 'needs at least one attachment atom');
    for (const a of block.stems) {
      if (!Number.isInteger(a) || a < 0 || a >= tokens.numAtoms)
        fail(where, `attachment atom ${a} is not an atom of ${block.smiles} (0..${tokens.numAtoms - 1})`);
    }
    const sorted = [...block.stems].sort((x, y) => x - y);
    const key = `${block.smiles} ${sorted.join(',')}`;
    let t = typeIndex.get(key);
    if (t === undefined) {
      t = typeSmiles.length;
      typeIndex.set(key, t);
      typeSmiles.push(block.smiles);
      const atoms = [...new Set(sorted)];
      typeStemAtoms.push(atoms);
      typeCounts.push(atoms.map((a) => sorted.filter((x) => x === a).length));
      typeTokens.push(tokens);
    }
    blockType[b] = t;
    blockStems[b] = block.stems.length;
    maxBlockStems = Math.max(maxBlockStems, block.stems.length);
  });
  const T = typeSmiles.length;
  const L = Math.max(...typeStemAtoms.map((a) => a.length));
  const typeStemCount = new Int32Array(T * L);
  const typeTotalStems = new Int32Array(T);
  typeCounts.forEach((counts, t) => {
    counts.forEach((c, j) => {
      typeStemCount[t * L + j] = c;
      typeTotalStems[t] = (typeTotalStems[t] as number) + c;
    });
  });
  const blockAttach = new Int32Array(B);
  const attachBlock = new Int32Array(T * L).fill(-1);
  const rootBlock = new Int32Array(T).fill(-1);
  const canonicalBlock = new Uint8Array(B);
  const typeAttachClasses = new Int32Array(T);
  blocks.forEach((block, b) => {
    const t = blockType[b] as number;
    const j = (typeStemAtoms[t] as number[]).indexOf(block.stems[0] as number);
    blockAttach[b] = j;
    if (rootBlock[t] === -1) rootBlock[t] = b;
    if (attachBlock[t * L + j] === -1) {
      attachBlock[t * L + j] = b;
      canonicalBlock[b] = 1;
      typeAttachClasses[t] = (typeAttachClasses[t] as number) + 1;
    }
  });
  return {
    blocks,
    numBlocks: B,
    numTypes: T,
    blockType,
    blockAttach,
    blockStems,
    canonicalBlock,
    attachBlock,
    typeAttachClasses,
    rootBlock,
    typeSmiles,
    typeStemAtoms,
    typeStemCount,
    typeTotalStems,
    maxLocalStems: L,
    maxBlockStems,
    typeTokens,
  };
}

/** A vocabulary as data: any of the JSON shapes {@link parseVocabulary} reads. */
export type VocabularyJson =
  | readonly { readonly name?: string; readonly smiles: string; readonly stems: readonly number[] }[]
  | readonly (readonly [smiles: string, attachmentAtoms: readonly number[]])[]
  | {
      readonly block_smi: Readonly<Record<string, string>>;
      readonly block_r: Readonly<Record<string, readonly number[]>>;
      readonly block_name?: Readonly<Record<string, string>>;
    };

/** Where {@link loadVocabulary} reads a vocabulary: its parsed JSON, a URL (fetched; `file:` read from disk in Node), or in Node a file path. */
export type VocabularySource = VocabularyJson | URL | string;

/**
 * Reads and checks a vocabulary: parsed JSON (e.g. `PDB_105_BLOCKS`), a URL, or (Node only) a file path;
 * in a browser a string is a URL, relative to the page. Any shape {@link parseVocabulary} accepts; the
 * blocks are compiled and every SMILES checked with RDKit ({@link checkVocabularyChemistry}), so a bad
 * vocabulary fails here, in one line naming its source. In a browser, load RDKit first
 * (`loadRDKit({ scriptUrl })`).
 *
 * @example
 * const blocks = await loadVocabulary(new URL('./my-blocks.json', import.meta.url));
 */
export async function loadVocabulary(source: VocabularySource): Promise<FragmentBlock[]> {
  const location = typeof source === 'string' || source instanceof URL ? String(source) : undefined;
  const name = location ?? 'data';
  let json: unknown = source;
  if (location !== undefined) {
    const text = await readVocabularyText(source as string | URL);
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`fragment vocabulary ${name} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const blocks = parseVocabulary(json, name);
  try {
    compileVocabulary(blocks);
  } catch (err) {
    throw new RangeError((err as Error).message.replace(/^fragment vocabulary: /, `fragment vocabulary ${name}: `));
  }
  checkVocabularyChemistry(await loadRDKit(), blocks, name);
  return blocks;
}
