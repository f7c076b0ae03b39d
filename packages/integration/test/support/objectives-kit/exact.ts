import type { Environment, StateGraph, TrajectoryBatch, TrajectoryRows } from '@gflownet/core';
import { logSumExp, maskedLogSoftmaxRows, packTrajectories, stateGraph, targetDistribution } from '@gflownet/core';

/** An exactly balanced solution of an enumerable environment, for a given backward policy. */
export interface ExactSolution {
  readonly graph: StateGraph<unknown>;
  /** `[numStates]` log R(s) (NaN where s cannot stop). */
  readonly logR: Float64Array;
  /** `[numStates, numBackwardActions]` log P_B (−Infinity at invalid actions and at s0). */
  readonly logPB: Float64Array;
  /** `[numStates]` log F(s) = log(R(s) + Σ_{s→s'} F(s') P_B(s|s')). */
  readonly logF: Float64Array;
  /**
   * `[numStates, numActions]` log edge flows: log F(s') + log P_B(s|s') for s → s', log R(s) for the
   * stop edge, 0 at invalid actions. Their masked softmax is the balanced P_F.
   */
  readonly edgeLogits: Float64Array;
  /** `[numStates, numActions]` log P_F (−Infinity at invalid actions). */
  readonly logPF: Float64Array;
  /** log Ẑ = log F(s0). */
  readonly logZ: number;
  /** `[numEdges]` backward action at the child that undoes each edge of the graph. */
  readonly edgeBackward: Int32Array;
}

/**
 * Solves for the flows that balance an environment exactly given P_B (uniform, or the masked softmax
 * of `backwardLogits` `[numStates, numBackwardActions]`), in float64, by one sweep in reverse
 * topological order.
 */
export async function exactSolution<S>(env: Environment<S>, backwardLogits?: ArrayLike<number>): Promise<ExactSolution> {
  const graph = stateGraph(env) as StateGraph<unknown>;
  const states = graph.states as S;
  const n = graph.numStates;
  const A = env.numActions;
  const K = env.numBackwardActions;
  const target = await targetDistribution(env, graph as StateGraph<S>);
  const bmask = env.backwardMask(states);
  const logPB = maskedLogSoftmaxRows(backwardLogits ?? new Float64Array(n * K), bmask, n, K);
  const from = new Int32Array(graph.edgeChild.length);
  for (let i = 0; i < n; i++) for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) from[e] = i;
  const edgeBackward = env.inverseForward(env.select(states, from), graph.edgeAction);
  const logF = new Float64Array(n);
  const edgeLogits = new Float64Array(n * A);
  for (let k = n - 1; k >= 0; k--) {
    const i = graph.order[k] as number;
    const terms: number[] = [];
    if (graph.terminating[i]) {
      terms.push(target.logRewards[i] as number);
      edgeLogits[i * A + A - 1] = target.logRewards[i] as number;
    }
    for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
      const c = graph.edgeChild[e] as number;
      const v = (logF[c] as number) + (logPB[c * K + (edgeBackward[e] as number)] as number);
      terms.push(v);
      edgeLogits[i * A + (graph.edgeAction[e] as number)] = v;
    }
    logF[i] = logSumExp(terms);
  }
  const logPF = maskedLogSoftmaxRows(edgeLogits, graph.forwardMasks, n, A);
  return { graph, logR: target.logRewards, logPB, logF, edgeLogits, logPF, logZ: logF[graph.initial] as number, edgeBackward };
}

/** One complete trajectory as graph indices: states s0 … x, the forward action at each (stop last). */
export interface EnumeratedPath {
  readonly states: readonly number[];
  readonly actions: readonly number[];
  /** Backward action at each state leading to the previous one (−1 at s0). */
  readonly backwardActions: readonly number[];
}

/** Every complete trajectory of an enumerable environment, as paths and as one batch (on-policy flag set). */
export interface EnumeratedTrajectories<S> {
  readonly paths: readonly EnumeratedPath[];
  readonly batch: TrajectoryBatch<S>;
  /** A batch of the paths at `indices` (e.g. one trajectory), with optional behaviour log-probs per trajectory. */
  subBatch(indices: readonly number[], behaviourLogProbs?: readonly number[]): TrajectoryBatch<S>;
}

/** Enumerates every complete trajectory by depth-first search over the state graph (small environments only). */
export async function enumerateTrajectories<S>(env: Environment<S>, limit = 100_000): Promise<EnumeratedTrajectories<S>> {
  const solution = await exactSolution(env);
  const graph = solution.graph;
  const states = graph.states as S;
  const A = env.numActions;
  const stop = A - 1;
  const paths: EnumeratedPath[] = [];
  const walk = (s: number[], a: number[], b: number[]): void => {
    const i = s[s.length - 1] as number;
    if (graph.terminating[i]) paths.push({ states: [...s], actions: [...a, stop], backwardActions: [...b] });
    if (paths.length > limit) throw new Error(`enumerateTrajectories: more than ${limit} trajectories`);
    for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
      walk([...s, graph.edgeChild[e] as number], [...a, graph.edgeAction[e] as number], [...b, solution.edgeBackward[e] as number]);
    }
  };
  walk([graph.initial], [], [-1]);
  const F = env.featureSize;
  const K = env.numBackwardActions;
  const features = env.features(states);
  const bmask = env.backwardMask(states);
  const rowsOf = (p: EnumeratedPath, behaviour: number): TrajectoryRows => {
    const L = p.states.length;
    const logProbs = new Float64Array(L);
    logProbs[0] = behaviour;
    return {
      features: Float32Array.from(p.states.flatMap((i) => Array.from(features.subarray(i * F, (i + 1) * F)))),
      forwardMasks: Uint8Array.from(p.states.flatMap((i) => Array.from(graph.forwardMasks.subarray(i * A, (i + 1) * A)))),
      forwardActions: Int32Array.from(p.actions),
      backwardMasks: Uint8Array.from(p.states.flatMap((i) => Array.from(bmask.subarray(i * K, (i + 1) * K)))),
      backwardActions: Int32Array.from(p.backwardActions),
      behaviourLogProbs: logProbs,
      stateLogRewards: Float64Array.from(p.states, (i) => solution.logR[i] as number),
    };
  };
  const subBatch = (indices: readonly number[], behaviour?: readonly number[]): TrajectoryBatch<S> => {
    const chosen = indices.map((k) => paths[k] as EnumeratedPath);
    return packTrajectories(
      { featureSize: F, numActions: A, numBackwardActions: K },
      chosen.map((p, k) => rowsOf(p, behaviour?.[k] ?? 0)),
      chosen.map((p) => solution.logR[p.states[p.states.length - 1] as number] as number),
      env.select(states, chosen.map((p) => p.states[p.states.length - 1] as number)),
      behaviour === undefined,
    );
  };
  return { paths, batch: subBatch(paths.map((_, k) => k)), subBatch };
}
