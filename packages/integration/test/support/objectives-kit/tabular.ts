import type { BackwardPolicyKind, Environment, ParameterGroup, Policy, PolicyHeads, PolicyOutputs, StateGraph } from '@gflownet/core';
import { PolicyTypeId, stateGraph } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link tabularPolicy}. */
export interface TabularPolicyOptions {
  readonly backward?: BackwardPolicyKind;
  readonly flow?: boolean;
  /** `[numStates, numActions]` initial forward logits, in the state graph's order (default 0). */
  readonly forward?: ArrayLike<number>;
  /** `[numStates, numBackwardActions]` initial backward logits (default 0). */
  readonly backwardLogits?: ArrayLike<number>;
  /** `[numStates]` initial log flows (default 0). */
  readonly logFlow?: ArrayLike<number>;
}

/** A policy with one free logit vector per state, and the table's variables. */
export interface TabularPolicy extends Policy {
  readonly graph: StateGraph<unknown>;
  readonly forwardTable: tf.Variable<tf.Rank.R2>;
  readonly backwardTable?: tf.Variable<tf.Rank.R2>;
  readonly flowTable?: tf.Variable<tf.Rank.R2>;
  /** Index in the state graph of each row of a feature matrix. */
  stateIndices(features: Float32Array | Uint8Array | ArrayLike<number>, n: number): Int32Array;
}

/**
 * A tabular policy for an enumerable environment: the logits of state s are row s of a variable, so
 * exact solutions can be written into it and gradients compared with hand-derived ones. Rows of the
 * input features are mapped to states by their exact values.
 */
export function tabularPolicy<S>(env: Environment<S>, options: TabularPolicyOptions = {}): TabularPolicy {
  const graph = stateGraph(env) as StateGraph<unknown>;
  const S = graph.numStates;
  const A = env.numActions;
  const K = env.numBackwardActions;
  const F = env.featureSize;
  const all = env.features(graph.states as S);
  const byFeatures = new Map<string, number>();
  for (let i = 0; i < S; i++) byFeatures.set(Array.from(all.subarray(i * F, (i + 1) * F)).join(','), i);
  const stateIndices = (features: ArrayLike<number>, n: number): Int32Array => {
    const out = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const key = Array.prototype.slice.call(features, r * F, (r + 1) * F).join(',');
      const i = byFeatures.get(key);
      if (i === undefined) throw new Error(`tabularPolicy: row ${r} is not a state of ${env.name}`);
      out[r] = i;
    }
    return out;
  };
  const table = (values: ArrayLike<number> | undefined, rows: number, cols: number): tf.Variable<tf.Rank.R2> =>
    tf.tidy(() => tf.variable(tf.tensor2d(values ? Float32Array.from(values) : new Float32Array(rows * cols), [rows, cols])));
  const backward = options.backward ?? 'learned';
  const forwardTable = table(options.forward, S, A);
  const backwardTable = backward === 'learned' ? table(options.backwardLogits, S, K) : undefined;
  const flowTable = options.flow ? table(options.logFlow, S, 1) : undefined;
  const oneHot = (features: tf.Tensor2D): tf.Tensor2D => {
    const n = features.shape[0];
    const idx = stateIndices(features.dataSync(), n);
    const m = new Float32Array(n * S);
    idx.forEach((i, r) => {
      m[r * S + i] = 1;
    });
    return tf.tensor2d(m, [n, S]);
  };
  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: F,
    numActions: A,
    numBackwardActions: K,
    backward,
    hasFlow: flowTable !== undefined,
    graph,
    forwardTable,
    ...(backwardTable ? { backwardTable } : {}),
    ...(flowTable ? { flowTable } : {}),
    stateIndices,
    apply(features: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs {
      const h = oneHot(features);
      return {
        forwardLogits: tf.matMul(h, forwardTable),
        ...(heads.backward && backwardTable ? { backwardLogits: tf.matMul(h, backwardTable) } : {}),
        ...(heads.flow && flowTable ? { logFlow: tf.reshape(tf.matMul(h, flowTable), [features.shape[0]]) as tf.Tensor1D } : {}),
      };
    },
    forwardLogits(features: Float32Array, n: number): Float32Array {
      const idx = stateIndices(features, n);
      const t = forwardTable.dataSync();
      const out = new Float32Array(n * A);
      idx.forEach((i, r) => out.set(t.subarray(i * A, (i + 1) * A), r * A));
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
