import type { CompiledVocabulary } from './vocabulary.js';

/**
 * Where things are in a fragment state's feature vector (all fixed-size, zero-padded), and how the
 * fixed action space is laid out. A policy that understands trees (e.g.
 * `@gflownet/estimator-fragment-mpnn`) decodes features with it; an MLP just reads the flat vector.
 *
 * Features, in order:
 * - `maxFragments` node blocks of `nodeWidth = 1 + numTypes + maxLocalStems`: present flag, type
 *   one-hot, free-stem count of each local stem;
 * - the `maxFragments × maxFragments` adjacency matrix (1 where two slots are joined);
 * - 3 globals: 1 at the empty state, fragments / maxFragments, free stems / maxStems.
 *
 * Actions: `stemSlot * numBlocks + block` for stem slots `0 .. maxStems − 1` (the k-th free stem,
 * enumerating slots in order and each slot's local stems in order, a stem with count c taking c
 * consecutive indices), then stop (`numActions − 1`). At the empty state, `block` (stem slot 0)
 * places the first fragment.
 */
export interface FragmentFeatureLayout {
  readonly maxFragments: number;
  readonly numTypes: number;
  readonly maxLocalStems: number;
  readonly numBlocks: number;
  readonly maxStems: number;
  readonly nodeWidth: number;
  /** Offset of the adjacency matrix. */
  readonly adjacencyOffset: number;
  /** Offset of the 3 global features. */
  readonly globalOffset: number;
  readonly featureSize: number;
  readonly numActions: number;
  readonly numBackwardActions: number;
}

/** Most free stems a state that can still grow may have: n·M − 2(n−1) at n = maxFragments − 1. */
export function maxFreeStems(maxFragments: number, maxBlockStems: number): number {
  let best = 1;
  for (let n = 1; n < maxFragments; n++) best = Math.max(best, n * maxBlockStems - 2 * (n - 1));
  return best;
}

/** The layout of an environment over `vocabulary` with at most `maxFragments` fragments. */
export function featureLayout(vocabulary: CompiledVocabulary, maxFragments: number): FragmentFeatureLayout {
  const nodeWidth = 1 + vocabulary.numTypes + vocabulary.maxLocalStems;
  const adjacencyOffset = maxFragments * nodeWidth;
  const globalOffset = adjacencyOffset + maxFragments * maxFragments;
  const maxStems = maxFreeStems(maxFragments, vocabulary.maxBlockStems);
  return {
    maxFragments,
    numTypes: vocabulary.numTypes,
    maxLocalStems: vocabulary.maxLocalStems,
    numBlocks: vocabulary.numBlocks,
    maxStems,
    nodeWidth,
    adjacencyOffset,
    globalOffset,
    featureSize: globalOffset + 3,
    numActions: maxStems * vocabulary.numBlocks + 1,
    numBackwardActions: maxFragments,
  };
}
