import type { Environment } from './environment.js';
import { MissingCapabilityError, stateKeys } from './environment.js';
import { logSumExp, maskedLogSoftmaxRows } from './log-softmax.js';
import type { Policy } from './policy.js';

/**
 * The whole state graph of an enumerable environment, built once: states, keys, forward edges in
 * compressed rows, and a topological order (parents before children). Independent of the policy, so
 * every later exact evaluation is one batched policy pass plus one linear sweep.
 */
export interface StateGraph<S> {
  readonly states: S;
  readonly keys: readonly string[];
  readonly indexOfKey: ReadonlyMap<string, number>;
  readonly numStates: number;
  readonly numActions: number;
  /** `[numStates, numActions]` forward masks. */
  readonly forwardMasks: Uint8Array;
  /** CSR of non-stop edges: state `i`'s edges are `edgeStart[i] .. edgeStart[i+1]-1`. */
  readonly edgeStart: Int32Array;
  readonly edgeAction: Int32Array;
  readonly edgeChild: Int32Array;
  /** States in topological order. */
  readonly order: Int32Array;
  /** Index of s0. */
  readonly initial: number;
  /** 1 where the state can stop (a terminating state). */
  readonly terminating: Uint8Array;
}

const graphs = new WeakMap<object, StateGraph<unknown>>();

/** Builds (or returns the cached) {@link StateGraph} of an environment that can enumerate its states. */
export function stateGraph<S>(env: Environment<S>): StateGraph<S> {
  const cached = graphs.get(env);
  if (cached) return cached as StateGraph<S>;
  if (!env.enumerate) throw new MissingCapabilityError(env, 'enumerate its states', 'exact evaluation');
  const states = env.enumerate();
  const n = env.batchSize(states);
  const keys = stateKeys(env, states);
  const indexOfKey = new Map<string, number>();
  keys.forEach((k, i) => {
    if (indexOfKey.has(k)) throw new Error(`${env.name}.enumerate() returned state "${k}" twice`);
    indexOfKey.set(k, i);
  });
  const A = env.numActions;
  const stop = A - 1;
  const forwardMasks = env.forwardMask(states);
  const edgeStart = new Int32Array(n + 1);
  const from: number[] = [];
  const acts: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < stop; a++) {
      if (forwardMasks[i * A + a]) {
        from.push(i);
        acts.push(a);
      }
    }
    edgeStart[i + 1] = from.length;
  }
  const edgeAction = Int32Array.from(acts);
  const edgeChild = new Int32Array(from.length);
  const chunk = 65536;
  for (let lo = 0; lo < from.length; lo += chunk) {
    const hi = Math.min(from.length, lo + chunk);
    const children = env.step(env.select(states, from.slice(lo, hi)), edgeAction.slice(lo, hi));
    for (let e = lo; e < hi; e++) {
      const key = env.stateKey(children, e - lo);
      const j = indexOfKey.get(key);
      if (j === undefined) throw new Error(`${env.name}: step leads to state "${key}", which enumerate() did not list`);
      edgeChild[e] = j;
    }
  }
  const indegree = new Int32Array(n);
  for (let e = 0; e < edgeChild.length; e++) indegree[edgeChild[e] as number] = (indegree[edgeChild[e] as number] as number) + 1;
  const initialMask = env.isInitial(states);
  const initial = initialMask.indexOf(1);
  if (initial < 0) throw new Error(`${env.name}.enumerate() did not include the initial state`);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order[tail++] = i;
  while (head < tail) {
    const i = order[head++] as number;
    for (let e = edgeStart[i] as number; e < (edgeStart[i + 1] as number); e++) {
      const j = edgeChild[e] as number;
      indegree[j] = (indegree[j] as number) - 1;
      if (indegree[j] === 0) order[tail++] = j;
    }
  }
  if (tail !== n) throw new Error(`${env.name}: the state graph has a cycle`);
  const terminating = new Uint8Array(n);
  for (let i = 0; i < n; i++) terminating[i] = forwardMasks[i * A + stop] as number;
  const graph: StateGraph<S> = {
    states,
    keys,
    indexOfKey,
    numStates: n,
    numActions: A,
    forwardMasks,
    edgeStart,
    edgeAction,
    edgeChild,
    order,
    initial,
    terminating,
  };
  graphs.set(env, graph as StateGraph<unknown>);
  return graph;
}

/** Forward log-probabilities `[numStates, numActions]` of a policy on every state of the graph (float64). */
export function forwardLogProbsOnGraph<S>(env: Environment<S>, graph: StateGraph<S>, policy: Policy, chunk = 8192): Float64Array {
  const n = graph.numStates;
  const A = graph.numActions;
  const out = new Float64Array(n * A);
  const F = env.featureSize;
  const allFeatures = env.features(graph.states);
  for (let lo = 0; lo < n; lo += chunk) {
    const hi = Math.min(n, lo + chunk);
    const logits = policy.forwardLogits(allFeatures.subarray(lo * F, hi * F), hi - lo);
    maskedLogSoftmaxRows(logits, graph.forwardMasks.subarray(lo * A, hi * A), hi - lo, A, out.subarray(lo * A, hi * A));
  }
  return out;
}

/**
 * The terminating distribution P_F^T over the graph's states by dynamic programming:
 * u(s0) = 1, u(s') = Σ_s u(s) P_F(s'|s), P_F^T(x) = u(x) P_F(stop|x). Returns `[numStates]`
 * (0 at states that cannot stop). `logProbs` is `[numStates, numActions]`, e.g. from
 * {@link forwardLogProbsOnGraph}.
 */
export function terminatingDistribution<S>(graph: StateGraph<S>, logProbs: Float64Array): Float64Array {
  const n = graph.numStates;
  const A = graph.numActions;
  const u = new Float64Array(n);
  const out = new Float64Array(n);
  u[graph.initial] = 1;
  for (let k = 0; k < n; k++) {
    const i = graph.order[k] as number;
    const ui = u[i] as number;
    if (ui === 0) continue;
    for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
      const j = graph.edgeChild[e] as number;
      u[j] = (u[j] as number) + ui * Math.exp(logProbs[i * A + (graph.edgeAction[e] as number)] as number);
    }
    if (graph.terminating[i]) out[i] = ui * Math.exp(logProbs[i * A + A - 1] as number);
  }
  return out;
}

/** The target R(x)/Z over the graph's terminating states, with log Z. */
export interface TargetDistribution {
  readonly logZ: number;
  /** `[numStates]`: R/Z at terminating states, 0 elsewhere. */
  readonly probs: Float64Array;
  /** `[numStates]`: log R at terminating states, NaN elsewhere. */
  readonly logRewards: Float64Array;
}

/** The exact target distribution of an enumerable environment. */
export async function targetDistribution<S>(env: Environment<S>, graph: StateGraph<S> = stateGraph(env)): Promise<TargetDistribution> {
  const idx: number[] = [];
  for (let i = 0; i < graph.numStates; i++) if (graph.terminating[i]) idx.push(i);
  const lr = await env.logReward(env.select(graph.states, idx));
  const logRewards = new Float64Array(graph.numStates).fill(Number.NaN);
  idx.forEach((i, k) => {
    const v = lr[k] as number;
    if (!Number.isFinite(v)) throw new RangeError(`${env.name}: log-reward of state "${graph.keys[i]}" is ${v}`);
    logRewards[i] = v;
  });
  const logZ = logSumExp(idx.map((i) => logRewards[i] as number));
  const probs = new Float64Array(graph.numStates);
  for (const i of idx) probs[i] = Math.exp((logRewards[i] as number) - logZ);
  return { logZ, probs, logRewards };
}
