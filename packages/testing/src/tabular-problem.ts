import type { BackwardPolicyKind, Environment, ParameterGroup, Policy, PolicyHeads, PolicyOutputs, Random, StateGraph, TrajectoryBatch, TrajectoryRows } from '@gflownet/core';
import { logSumExp, maskedLogSoftmaxRows, packTrajectories, PolicyTypeId, stateGraph, targetDistribution } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** One complete trajectory as state-graph indices: states s0 … x, forward action at each (stop last), backward action at each (−1 at s0). */
export interface GraphPath {
  readonly states: readonly number[];
  readonly actions: readonly number[];
  readonly backwardActions: readonly number[];
}

/** Values of a tabular policy, in float64, rows in state-graph order. */
export interface Tables {
  /** `[numStates, numActions]` forward logits (for flow matching: the log edge flows). */
  readonly forward: Float64Array;
  /** `[numStates, numBackwardActions]` backward logits; absent for a uniform P_B. */
  readonly backward?: Float64Array;
  /** `[numStates]` log state flows. */
  readonly flow: Float64Array;
  readonly logZ: number;
}

/** Exact quantities of a tabular policy over every complete trajectory, in float64. */
export interface ExactDivergences {
  /** D_KL(P_F ‖ P̃_B), with P̃_B(τ) = R(x) P_B(τ|x) / Z. */
  readonly reverseKL: number;
  /** D_KL(P̃_B ‖ P_F). */
  readonly forwardKL: number;
  /** E_{P_F}[log P_F(τ) − log R(x) − log P_B(τ|x)]. */
  readonly meanScore: number;
}

/** A small enumerable problem: its state graph, rewards, every complete trajectory, and batches of them. */
export interface TabularProblem<S> {
  readonly env: Environment<S>;
  readonly graph: StateGraph<S>;
  /** `[numStates]` log R (NaN where the state cannot stop). */
  readonly logR: Float64Array;
  /** The exact log Z = log Σ_x R(x). */
  readonly logZ: number;
  readonly paths: readonly GraphPath[];
  readonly backwardMasks: Uint8Array;
  /** Every complete trajectory once, off-policy with behaviour π uniform over them, so importance-weighted sums are exact expectations. */
  exactBatch(): TrajectoryBatch<S>;
  /** `n` trajectories drawn from P_F of `forward` logits, on-policy. */
  sampledBatch(forward: ArrayLike<number>, n: number, random: Random): TrajectoryBatch<S>;
  /** Tables of the exactly balanced flow for P_B given by `backward` logits (uniform when absent). */
  balancedTables(backward?: Float64Array): Tables;
  divergences(tables: Tables): ExactDivergences;
}

function logPBTable(problem: Pick<TabularProblem<unknown>, 'graph' | 'backwardMasks'>, K: number, backward?: ArrayLike<number>): Float64Array {
  const n = problem.graph.numStates;
  return maskedLogSoftmaxRows(backward ?? new Float64Array(n * K), problem.backwardMasks, n, K);
}

