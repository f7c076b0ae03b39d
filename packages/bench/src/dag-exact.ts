import type { ParameterGroup, Policy, PolicyOutputs } from '@gflownet/core';
import { PolicyTypeId, Random, stateGraph } from '@gflownet/core';
import { dagEnvironment, dagExactEvaluator, dagStateGraph, simulateLinearGaussian } from '@gflownet/env-dag';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link benchDagExact}. */
export interface BenchDagExactOptions {
  /** Number of variables (default: `5`, 29,281 DAGs). */
  readonly d?: number;
  /** Policy to evaluate; default: a random MLP with hidden layers `hidden` (the CLI's default architecture). */
  readonly policy?: Policy;
  /** Hidden widths of the default MLP (default: `[256, 256]`). */
  readonly hidden?: readonly number[];
  /** Timed evaluations; the median is reported (default: `5`). */
  readonly repeats?: number;
  /** Also time core's generic `stateGraph` on the same environment (default: `true`). */
  readonly generic?: boolean;
}

/** Timings of {@link benchDagExact}, in milliseconds. */
export interface BenchDagExactResult {
  readonly d: number;
  readonly numStates: number;
  readonly numTransitions: number;
  readonly backend: string;
  /** Building the DAG state graph by bit masks (once per environment). */
  readonly graphMs: number;
  /** Building core's generic state graph through enumerate/step/stateKey (what the trainer uses), when timed. */
  readonly genericGraphMs: number | null;
  /** Scoring every DAG and normalising: the exact posterior (once per environment). */
  readonly posteriorMs: number;
  /** Median of one exact evaluation of a policy: policy pass on every DAG, P_F^T, JSD, edge RMSE. */
  readonly evaluateMs: number;
  /** The JSD of the last evaluation (a sanity value: a random policy is far from the posterior). */
  readonly jsd: number;
  /** One line for a benchmark table. */
  readonly summary: string;
}

/** A random-weight MLP policy (forward logits only), the cost of `mlpPolicy` inference without the dependency. */
function randomMlp(featureSize: number, numActions: number, numBackwardActions: number, hidden: readonly number[], seed: number): Policy {
  const random = new Random(seed);
  const sizes = [featureSize, ...hidden, numActions];
  const layers: { w: tf.Tensor2D; b: tf.Tensor1D }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l] as number;
    const fanOut = sizes[l + 1] as number;
    const bound = 1 / Math.sqrt(fanIn);
    const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * random.next() - 1) * bound);
    const b = Float32Array.from({ length: fanOut }, () => (2 * random.next() - 1) * bound);
    layers.push({ w: tf.tensor2d(w, [fanIn, fanOut]), b: tf.tensor1d(b) });
  }
  const run = (x: tf.Tensor2D): tf.Tensor2D => {
    let h = x;
    layers.forEach((layer, i) => {
      h = tf.fused.matMul({ a: h, b: layer.w, bias: layer.b, ...(i + 1 < layers.length ? { activation: 'relu' as const } : {}) }) as tf.Tensor2D;
    });
    return h;
  };
  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize,
    numActions,
    numBackwardActions,
    backward: 'uniform',
    hasFlow: false,
    apply: (features): PolicyOutputs => ({ forwardLogits: run(features) }),
    forwardLogits: (features, n) => {
      // Read outside tidy: tidy walks a returned typed array element by element.
      const out = tf.tidy(() => run(tf.tensor2d(features, [n, featureSize])));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      return data;
    },
    parameters: (): Record<ParameterGroup, tf.Variable[]> => ({ forward: [], backward: [], flow: [] }),
    dispose: () => {
      for (const l of layers) tf.dispose([l.w, l.b]);
    },
  };
}

const ms = (t0: number): number => performance.now() - t0;

/**
 * Times exact evaluation on the DAG environment with d = 5 (29,281 DAGs, 176,320 transitions) on
 * simulated data, on the current tfjs backend: the state graph and the posterior (once) and the
 * exact evaluation of a policy (each time). The target is under one second per evaluation.
 *
 * @example
 * const r = await benchDagExact();
 * console.log(r.summary);
 */
export async function benchDagExact(options: BenchDagExactOptions = {}): Promise<BenchDagExactResult> {
  const d = options.d ?? 5;
  const repeats = options.repeats ?? 5;
  const env = dagEnvironment({ data: simulateLinearGaussian({ numVariables: d, numSamples: 100, seed: 0 }) });
  let t0 = performance.now();
  const graph = dagStateGraph(env);
  const graphMs = ms(t0);
  let genericGraphMs: number | null = null;
  if (options.generic ?? true) {
    t0 = performance.now();
    stateGraph(env);
    genericGraphMs = ms(t0);
  }
  t0 = performance.now();
  const evaluator = dagExactEvaluator(env);
  const posteriorMs = ms(t0);
  const policy = options.policy ?? randomMlp(env.featureSize, env.numActions, env.numBackwardActions, options.hidden ?? [256, 256], 0);
  try {
    evaluator.evaluate(policy); // warm-up: kernels, wasm memory
    const times: number[] = [];
    let jsd = Number.NaN;
    for (let r = 0; r < repeats; r++) {
      t0 = performance.now();
      jsd = evaluator.evaluate(policy).jsd;
      times.push(ms(t0));
    }
    times.sort((a, b) => a - b);
    const evaluateMs = times[Math.floor(times.length / 2)] as number;
    const backend = tf.getBackend();
    const f = (v: number): string => `${v.toFixed(1)} ms`;
    return {
      d,
      numStates: graph.numStates,
      numTransitions: graph.edgeChild.length,
      backend,
      graphMs,
      genericGraphMs,
      posteriorMs,
      evaluateMs,
      jsd,
      summary: `dag exact d=${d} (${graph.numStates} DAGs, ${graph.edgeChild.length} transitions, ${backend}): evaluate ${f(evaluateMs)}; once: graph ${f(graphMs)}${genericGraphMs !== null ? `, generic graph ${f(genericGraphMs)}` : ''}, posterior ${f(posteriorMs)}`,
    };
  } finally {
    if (!options.policy) policy.dispose();
  }
}
