import type { Policy, StateGraph } from '@gflownet/core';
import { forwardLogProbsOnGraph, jsd, l1, logSumExp, MissingCapabilityError, stateKeys, terminatingDistribution } from '@gflownet/core';
import { MAX_EXACT_VARIABLES } from './data.js';
import { closureOf } from './closure.js';
import type { DagEnvironment, DagStates } from './types.js';

/** Number of labelled DAGs on d nodes (OEIS A003024), d = 0..6. */
export const NUM_DAGS: readonly number[] = [1, 1, 3, 25, 543, 29281, 3781503];

function checkExact(d: number, what: string): void {
  if (!(Number.isInteger(d) && d >= 1 && d <= MAX_EXACT_VARIABLES)) {
    throw new RangeError(`${what}: exact evaluation enumerates every DAG and is available for 1 to ${MAX_EXACT_VARIABLES} variables, not ${d}`);
  }
}

/**
 * Every DAG over d ≤ 5 nodes as an adjacency bit mask (bit i·d + j for i→j), found by breadth-first
 * search from the empty graph through acyclic edge additions: by increasing edge count, ascending
 * within a count. Parents therefore come before children (a topological order of the state graph).
 */
export function enumerateDagMasks(d: number): Int32Array {
  checkExact(d, 'enumerateDagMasks');
  const out: number[] = [0];
  let level: number[] = [0];
  const desc = new Int32Array(d);
  while (level.length > 0) {
    const next = new Set<number>();
    for (const mask of level) {
      descendants(mask, d, desc);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const bit = 1 << (i * d + j);
          // i→j closes a cycle iff j ⇝ i already (desc[j] includes j itself, so this also rules out i = j).
          if (mask & bit || (desc[j] as number) & (1 << i)) continue;
          next.add(mask | bit);
        }
      }
    }
    level = [...next].sort((a, b) => a - b);
    for (const m of level) out.push(m);
  }
  return Int32Array.from(out);
}

/** desc[x] = bit mask of the nodes reachable from x, x included. */
function descendants(mask: number, d: number, desc: Int32Array): void {
  for (let x = 0; x < d; x++) {
    let m = 1 << x;
    for (let y = 0; y < d; y++) if (mask & (1 << (x * d + y))) m |= 1 << y;
    desc[x] = m;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let x = 0; x < d; x++) {
      let m = desc[x] as number;
      for (let y = 0; y < d; y++) if (m & (1 << y)) m |= desc[y] as number;
      if (m !== desc[x]) {
        desc[x] = m;
        changed = true;
      }
    }
  }
}

const graphs = new WeakMap<object, StateGraph<DagStates>>();

/**
 * The state graph of a DAG environment (d ≤ 5) built directly from adjacency bit masks, in the
 * shape of core's `StateGraph`: states by increasing edge count (already a topological order),
 * forward edges in compressed rows, every state terminating. Cached per environment.
 */
export function dagStateGraph(env: DagEnvironment): StateGraph<DagStates> {
  const cached = graphs.get(env);
  if (cached) return cached;
  const d = env.d;
  checkExact(d, `dag environment over ${d} variables`);
  const masks = enumerateDagMasks(d);
  const n = masks.length;
  const D2 = d * d;
  const W = 2 * D2;
  const A = env.numActions;
  const data = new Uint8Array(n * W);
  const indexOfMask = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const m = masks[i] as number;
    indexOfMask.set(m, i);
    for (let k = 0; k < D2; k++) if (m & (1 << k)) data[i * W + k] = 1;
    closureOf(data.subarray(i * W, i * W + D2), d, data.subarray(i * W + D2, (i + 1) * W));
  }
  const states: DagStates = { data, width: W, n };
  const forwardMasks = env.forwardMask(states);
  const edgeStart = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < D2; k++) count += forwardMasks[i * A + k] as number;
    edgeStart[i + 1] = count;
  }
  const edgeAction = new Int32Array(count);
  const edgeChild = new Int32Array(count);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const m = masks[i] as number;
    for (let k = 0; k < D2; k++) {
      if (!forwardMasks[i * A + k]) continue;
      edgeAction[e] = k;
      edgeChild[e] = indexOfMask.get(m | (1 << k)) as number;
      e++;
    }
  }
  const keys = stateKeys(env, states);
  const graph: StateGraph<DagStates> = {
    states,
    keys,
    indexOfKey: new Map(keys.map((k, i) => [k, i])),
    numStates: n,
    numActions: A,
    forwardMasks,
    edgeStart,
    edgeAction,
    edgeChild,
    order: Int32Array.from({ length: n }, (_, i) => i),
    initial: 0,
    terminating: new Uint8Array(n).fill(1),
  };
  graphs.set(env, graph);
  return graph;
}

/** The exact posterior P(G | D) ∝ R(G) over every DAG (d ≤ 5). */
export interface DagPosterior {
  readonly graph: StateGraph<DagStates>;
  /** `[numStates]` log R(G) = log p(D | G) + log p(G) (up to the prior's constant). */
  readonly logRewards: Float64Array;
  /** log Σ_G R(G). */
  readonly logZ: number;
  /** `[numStates]` log P(G | D). */
  readonly logProbs: Float64Array;
  /** `[numStates]` P(G | D). */
  readonly probs: Float64Array;
  /** `[d, d]` posterior edge marginals: entry i·d + j is P(i→j ∈ G | D). */
  readonly edgeMarginals: Float64Array;
}