/** Builds a {@link TabularProblem} of an enumerable environment (small: every trajectory is listed). */
export async function tabularProblem<S>(env: Environment<S>, maxPaths = 10_000): Promise<TabularProblem<S>> {
  const graph = stateGraph(env);
  const n = graph.numStates;
  const A = env.numActions;
  const K = env.numBackwardActions;
  const target = await targetDistribution(env, graph);
  const backwardMasks = env.backwardMask(graph.states);
  const from = new Int32Array(graph.edgeChild.length);
  for (let i = 0; i < n; i++) for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) from[e] = i;
  const edgeBackward = env.inverseForward(env.select(graph.states, from), graph.edgeAction);
  const paths: GraphPath[] = [];
  const walk = (s: number[], a: number[], b: number[]): void => {
    const i = s[s.length - 1] as number;
    if (graph.terminating[i]) paths.push({ states: [...s], actions: [...a, A - 1], backwardActions: [...b] });
    if (paths.length > maxPaths) throw new Error(`tabularProblem: ${env.name} has more than ${maxPaths} trajectories; use a smaller environment`);
    for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
      walk([...s, graph.edgeChild[e] as number], [...a, graph.edgeAction[e] as number], [...b, edgeBackward[e] as number]);
    }
  };
  walk([graph.initial], [], [-1]);
  const F = env.featureSize;
  const features = env.features(graph.states);
  const slice = <T extends Float32Array | Uint8Array>(x: T, i: number, w: number): number[] => Array.from(x.subarray(i * w, (i + 1) * w));
  const batchOf = (chosen: readonly GraphPath[], behaviour: (p: GraphPath, k: number) => number, onPolicy: boolean): TrajectoryBatch<S> => {
    const rows = chosen.map(
      (p): TrajectoryRows => ({
        features: Float32Array.from(p.states.flatMap((i) => slice(features, i, F))),
        forwardMasks: Uint8Array.from(p.states.flatMap((i) => slice(graph.forwardMasks, i, A))),
        forwardActions: Int32Array.from(p.actions),
        backwardMasks: Uint8Array.from(p.states.flatMap((i) => slice(backwardMasks, i, K))),
        backwardActions: Int32Array.from(p.backwardActions),
        behaviourLogProbs: Float64Array.from(p.states, (_, k) => behaviour(p, k)),
        stateLogRewards: Float64Array.from(p.states, (i) => target.logRewards[i] as number),
      }),
    );
    const last = chosen.map((p) => p.states[p.states.length - 1] as number);
    const states = env.select(graph.states, chosen.flatMap((p) => p.states));
    return packTrajectories({ featureSize: F, numActions: A, numBackwardActions: K }, rows, last.map((i) => target.logRewards[i] as number), env.select(graph.states, last), onPolicy, states);
  };
  const pathLogProbs = (logPF: Float64Array, logPB: Float64Array, p: GraphPath): [number, number] => {
    let f = 0;
    let b = 0;
    p.states.forEach((s, k) => {
      f += logPF[s * A + (p.actions[k] as number)] as number;
      if (k > 0) b += logPB[s * K + (p.backwardActions[k] as number)] as number;
    });
    return [f, b];
  };
  const problem: TabularProblem<S> = {
    env,
    graph,
    logR: target.logRewards,
    logZ: target.logZ,
    paths,
    backwardMasks,
    exactBatch: () => batchOf(paths, (_, k) => (k === 0 ? -Math.log(paths.length) : 0), false),
    sampledBatch(forward, count, random) {
      const logPF = maskedLogSoftmaxRows(forward, graph.forwardMasks, n, A);
      const probs = paths.map((p) => Math.exp(pathLogProbs(logPF, new Float64Array(n * K), p)[0]));
      const chosen = Array.from({ length: count }, () => paths[random.categorical(probs)] as GraphPath);
      return batchOf(chosen, (p, k) => logPF[(p.states[k] as number) * A + (p.actions[k] as number)] as number, true);
    },
    balancedTables(backward) {
      // F(s) = R(s) + Σ_{s→s'} F(s') P_B(s|s'), by one sweep in reverse topological order.
      const logPB = logPBTable(problem, K, backward);
      const flow = new Float64Array(n);
      const forward = new Float64Array(n * A);
      for (let k = n - 1; k >= 0; k--) {
        const i = graph.order[k] as number;
        const terms: number[] = [];
        if (graph.terminating[i]) terms.push((forward[i * A + A - 1] = target.logRewards[i] as number));
        for (let e = graph.edgeStart[i] as number; e < (graph.edgeStart[i + 1] as number); e++) {
          const c = graph.edgeChild[e] as number;
          terms.push((forward[i * A + (graph.edgeAction[e] as number)] = (flow[c] as number) + (logPB[c * K + (edgeBackward[e] as number)] as number)));
        }
        flow[i] = logSumExp(terms);
      }
      return { forward, ...(backward ? { backward } : {}), flow, logZ: flow[graph.initial] as number };
    },
    divergences(tables) {
      const logPF = maskedLogSoftmaxRows(tables.forward, graph.forwardMasks, n, A);
      const logPB = logPBTable(problem, K, tables.backward);
      let reverseKL = 0;
      let forwardKL = 0;
      let meanScore = 0;
      for (const p of paths) {
        const [f, b] = pathLogProbs(logPF, logPB, p);
        const logTarget = (target.logRewards[p.states[p.states.length - 1] as number] as number) + b - target.logZ;
        reverseKL += Math.exp(f) * (f - logTarget);
        forwardKL += Math.exp(logTarget) * (logTarget - f);
        meanScore += Math.exp(f) * (f - logTarget - target.logZ);
      }
      return { reverseKL, forwardKL, meanScore };
    },
  };
  return problem;
}

