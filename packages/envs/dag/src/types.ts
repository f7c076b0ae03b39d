import type { Environment, Rows } from '@gflownet/core';
import type { DagData } from './data.js';
import type { GraphPrior } from './priors.js';
import type { LocalScore } from './scores.js';

// The state and environment types, apart from dag.ts so that exact.ts (which dag.ts uses for
// enumeration) can name them without importing dag.ts (no import cycle).

/**
 * A batch of DAG states: row `i` holds `2·d²` bytes, the adjacency A (`A[a·d + b] = 1` for a→b)
 * then the transposed transitive closure C (`C[a·d + b] = 1` iff there is a directed path b ⇝ a,
 * with `C[a·d + a] = 1`), as DAG-GFlowNet stores them. Edge i→j may be added iff
 * `A[i·d + j] = 0` and `C[i·d + j] = 0`.
 */
export type DagStates = Rows<Uint8Array>;

/** The DAG environment (Deleu et al. 2022) over a dataset, with its score and prior. */
export interface DagEnvironment extends Environment<DagStates> {
  /** Number of variables d. */
  readonly d: number;
  readonly data: DagData;
  readonly score: LocalScore;
  readonly prior: GraphPrior;
  /** LocalScore(node | parents) + logPrior(|parents|), cached by (node, parent set); `parents` is a bit mask. */
  nodeScore(node: number, parents: number): number;
  /** log R(G') − log R(G) for adding each edge `actions[i]` (i·d + j) to state i: one node's terms; 0 for stop. */
  deltaScore(states: DagStates, actions: Int32Array): Float64Array;
  /** log R of one adjacency matrix (`[d·d]`, 1 for i→j), without building a state. */
  logRewardOfAdjacency(adjacency: ArrayLike<number>): number;
  /** States holding the given adjacency matrices (`[n, d·d]` row-major); throws on a cycle. */
  fromAdjacency(adjacency: ArrayLike<number>, n: number): DagStates;
  /** The constant subtracted from every log R: log R(∅) with `relativeToEmpty`, else 0. */
  readonly logRewardOffset: number;
  /** Number of cached local scores (for tests and benchmarks). */
  cacheSize(): number;
  /** Every DAG over d ≤ 5 variables, by increasing edge count; absent beyond {@link MAX_EXACT_VARIABLES}. */
  enumerate?(): DagStates;
  /** log Σ_G R(G) by enumeration; absent beyond {@link MAX_EXACT_VARIABLES}. */
  trueLogZ?(): number;
}
