/**
 * Per-state operations on normal-form rows (see tree.ts): free stems, the deduplicated forward
 * actions, the distinct parents, and SMILES assembly. No RDKit.
 */
import type { Junction } from './smiles.js';
import { assembleSmiles } from './smiles.js';
import type { Canonical, TreeSpec } from './tree.js';
import { canonicalize, degrees, orbitRepresentatives, specOf, withNode, withoutNode } from './tree.js';
import type { CompiledVocabulary } from './vocabulary.js';

/** The settings per-state operations need. */
export interface StateContext {
  readonly vocab: CompiledVocabulary;
  readonly maxFragments: number;
  readonly minFragments: number;
  readonly maxStems: number;
  readonly width: number;
}

/** Free-stem counts `[maxFragments * L]` of the row at `off`, and their total. */
export function freeStemCounts(ctx: StateContext, data: Int32Array, off: number): { counts: Int32Array; total: number } {
  const L = ctx.vocab.maxLocalStems;
  const n = data[off] as number;
  const counts = new Int32Array(ctx.maxFragments * L);
  for (let i = 0; i < n; i++) {
    const t = data[off + 1 + 4 * i] as number;
    for (let j = 0; j < L; j++) counts[i * L + j] = ctx.vocab.typeStemCount[t * L + j] as number;
  }
  for (let i = 1; i < n; i++) {
    const p = data[off + 2 + 4 * i] as number;
    const sp = data[off + 3 + 4 * i] as number;
    const si = data[off + 4 + 4 * i] as number;
    counts[p * L + sp] = (counts[p * L + sp] as number) - 1;
    counts[i * L + si] = (counts[i * L + si] as number) - 1;
  }
  let total = 0;
  for (let m = 0; m < counts.length; m++) {
    if ((counts[m] as number) < 0) throw new RangeError(`fragments: state uses stem ${m % L} of slot ${Math.floor(m / L)} more often than its type allows`);
    total += counts[m] as number;
  }
  return { counts, total };
}

/** The (slot, local stem) of stem slot `k`, or undefined when there is no such free stem. */
export function stemAt(ctx: StateContext, counts: Int32Array, k: number): { slot: number; stem: number } | undefined {
  const L = ctx.vocab.maxLocalStems;
  let acc = 0;
  for (let m = 0; m < counts.length; m++) {
    acc += counts[m] as number;
    if (k < acc) return { slot: Math.floor(m / L), stem: m % L };
  }
  return undefined;
}

/** The first stem slot of (slot, stem). */
export function firstStemSlot(ctx: StateContext, counts: Int32Array, slot: number, stem: number): number {
  const L = ctx.vocab.maxLocalStems;
  let k = 0;
  for (let m = 0; m < slot * L + stem; m++) k += counts[m] as number;
  return k;
}

/**
 * Writes the forward mask of one state into `mask` (length numActions). With `dedupe`, one action per
 * distinct child: attachments use canonical blocks only (one per type and attachment atom), the first
 * stem of each (slot, atom), and only slots that are the first of their automorphism orbit. Blocks of
 * one type that attach through different atoms can still give the same child when the tree already
 * has a leaf of that type (e.g. A–A joined atom 0 to atom 3 either way round); for those types the
 * children are canonicalised and the first action per child is kept. Attachments that would leave a
 * molecule below `minFragments` with no free stem are masked. Stop is allowed from `minFragments` on
 * (or when nothing else is). Without `dedupe`: the original action set, every (block, free stem).
 */
