import type { Environment, Rows } from '@gflownet/core';
import { concatRows, EnvironmentTypeId, selectRows } from '@gflownet/core';
import { DEFAULT_BLOCKS } from './default-vocabulary.js';
import type { FragmentFeatureLayout } from './layout.js';
import { featureLayout } from './layout.js';
import type { AssembledState } from './molecule-store.js';
import { MoleculeStore } from './molecule-store.js';
import type { RDKitModule } from './rdkit.js';
import type { FragmentMolecule, MoleculeReward, RewardFunction } from './reward.js';
import { qedReward, rewardFromFunction } from './reward.js';
import type { BlockMolecule } from './block-states.js';
import { assembledStemAtoms, rowFromBlocks } from './block-states.js';
import { BoundedCache } from './cache.js';
import type { ParentInfo, StateContext } from './state.js';
import { assembleState, childOf, freeStemCounts, parentInfo, rowKey, undoRemoval, writeForwardMask } from './state.js';
import { rowWidth } from './tree.js';
import type { CompiledVocabulary, FragmentBlock } from './vocabulary.js';
import { compileVocabulary } from './vocabulary.js';

/** A batch of fragment trees in canonical normal form (see {@link FragmentFeatureLayout} and tree.ts). */
export type FragmentStates = Rows<Int32Array>;

/** Options of {@link fragmentsEnvironment}. */
export interface FragmentsOptions {
  /** Blocks of the vocabulary (default: {@link DEFAULT_BLOCKS}); see `parseVocabulary`/`loadVocabulary` for files. */
  readonly vocabulary?: readonly FragmentBlock[];
  /** Fewest fragments before stopping is allowed (default: `2`). */
  readonly minFragments?: number;
  /** Most fragments; a molecule with this many must stop (default: `8`). */
  readonly maxFragments?: number;
  /**
   * The reward: a function R(molecule) (sync or async) or a {@link MoleculeReward}, e.g. `sehFragmentReward()`
   * (default: {@link qedReward} with β = 10).
   */
  readonly reward?: RewardFunction | MoleculeReward;
}

/** The fragment environment, with its vocabulary, layout and chemistry helpers. */
export interface FragmentsEnvironment extends Environment<FragmentStates> {
  readonly vocabulary: CompiledVocabulary;
  readonly minFragments: number;
  readonly maxFragments: number;
  /** Stem slots of the action space (most free stems of a state that can still grow). */
  readonly maxStems: number;
  readonly layout: FragmentFeatureLayout;
  readonly reward: MoleculeReward;
  /** Fragments in state `i`. */
  numFragments(states: FragmentStates, i: number): number;
  /** Free stems of state `i`. */
  freeStems(states: FragmentStates, i: number): number;
  /** The assembled (not canonical) SMILES of state `i` (empty at s0). */
  smiles(states: FragmentStates, i: number): string;
  /** Atoms of `smiles(states, i)` that carry a free stem, one entry per free stem, ascending. */
  stemAtoms(states: FragmentStates, i: number): number[];
  /** The canonical molecules of a batch, with their stem atoms in the canonical SMILES (loads RDKit on first use). */
  molecules(states: FragmentStates): Promise<FragmentMolecule[]>;
  /** States rebuilt from block indices and junctions (the original environment's `blockidxs`, `jbonds`). */
  statesFromBlocks(molecules: readonly BlockMolecule[]): FragmentStates;
  /** The loaded RDKit module. */
  rdkit(): Promise<RDKitModule>;
  /**
   * The original environment's action set, before merging actions that lead to the same child:
   * every (block, free stem) pair (`numBlocks × free stems` of them), plus stop from `minFragments`.
   */
  rawForwardMask(states: FragmentStates): Uint8Array;
  /** Number of distinct molecules whose reward is cached. */
  readonly cachedRewards: number;
}