const posteriors = new WeakMap<object, DagPosterior>();

/** The exact posterior of a DAG environment with d ≤ 5, computed once and cached. */
export function dagPosterior(env: DagEnvironment): DagPosterior {
  const cached = posteriors.get(env);
  if (cached) return cached;
  const graph = dagStateGraph(env);
  const logRewards = Float64Array.from(env.logReward(graph.states) as Float64Array);
  const logZ = logSumExp(logRewards);
  const logProbs = logRewards.map((v) => v - logZ);
  const probs = logProbs.map(Math.exp);
  const posterior: DagPosterior = { graph, logRewards, logZ, logProbs, probs, edgeMarginals: edgeMarginals(env.d, graph.states, probs) };
  posteriors.set(env, posterior);
  return posterior;
}

/** log Z of a DAG environment with d ≤ 5 (see {@link dagPosterior}). */
export function exactLogZ(env: DagEnvironment): number {
  if (env.d > MAX_EXACT_VARIABLES) throw new MissingCapabilityError(env, 'enumerate its DAGs (more than 5 variables)', 'the exact log Z');
  return dagPosterior(env).logZ;
}

/** `[d, d]` Σ_i weights[i]·A_i over a batch of DAG states (weights default to 1/n: sample frequencies). */
export function edgeMarginals(d: number, states: DagStates, weights?: ArrayLike<number>): Float64Array {
  const D2 = d * d;
  if (states.width !== 2 * D2) throw new RangeError(`edgeMarginals: states have width ${states.width}, expected ${2 * D2} for d = ${d}`);
  if (weights && weights.length !== states.n) throw new RangeError(`edgeMarginals: ${weights.length} weights for ${states.n} states`);
  const out = new Float64Array(D2);
  for (let i = 0; i < states.n; i++) {
    const w = weights ? (weights[i] as number) : 1 / states.n;
    if (w === 0) continue;
    for (let k = 0; k < D2; k++) if (states.data[i * 2 * D2 + k]) out[k] = (out[k] as number) + w;
  }
  return out;
}

/**
 * Edge marginals estimated from sampled terminal states (e.g. 1,000 draws of a trained policy):
 * the fraction of samples containing each edge. This is what is available beyond 5 variables.
 */
export function edgeMarginalsFromSamples(env: Pick<DagEnvironment, 'd'>, samples: DagStates): Float64Array {
  if (samples.n === 0) throw new RangeError('edgeMarginalsFromSamples: no samples');
  return edgeMarginals(env.d, samples);
}

/** `[d, d]` edge marginals of a distribution over states given by their keys (d² characters `0`/`1`). */
export function edgeMarginalsFromKeys(d: number, keys: readonly string[], probs: ArrayLike<number>): Float64Array {
  const D2 = d * d;
  const out = new Float64Array(D2);
  keys.forEach((key, i) => {
    if (key.length !== D2) throw new RangeError(`edgeMarginalsFromKeys: key "${key}" does not have d² = ${D2} characters`);
    const p = probs[i] as number;
    for (let k = 0; k < D2; k++) if (key.charCodeAt(k) === 49) out[k] = (out[k] as number) + p;
  });
  return out;
}

/** RMSE over the d(d−1) off-diagonal entries of two `[d, d]` edge-marginal matrices. */
export function edgeRmse(estimate: ArrayLike<number>, target: ArrayLike<number>, d: number): number {
  if (estimate.length !== d * d || target.length !== d * d) throw new RangeError(`edgeRmse: expected two ${d}×${d} matrices`);
  let s = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (i === j) continue;
      const e = (estimate[i * d + j] as number) - (target[i * d + j] as number);
      s += e * e;
    }
  }
  return Math.sqrt(s / (d * (d - 1)));
}

/** Exact comparison of a policy's P_F^T with the posterior. */
export interface DagEvaluation {
  /** `[numStates]` P_F^T aligned with the posterior's graph. */
  readonly distribution: Float64Array;
  /** JSD(P_F^T, P(G | D)), natural log. */
  readonly jsd: number;
  readonly l1: number;
  /** `[d, d]` edge marginals under P_F^T. */
  readonly edgeMarginals: Float64Array;
  /** RMSE of the d(d−1) edge marginals against the posterior's. */
  readonly edgeRmse: number;
}

/** An exact evaluator for one DAG environment (d ≤ 5): the posterior once, then any policy. */
export interface DagExactEvaluator {
  readonly posterior: DagPosterior;
  evaluate(policy: Policy): DagEvaluation;
}

/**
 * Evaluates policies exactly on every DAG: one batched policy pass over all states, then
 * P_F^T by dynamic programming over the DAG state graph, JSD and edge-marginal RMSE.
 */
export function dagExactEvaluator(env: DagEnvironment): DagExactEvaluator {
  const posterior = dagPosterior(env);
  const { graph } = posterior;
  return {
    posterior,
    evaluate(policy) {
      const distribution = terminatingDistribution(graph, forwardLogProbsOnGraph(env, graph, policy));
      const marginals = edgeMarginals(env.d, graph.states, distribution);
      return {
        distribution,
        jsd: jsd(distribution, posterior.probs),
        l1: l1(distribution, posterior.probs),
        edgeMarginals: marginals,
        edgeRmse: edgeRmse(marginals, posterior.edgeMarginals, env.d),
      };
    },
  };
}