export function writeForwardMask(ctx: StateContext, data: Int32Array, off: number, mask: Uint8Array, dedupe: boolean): void {
  const { vocab } = ctx;
  const B = vocab.numBlocks;
  const n = data[off] as number;
  const stop = mask.length - 1;
  if (n === 0) {
    if (dedupe) for (let t = 0; t < vocab.numTypes; t++) mask[vocab.rootBlock[t] as number] = 1;
    else mask.fill(1, 0, B);
    return;
  }
  let any = false;
  if (n < ctx.maxFragments) {
    const { counts, total } = freeStemCounts(ctx, data, off);
    const L = vocab.maxLocalStems;
    const spec = dedupe ? specOf(data, off) : undefined;
    const reps = spec ? orbitRepresentatives(spec) : undefined;
    const atRisk = spec ? typesAtRisk(ctx, spec) : undefined;
    const risky: number[] = [];
    let k = 0;
    for (let m = 0; m < n * L; m++) {
      const c = counts[m] as number;
      if (c === 0) continue;
      const slot = Math.floor(m / L);
      const firsts = dedupe ? (reps?.[slot] === slot ? 1 : 0) : c;
      for (let r = 0; r < firsts; r++) {
        for (let b = 0; b < B; b++) {
          if (dedupe && !vocab.canonicalBlock[b]) continue;
          if (dedupe && n + 1 < ctx.minFragments && total - 1 + (vocab.blockStems[b] as number) - 1 === 0) continue;
          if (atRisk?.has(vocab.blockType[b] as number)) risky.push((k + r) * B + b);
          else mask[(k + r) * B + b] = 1;
          any = true;
        }
      }
      k += c;
    }
    if (risky.length > 0) {
      risky.sort((x, y) => x - y);
      const seen = new Set<string>();
      for (const a of risky) {
        const key = rowKey((childOf(ctx, data, off, a) as Canonical).row, 0);
        if (!seen.has(key)) {
          seen.add(key);
          mask[a] = 1;
        }
      }
    }
  }
  if (n >= ctx.minFragments || !any) mask[stop] = 1;
}

/** Types with several attachment classes that occur as a leaf (or as the only fragment) of the tree. */
function typesAtRisk(ctx: StateContext, spec: TreeSpec): Set<number> {
  const out = new Set<number>();
  const deg = degrees(spec);
  spec.types.forEach((t, i) => {
    if ((deg[i] as number) <= 1 && (ctx.vocab.typeAttachClasses[t] as number) > 1) out.add(t);
  });
  return out;
}

/** The child of one state under forward action `a` (any structurally possible attachment), canonicalised. */
export function childOf(ctx: StateContext, data: Int32Array, off: number, a: number): Canonical | undefined {
  const { vocab } = ctx;
  const B = vocab.numBlocks;
  const n = data[off] as number;
  const k = Math.floor(a / B);
  const b = a % B;
  if (!(Number.isInteger(a) && a >= 0 && k < ctx.maxStems)) return undefined;
  const type = vocab.blockType[b] as number;
  if (n === 0) return k === 0 ? canonicalize({ types: [type], edges: [] }, ctx.maxFragments) : undefined;
  if (n >= ctx.maxFragments) return undefined;
  const { counts } = freeStemCounts(ctx, data, off);
  const at = stemAt(ctx, counts, k);
  if (!at) return undefined;
  return canonicalize(withNode(specOf(data, off), type, at.slot, at.stem, vocab.blockAttach[b] as number), ctx.maxFragments);
}

/** A removable leaf: the stems of its one junction and its neighbour. */
interface Leaf {
  readonly slot: number;
  /** Local stem of the leaf used by its junction. */
  readonly selfStem: number;
  /** The neighbour slot and its stem (−1 when the leaf is the only fragment). */
  readonly neighbour: number;
  readonly neighbourStem: number;
}

function leafOf(ctx: StateContext, data: Int32Array, off: number, spec: TreeSpec, deg: Int32Array, i: number): Leaf | undefined {
  const n = data[off] as number;
  if (i >= n) return undefined;
  if (n === 1) return { slot: 0, selfStem: -1, neighbour: -1, neighbourStem: -1 };
  if (deg[i] !== 1) return undefined;
  let leaf: Leaf;
  if (i > 0)
    leaf = {
      slot: i,
      selfStem: data[off + 4 + 4 * i] as number,
      neighbour: data[off + 2 + 4 * i] as number,
      neighbourStem: data[off + 3 + 4 * i] as number,
    };
  else {
    const e = spec.edges.find((x) => x.u === 0) as {
      v: number;
      su: number;
      sv: number;
    };
    leaf = { slot: 0, selfStem: e.su, neighbour: e.v, neighbourStem: e.sv };
  }
  // Removable only if some block attaches this type through that stem.
  const L = ctx.vocab.maxLocalStems;
  const t = data[off + 1 + 4 * i] as number;
  return (ctx.vocab.attachBlock[t * L + leaf.selfStem] as number) >= 0 ? leaf : undefined;
}

/** The distinct parents of one state: for each backward action (slot), whether it is the representative, and the parents. */
export interface ParentInfo {
  /** 1 at the first removable leaf of each distinct parent. */
  readonly valid: Uint8Array;
  /** Parent rows (normal form) by slot; undefined where the slot is not a removable leaf. */
  readonly parents: (Canonical | undefined)[];
  readonly keys: (string | undefined)[];
  readonly leaves: (Leaf | undefined)[];
}

