import type { Environment, ExactEvaluation, ExactEvaluator, Objective, Policy, Sampler } from '@gflownet/core';
import { assertGradientsRegistered, exactEvaluator, Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LearningRates, OptimisedGroup } from './optimizers.js';
import { makeOptimisers, resolveLearningRates } from './optimizers.js';

/** Options of {@link train}. */
export interface TrainOptions<S> {
  readonly env: Environment<S>;
  readonly policy: Policy;
  readonly objective: Objective;
  readonly sampler: Sampler;
  /** Number of gradient steps. */
  readonly iterations: number;
  /** Trajectories per step (default: `16`). */
  readonly batchSize?: number;
  /** Seed of the sampling generator (default: `0`). The policy is seeded when it is made. */
  readonly seed?: number;
  readonly learningRates?: LearningRates;
  /** Initial log Z (default: `0`). */
  readonly logZInit?: number;
  /** Evaluate every this many iterations (default: about 20 evaluations per run, at least every 1). */
  readonly evalEvery?: number;
  /** Called after every iteration. */
  readonly onIteration?: (info: IterationInfo) => void;
  /** Called after every evaluation. */
  readonly onEvaluation?: (record: HistoryRecord) => void;
}

/** Progress of one iteration. */
export interface IterationInfo {
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
}

/** Metrics at one evaluation point. */
export interface HistoryRecord {
  /** Iterations completed. */
  readonly iteration: number;
  /** Trajectories sampled so far. */
  readonly trajectories: number;
  /** Mean training loss since the previous record. */
  readonly loss: number;
  readonly logZ: number | null;
  /** Exact metrics, when the environment can enumerate its states. */
  readonly jsd?: number;
  readonly l1?: number;
  readonly tv?: number;
  readonly seconds: number;
}

/** Where the time went. */
export interface Throughput {
  /** Training iterations per second, sampling and update only (evaluation excluded). */
  readonly iterationsPerSecond: number;
  readonly samplingSeconds: number;
  readonly updateSeconds: number;
  readonly evaluationSeconds: number;
  readonly wallSeconds: number;
}

/** The outcome of {@link train}. */
export interface TrainResult {
  readonly history: HistoryRecord[];
  readonly logZ: number | null;
  readonly trueLogZ: number | null;
  /** The final exact evaluation, when available. */
  readonly exact: ExactEvaluation | null;
  readonly throughput: Throughput;
  readonly finalLoss: number;
}

/** Raised when the loss becomes NaN or infinite; the message says where. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
}

function now(): number {
  return performance.now() / 1000;
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/**
 * Trains a GFlowNet: each iteration samples a batch, computes the objective under the gradient tape,
 * and steps one Adam optimiser per parameter group (forward, backward, flow, log Z). Tensors are
 * released every iteration, so `tf.memory().numTensors` stays flat.
 *
 * @example
 * const result = await train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 2000 });
 */
export async function train<S>(options: TrainOptions<S>): Promise<TrainResult> {
  assertGradientsRegistered();
  const { env, policy, objective, sampler, iterations } = options;
  const batchSize = options.batchSize ?? 16;
  checkPositiveInt('iterations', iterations);
  checkPositiveInt('batch size', batchSize);
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(iterations / 20));
  checkPositiveInt('evalEvery', evalEvery);
  const random = new Random(options.seed ?? 0);
  const lr = resolveLearningRates(options.learningRates);
  const optimisers = makeOptimisers(lr);
  const logZ = objective.requires.logZ ? tf.tidy(() => tf.variable(tf.scalar(options.logZInit ?? 0), true)) : undefined;
  const groups: Record<OptimisedGroup, tf.Variable[]> = { ...policy.parameters(), logZ: logZ ? [logZ] : [] };
  const allVariables = Object.values(groups).flat();

  let evaluator: ExactEvaluator | null = null;
  if (env.enumerate) evaluator = await exactEvaluator(env);
  const trueLogZ = env.trueLogZ ? env.trueLogZ() : (evaluator?.target.logZ ?? null);

  const history: HistoryRecord[] = [];
  let samplingSeconds = 0;
  let updateSeconds = 0;
  let evaluationSeconds = 0;
  let lossSum = 0;
  let lossCount = 0;
  let lastLoss = Number.NaN;
  const start = now();
  let lastExact: ExactEvaluation | null = null;

  const readLogZ = (): number | null => (logZ ? (logZ.dataSync()[0] as number) : null);
  const evaluate = (iteration: number): void => {
    const t0 = now();
    lastExact = evaluator ? evaluator.evaluate(policy) : null;
    const record: HistoryRecord = {
      iteration,
      trajectories: iteration * batchSize,
      loss: lossCount > 0 ? lossSum / lossCount : Number.NaN,
      logZ: readLogZ(),
      ...(lastExact ? { jsd: lastExact.jsd, l1: lastExact.l1, tv: lastExact.tv } : {}),
      seconds: now() - start,
    };
    lossSum = 0;
    lossCount = 0;
    history.push(record);
    evaluationSeconds += now() - t0;
    options.onEvaluation?.(record);
  };

  for (let it = 0; it < iterations; it++) {
    const t0 = now();
    const batch = await sampler.sample({
      env,
      policy,
      n: batchSize,
      random,
      iteration: it,
      recordStateLogRewards: objective.requires.stateLogRewards === true,
    });
    const t1 = now();
    const { value, grads } = tf.variableGrads(
      () => objective.loss({ policy, batch, ...(logZ ? { logZ } : {}) }),
      allVariables,
    );
    const loss = value.dataSync()[0] as number;
    if (!Number.isFinite(loss)) {
      value.dispose();
      tf.dispose(grads);
      throw new DivergenceError(
        `${objective.name} loss became ${loss} at iteration ${it} (log Z ${readLogZ()}); lower the learning rates or check the rewards`,
      );
    }
    for (const group of Object.keys(groups) as OptimisedGroup[]) {
      const vars = groups[group];
      if (vars.length === 0) continue;
      const named: tf.NamedTensorMap = {};
      let any = false;
      for (const v of vars) {
        const g = grads[v.name];
        if (g) {
          named[v.name] = g;
          any = true;
        }
      }
      if (any) optimisers[group].applyGradients(named);
    }
    value.dispose();
    tf.dispose(grads);
    updateSeconds += now() - t1;
    samplingSeconds += t1 - t0;
    lossSum += loss;
    lossCount++;
    lastLoss = loss;
    options.onIteration?.({ iteration: it + 1, iterations, loss });
    if ((it + 1) % evalEvery === 0 || it + 1 === iterations) evaluate(it + 1);
  }

  const finalLogZ = readLogZ();
  logZ?.dispose();
  for (const o of Object.values(optimisers)) o.dispose();
  const trainSeconds = samplingSeconds + updateSeconds;
  return {
    history,
    logZ: finalLogZ,
    trueLogZ,
    exact: lastExact,
    finalLoss: lastLoss,
    throughput: {
      iterationsPerSecond: trainSeconds > 0 ? iterations / trainSeconds : 0,
      samplingSeconds,
      updateSeconds,
      evaluationSeconds,
      wallSeconds: now() - start,
    },
  };
}