/** Entries of each memo (forward masks, parents, children) per environment. */
const CACHE_CAPACITY = 20_000;

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`fragments: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/**
 * The molecule-fragment environment of Bengio et al. (2021), reused by Malkin et al. (2023): a
 * molecule is a tree of fragments joined at attachment atoms. The first action places a fragment;
 * then each action attaches a block through its attachment atom to a free stem, or stops (allowed
 * from `minFragments`, forced at `maxFragments` or when no stem is free). Backward actions remove a
 * leaf fragment.
 *
 * States are canonical (isomorphic trees are one state), and both policies range over distinct
 * states: the forward mask keeps one action per distinct child and the backward mask one action per
 * distinct parent, so a uniform P_B is uniform over distinct parents. The reward (QED^β by default;
 * `sehFragmentReward` for the paper's sEH proxy) sees RDKit's canonical SMILES and the state's free
 * stems as atoms of it; new molecules of a batch are evaluated together and cached by SMILES and stems.
 *
 * @example
 * const env = fragmentsEnvironment({ maxFragments: 6 });
 * const lr = await env.logReward(terminals);
 */
export function fragmentsEnvironment(options: FragmentsOptions = {}): FragmentsEnvironment {
  const vocab = compileVocabulary(options.vocabulary ?? DEFAULT_BLOCKS);
  const minFragments = options.minFragments ?? 2;
  const maxFragments = options.maxFragments ?? 8;
  checkInt('minFragments', minFragments, 1);
  checkInt('maxFragments', maxFragments, 1);
  if (maxFragments > 64) throw new RangeError(`fragments: maxFragments must be ≤ 64, got ${maxFragments}`);
  if (minFragments > maxFragments) throw new RangeError(`fragments: minFragments (${minFragments}) exceeds maxFragments (${maxFragments})`);
  const reward: MoleculeReward =
    options.reward === undefined ? qedReward() : typeof options.reward === 'function' ? rewardFromFunction(options.reward) : options.reward;
  const layout = featureLayout(vocab, maxFragments);
  const W = rowWidth(maxFragments);
  const A = layout.numActions;
  const K = maxFragments;
  const L = vocab.maxLocalStems;
  const stop = A - 1;
  const ctx: StateContext = {
    vocab,
    maxFragments,
    minFragments,
    maxStems: layout.maxStems,
    width: W,
  };
  const store = new MoleculeStore(reward);
  const maskCache = new BoundedCache<Int32Array>(CACHE_CAPACITY);
  const parentCache = new BoundedCache<ParentInfo>(CACHE_CAPACITY);
  const childCache = new BoundedCache<Int32Array | null>(CACHE_CAPACITY);
  const parentsOf = (data: Int32Array, off: number): ParentInfo => parentCache.get(rowKey(data, off), () => parentInfo(ctx, data, off));
  const childRow = (data: Int32Array, off: number, a: number): Int32Array | null =>
    childCache.get(`${rowKey(data, off)}|${a}`, () => childOf(ctx, data, off, a)?.row ?? null);
  const validActions = (data: Int32Array, off: number): Int32Array =>
    maskCache.get(rowKey(data, off), () => {
      const m = new Uint8Array(A);
      writeForwardMask(ctx, data, off, m, true);
      const out: number[] = [];
      for (let a = 0; a < A; a++) if (m[a]) out.push(a);
      return Int32Array.from(out);
    });
  const empty: FragmentStates = { data: new Int32Array(0), width: W, n: 0 };

  const check = (s: FragmentStates): void => {
    if (s.width !== W) throw new RangeError(`fragments: states have width ${s.width}, expected ${W} (maxFragments ${maxFragments})`);
  };
  const fromRows = (rows: Int32Array[]): FragmentStates => {
    const data = new Int32Array(rows.length * W);
    rows.forEach((r, i) => {
      data.set(r, i * W);
    });
    return { data, width: W, n: rows.length };
  };
  const assembled = (s: FragmentStates): AssembledState[] =>
    Array.from({ length: s.n }, (_, i) => ({ smiles: assembleState(ctx, s.data, i * W), stemAtoms: assembledStemAtoms(ctx, s.data, i * W) }));

  const env: FragmentsEnvironment = {
    [EnvironmentTypeId]: EnvironmentTypeId,
    name: 'fragments',
    vocabulary: vocab,
    minFragments,
    maxFragments,
    maxStems: layout.maxStems,
    layout,
    reward,
    numActions: A,
    numBackwardActions: K,
    featureSize: layout.featureSize,
    maxTrajectoryLength: maxFragments + 1,
    get cachedRewards() {
      return store.cachedRewards;
    },
    initialStates(n) {
      const data = new Int32Array(n * W).fill(-1);
      for (let i = 0; i < n; i++) data[i * W] = 0;
      return { data, width: W, n };
    },
    batchSize: (s) => s.n,
    select: (s, idx) => selectRows(s, idx),
    concat: (batches) => concatRows(batches, empty),
    numFragments: (s, i) => s.data[i * W] as number,
    freeStems: (s, i) => freeStemCounts(ctx, s.data, i * W).total,
    smiles: (s, i) => assembleState(ctx, s.data, i * W),
    stemAtoms: (s, i) => assembledStemAtoms(ctx, s.data, i * W),
    statesFromBlocks: (molecules) => fromRows(molecules.map((m, i) => rowFromBlocks(ctx, m, `molecule ${i}`))),
    forwardMask(s) {
      check(s);
      const m = new Uint8Array(s.n * A);
      for (let i = 0; i < s.n; i++) for (const a of validActions(s.data, i * W)) m[i * A + a] = 1;
      return m;
    },
    rawForwardMask(s) {
      check(s);
      const m = new Uint8Array(s.n * A);
      for (let i = 0; i < s.n; i++) writeForwardMask(ctx, s.data, i * W, m.subarray(i * A, (i + 1) * A), false);
      return m;
    },
    backwardMask(s) {
      check(s);
      const m = new Uint8Array(s.n * K);
      for (let i = 0; i < s.n; i++) m.set(parentsOf(s.data, i * W).valid, i * K);
      return m;
    },
    step(s, actions) {
      check(s);
      const rows: Int32Array[] = [];
      for (let i = 0; i < s.n; i++) {
        const a = actions[i] as number;
        const child = a === stop || !Number.isInteger(a) ? null : childRow(s.data, i * W, a);
        if (!child) throw new RangeError(`fragments.step: action ${a} is not allowed at state ${rowKey(s.data, i * W)}`);
        rows.push(child);
      }
      return fromRows(rows);
    },
    backwardStep(s, actions) {
      check(s);
      const rows: Int32Array[] = [];
      for (let i = 0; i < s.n; i++) {
        const a = actions[i] as number;
        const parent = Number.isInteger(a) && a >= 0 && a < K ? parentsOf(s.data, i * W).parents[a] : undefined;
        if (!parent) throw new RangeError(`fragments.backwardStep: backward action ${a} does not remove a leaf of state ${rowKey(s.data, i * W)}`);
        rows.push(parent.row);
      }
      return fromRows(rows);
    },
    inverseForward(s, actions) {
      const children = env.step(s, actions);
      const out = new Int32Array(s.n);
      for (let i = 0; i < s.n; i++) {
        const key = rowKey(s.data, i * W);
        const info = parentsOf(children.data, i * W);
        const b = info.keys.findIndex((k, j) => info.valid[j] === 1 && k === key);
        if (b < 0) throw new Error(`fragments.inverseForward: no backward action of ${rowKey(children.data, i * W)} leads back to ${key}`);
        out[i] = b;
      }
      return out;
    },
    inverseBackward(s, actions) {
      check(s);
      const out = new Int32Array(s.n);
      for (let i = 0; i < s.n; i++) {
        const a = actions[i] as number;
        const info = parentsOf(s.data, i * W);
        if (!(Number.isInteger(a) && a >= 0 && a < K && info.parents[a])) {
          throw new RangeError(`fragments.inverseBackward: backward action ${a} does not remove a leaf of state ${rowKey(s.data, i * W)}`);
        }
        out[i] = undoRemoval(ctx, s.data, i * W, info, a);
      }
      return out;
    },
    isInitial(s) {
      const out = new Uint8Array(s.n);
      for (let i = 0; i < s.n; i++) out[i] = s.data[i * W] === 0 ? 1 : 0;
      return out;
    },
    async logReward(s) {
      check(s);
      for (let i = 0; i < s.n; i++) if (s.data[i * W] === 0) throw new RangeError('fragments.logReward: the empty state s0 is not a molecule');
      return store.logRewards(assembled(s));
    },
    molecules: (s) => store.molecules(assembled(s)),
    rdkit: () => store.rdkit(),
    features(s) {
      check(s);
      const F = layout.featureSize;
      const nw = layout.nodeWidth;
      const out = new Float32Array(s.n * F);
      for (let i = 0; i < s.n; i++) {
        const off = i * W;
        const base = i * F;
        const n = s.data[off] as number;
        if (n === 0) {
          out[base + layout.globalOffset] = 1;
          continue;
        }
        const { counts, total } = freeStemCounts(ctx, s.data, off);
        for (let v = 0; v < n; v++) {
          const o = base + v * nw;
          out[o] = 1;
          out[o + 1 + (s.data[off + 1 + 4 * v] as number)] = 1;
          for (let j = 0; j < L; j++) out[o + 1 + vocab.numTypes + j] = counts[v * L + j] as number;
          const p = s.data[off + 2 + 4 * v] as number;
          if (p >= 0) {
            out[base + layout.adjacencyOffset + v * maxFragments + p] = 1;
            out[base + layout.adjacencyOffset + p * maxFragments + v] = 1;
          }
        }
        out[base + layout.globalOffset + 1] = n / maxFragments;
        out[base + layout.globalOffset + 2] = total / layout.maxStems;
      }
      return out;
    },
    stateKey: (s, i) => rowKey(s.data, i * W),
  };
  return env;
}