/** Key of a row (its first `1 + 4n` numbers, which determine it). */
export function rowKey(data: Int32Array, off: number): string {
  const n = data[off] as number;
  return Array.prototype.join.call(data.subarray(off, off + 1 + 4 * n), ',');
}

/** Removes each removable leaf and keeps one backward action per distinct parent. */
export function parentInfo(ctx: StateContext, data: Int32Array, off: number): ParentInfo {
  const K = ctx.maxFragments;
  const n = data[off] as number;
  const valid = new Uint8Array(K);
  const parents: (Canonical | undefined)[] = new Array(K).fill(undefined);
  const keys: (string | undefined)[] = new Array(K).fill(undefined);
  const leaves: (Leaf | undefined)[] = new Array(K).fill(undefined);
  if (n === 0) return { valid, parents, keys, leaves };
  const spec = specOf(data, off);
  const deg = degrees(spec);
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const leaf = leafOf(ctx, data, off, spec, deg, i);
    if (!leaf) continue;
    const parent = canonicalize(withoutNode(spec, i), ctx.maxFragments);
    const key = rowKey(parent.row, 0);
    leaves[i] = leaf;
    parents[i] = parent;
    keys[i] = key;
    if (!seen.has(key)) {
      seen.add(key);
      valid[i] = 1;
    }
  }
  return { valid, parents, keys, leaves };
}

/** The forward action at the parent (after removing leaf `i`) that rebuilds this state: the representative one. */
export function undoRemoval(ctx: StateContext, data: Int32Array, off: number, info: ParentInfo, i: number): number {
  const leaf = info.leaves[i];
  const parent = info.parents[i];
  if (!leaf || !parent) throw new RangeError(`fragments: backward action ${i} does not remove a leaf of ${rowKey(data, off)}`);
  const { vocab } = ctx;
  const L = vocab.maxLocalStems;
  const t = data[off + 1 + 4 * i] as number;
  if (leaf.neighbour < 0) return vocab.rootBlock[t] as number;
  const block = vocab.attachBlock[t * L + leaf.selfStem] as number;
  const renumbered = leaf.neighbour > i ? leaf.neighbour - 1 : leaf.neighbour;
  const slot = parent.slotOf[renumbered] as number;
  const rep = orbitRepresentatives(specOf(parent.row, 0))[slot] as number;
  const { counts } = freeStemCounts(ctx, parent.row, 0);
  const direct = firstStemSlot(ctx, counts, rep, leaf.neighbourStem) * vocab.numBlocks + block;
  if (!typesAtRisk(ctx, specOf(parent.row, 0)).has(t)) return direct;
  // The representative may attach through another atom: find the masked action that rebuilds this state.
  const mask = new Uint8Array(ctx.maxStems * vocab.numBlocks + 1);
  writeForwardMask(ctx, parent.row, 0, mask, true);
  const key = rowKey(data, off);
  for (let a = 0; a < mask.length - 1; a++) {
    if (mask[a] && vocab.blockType[a % vocab.numBlocks] === t && rowKey((childOf(ctx, parent.row, 0, a) as Canonical).row, 0) === key) return a;
  }
  throw new Error(`fragments: no forward action rebuilds ${key} from its parent ${rowKey(parent.row, 0)}`);
}

/** The assembled (not canonical) SMILES of one state. */
export function assembleState(ctx: StateContext, data: Int32Array, off: number): string {
  const { vocab } = ctx;
  const n = data[off] as number;
  if (n === 0) return '';
  const fragments = [];
  const junctions: Junction[] = [];
  for (let i = 0; i < n; i++) {
    const t = data[off + 1 + 4 * i] as number;
    fragments.push(vocab.typeTokens[t] as (typeof vocab.typeTokens)[number]);
    const p = data[off + 2 + 4 * i] as number;
    if (p >= 0) {
      const tp = data[off + 1 + 4 * p] as number;
      junctions.push({
        a: p,
        atomA: (vocab.typeStemAtoms[tp] as number[])[data[off + 3 + 4 * i] as number] as number,
        b: i,
        atomB: (vocab.typeStemAtoms[t] as number[])[data[off + 4 + 4 * i] as number] as number,
      });
    }
  }
  return assembleSmiles(fragments, junctions);
}