/** A policy whose outputs at state s are row s of its tables (variables), for exact solutions and finite differences. */
export interface TabularPolicy extends Policy {
  readonly forwardTable: tf.Variable;
  readonly backwardTable?: tf.Variable;
  readonly flowTable?: tf.Variable;
}

/** A {@link TabularPolicy} on the problem's states (recognised by their features), initialised from `tables`. */
export function tabularPolicy<S>(problem: TabularProblem<S>, tables: Tables, backward: BackwardPolicyKind, hasFlow: boolean): TabularPolicy {
  const { env, graph } = problem;
  const n = graph.numStates;
  const F = env.featureSize;
  const A = env.numActions;
  const K = env.numBackwardActions;
  const all = env.features(graph.states);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = all.subarray(i * F, (i + 1) * F).join(',');
    if (indexOf.has(key)) throw new Error(`tabular policy: states ${graph.keys[indexOf.get(key) as number]} and ${graph.keys[i]} of ${env.name} have the same features`);
    indexOf.set(key, i);
  }
  const stateIndices = (features: ArrayLike<number>, rows: number): Int32Array =>
    Int32Array.from({ length: rows }, (_, r) => {
      const i = indexOf.get(Array.prototype.slice.call(features, r * F, (r + 1) * F).join(','));
      if (i === undefined) throw new Error(`tabular policy: row ${r} is not a state of ${env.name}`);
      return i;
    });
  const variable = (values: ArrayLike<number>, cols: number): tf.Variable => tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(values), [n, cols])));
  if (backward === 'learned' && !tables.backward) throw new Error('tabular policy: a learned P_B needs backward logits');
  const forwardTable = variable(tables.forward, A);
  const backwardTable = backward === 'learned' ? variable(tables.backward as Float64Array, K) : undefined;
  const flowTable = hasFlow ? variable(tables.flow, 1) : undefined;
  const oneHot = (features: tf.Tensor2D): tf.Tensor2D => {
    const rows = features.shape[0];
    const m = new Float32Array(rows * n);
    stateIndices(features.dataSync(), rows).forEach((i, r) => {
      m[r * n + i] = 1;
    });
    return tf.tensor2d(m, [rows, n]);
  };
  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: F,
    numActions: A,
    numBackwardActions: K,
    backward,
    hasFlow,
    forwardTable,
    ...(backwardTable ? { backwardTable } : {}),
    ...(flowTable ? { flowTable } : {}),
    apply(features: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs {
      return tf.tidy(() => {
        const h = oneHot(features);
        return {
          forwardLogits: tf.matMul(h, forwardTable) as tf.Tensor2D,
          ...(heads.backward && backwardTable ? { backwardLogits: tf.matMul(h, backwardTable) as tf.Tensor2D } : {}),
          ...(heads.flow && flowTable ? { logFlow: tf.reshape(tf.matMul(h, flowTable), [features.shape[0]]) as tf.Tensor1D } : {}),
        };
      });
    },
    forwardLogits(features: Float32Array, rows: number): Float32Array {
      const t = forwardTable.dataSync();
      const out = new Float32Array(rows * A);
      stateIndices(features, rows).forEach((i, r) => out.set(t.subarray(i * A, (i + 1) * A), r * A));
      return out;
    },
    parameters(): Record<ParameterGroup, tf.Variable[]> {
      return { forward: [forwardTable], backward: backwardTable ? [backwardTable] : [], flow: flowTable ? [flowTable] : [] };
    },
    dispose(): void {
      forwardTable.dispose();
      backwardTable?.dispose();
      flowTable?.dispose();
    },
  };
}
