import type { Environment, ExactEvaluation, ExactEvaluator, Objective, Policy, Sampler } from '@gflownet/core';
import { assertGradientsRegistered, exactEvaluator, isEnvironment, isObjective, isPolicy, isSampler, Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingState } from './checkpoint.js';
import type { GradientStep, ParallelTraining } from './data-parallel.js';
import { parallelSteps } from './data-parallel.js';
import { DivergenceError, divergenceMessage } from './divergence.js';
import type { HistoryRecord } from './history.js';
import type { LearningRates, OptimisedGroup } from './optimizers.js';
import type { LogZOptimizer } from './run-optimisers.js';
import { runOptimisers } from './run-optimisers.js';
import { restoreRun, saveVariables } from './resume.js';

export { DivergenceError } from './divergence.js';
export { restorePolicy } from './resume.js';

/** Options of {@link train}. */
export interface TrainOptions<S> {
  readonly env: Environment<S>;
  readonly policy: Policy;
  readonly objective: Objective;
  readonly sampler: Sampler;
  /** Total number of gradient steps (a resumed run continues up to this count). */
  readonly iterations: number;
  /** Trajectories per step (default: `16`). */
  readonly batchSize?: number;
  /** Seed of the sampling generator (default: `0`). The policy is seeded when it is made. */
  readonly seed?: number;
  readonly learningRates?: LearningRates;
  /**
   * Optimiser of log Z, at `learningRates.logZ`: `adam` (default) or `sgd`, SGD with momentum
   * `logZMomentum` whose NaN gradients count as 0 (the DAG paper's: lr 0.1, momentum 0.8, from 0).
   */
  readonly logZOptimizer?: LogZOptimizer;
  /** Momentum of the `sgd` log-Z optimiser, in [0, 1) (default: `0.8`; Adam ignores it). */
  readonly logZMomentum?: number;
  /** Initial log Z (default: `0`). */
  readonly logZInit?: number;
  /** Evaluate every this many iterations (default: about 20 evaluations per run, at least every 1). */
  readonly evalEvery?: number;
  /** Continue from a saved state (the one {@link TrainOptions.onCheckpoint} receives; see `parseCheckpoint`). */
  readonly resume?: TrainingState;
  /** Names the checkpoint in resume errors, e.g. `checkpoint runs/a.ckpt` (default: `checkpoint`). */
  readonly resumeSource?: string;
  /** Call {@link TrainOptions.onCheckpoint} every this many iterations (default: never, except on abort). */
  readonly checkpointEvery?: number;
  /** Receives the state to save; awaited before training continues. */
  readonly onCheckpoint?: (state: TrainingState) => void | Promise<void>;
  /** Stops the run after the current iteration; a final checkpoint is emitted and `interrupted` is set. */
  readonly signal?: AbortSignal;
  /** Called after every iteration. */
  readonly onIteration?: (info: IterationInfo) => void;
  /** Called after every evaluation. */
  readonly onEvaluation?: (record: HistoryRecord) => void;
  /** Split each batch over threads (see `ParallelTraining`); sampling then draws from (seed, iteration, shard). */
  readonly parallel?: ParallelTraining;
}

/** Progress of one iteration. */
export interface IterationInfo {
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
}

/** Where the time went. */
export interface Throughput {
  /** Training iterations per second, sampling and update only (evaluation excluded). */
  readonly iterationsPerSecond: number;
  readonly samplingSeconds: number;
  /** Loss, gradients and optimiser step. */
  readonly updateSeconds: number;
  /** The loss with its gradients (forward and backward pass), part of `updateSeconds`; this process only, not restored on resume. */
  readonly lossSeconds: number;
  /** The optimiser steps, part of `updateSeconds`; this process only, not restored on resume. */
  readonly optimiserSeconds: number;
  readonly evaluationSeconds: number;
  readonly wallSeconds: number;
}

/** The outcome of {@link train}. */
export interface TrainResult {
  readonly history: HistoryRecord[];
  readonly logZ: number | null;
  readonly trueLogZ: number | null;
  /**
   * The exact evaluation of the final policy (at {@link iterations}, also when interrupted, so that it
   * goes with {@link logZ}), when available.
   */
  readonly exact: ExactEvaluation | null;
  readonly throughput: Throughput;
  readonly finalLoss: number;
  /** Iterations completed (less than requested when interrupted). */
  readonly iterations: number;
  /** True when the run stopped early on its abort signal. */
  readonly interrupted: boolean;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function now(): number {
  return performance.now() / 1000;
}

function checkPositiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

/** A missing or wrong part is named, rather than failing later on `undefined.requires`. */
function checkParts(options: TrainOptions<unknown>): void {
  const parts = { env: isEnvironment, policy: isPolicy, objective: isObjective, sampler: isSampler } as const;
  for (const [name, is] of Object.entries(parts)) {
    const v = (options as unknown as Record<string, unknown>)[name];
    if (!is(v)) throw new TypeError(`train: options.${name} ${v === undefined ? 'is missing' : 'is not a gflownet-ts ' + name}`);
  }
}

/**
 * Trains a GFlowNet: each iteration samples a batch, computes the objective under the gradient tape,
 * and steps one optimiser per parameter group (Adam for forward, backward and flow; Adam or SGD
 * with momentum for log Z). Tensors are
 * released every iteration, so `tf.memory().numTensors` stays flat. Runs can be checkpointed and
 * resumed exactly (same backend).
 *
 * @example
 * const result = await train({ env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), iterations: 2000 });
 */
export async function train<S>(options: TrainOptions<S>): Promise<TrainResult> {
  assertGradientsRegistered();
  checkParts(options);
  const { env, policy, objective, sampler, iterations, resume } = options;
  const batchSize = options.batchSize ?? 16;
  checkPositiveInt('iterations', iterations);
  checkPositiveInt('batch size', batchSize);
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(iterations / 20));
  checkPositiveInt('evalEvery', evalEvery);
  if (options.checkpointEvery !== undefined) checkPositiveInt('checkpointEvery', options.checkpointEvery);
  const random = new Random(options.seed ?? 0);
  const optimisers = runOptimisers(options.learningRates, options);
  const logZ = objective.requires.logZ ? tf.tidy(() => tf.variable(tf.scalar(options.logZInit ?? 0), true)) : undefined;
  const groups: Record<OptimisedGroup, tf.Variable[]> = { ...policy.parameters(), logZ: logZ ? [logZ] : [] };
  const allVariables = Object.values(groups).flat();

  const history: HistoryRecord[] = [];
  let samplingSeconds = 0;
  let updateSeconds = 0;
  let lossSeconds = 0;
  let optimiserSeconds = 0;
  let evaluationSeconds = 0;
  let lossSum = 0;
  let lossCount = 0;
  let start = 0;
  if (resume) {
    restoreRun(resume, { policy, logZ, optimisers, groups, random, sampler }, iterations, options.resumeSource ?? 'checkpoint');
    history.push(...resume.history);
    lossSum = resume.lossSum;
    lossCount = resume.lossCount;
    samplingSeconds = resume.seconds.sampling;
    updateSeconds = resume.seconds.update;
    evaluationSeconds = resume.seconds.evaluation;
    start = resume.iteration;
  }

  let evaluator: ExactEvaluator | null = null;
  if (env.enumerate) evaluator = await exactEvaluator(env);
  const trueLogZ = env.trueLogZ ? env.trueLogZ() : (evaluator?.target.logZ ?? null);
  const wallStart = now();
  let lastExact: ExactEvaluation | null = null;
  let lastExactAt = -1;
  let lastLoss = Number.NaN;

  const readLogZ = (): number | null => (logZ ? (logZ.dataSync()[0] as number) : null);
  const snapshot = (iteration: number): TrainingState => ({
    iteration,
    parameters: { forward: saveVariables(groups.forward), backward: saveVariables(groups.backward), flow: saveVariables(groups.flow) },
    logZ: readLogZ(),
    ...optimisers.getState(),
    random: random.getState(),
    sampler: sampler.getState ? sampler.getState() : null,
    history: history.slice(),
    lossSum,
    lossCount,
    seconds: { sampling: samplingSeconds, update: updateSeconds, evaluation: evaluationSeconds },
  });
  const evaluate = (iteration: number): void => {
    const t0 = now();
    lastExact = evaluator ? evaluator.evaluate(policy) : null;
    lastExactAt = iteration;
    const record: HistoryRecord = {
      iteration,
      trajectories: iteration * batchSize,
      loss: lossCount > 0 ? lossSum / lossCount : Number.NaN,
      logZ: readLogZ(),
      ...(lastExact ? { jsd: lastExact.jsd, l1: lastExact.l1, tv: lastExact.tv } : {}),
      seconds: samplingSeconds + updateSeconds,
    };
    lossSum = 0;
    lossCount = 0;
    history.push(record);
    evaluationSeconds += now() - t0;
    options.onEvaluation?.(record);
  };

  /** One iteration's batch on this thread, its loss and gradients. */
  const localStep = async (it: number): Promise<GradientStep> => {
    const batch = await sampler.sample({ env, policy, n: batchSize, random, iteration: it, recordStateLogRewards: objective.requires.stateLogRewards === true });
    const sampledAt = now();
    const { value, grads } = tf.variableGrads(() => objective.loss({ policy, batch, env, ...(logZ ? { logZ } : {}) }), allVariables);
    const loss = value.dataSync()[0] as number;
    value.dispose();
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      throw new DivergenceError(divergenceMessage(objective.name, loss, it, readLogZ(), env, batch));
    }
    return { loss, grads, sampledAt };
  };

  let done = start;
  let interrupted = false;
  let savedAt = start;
  try {
    const parts = { env, policy, objective, sampler, ...(logZ ? { logZ } : {}), variables: allVariables, seed: options.seed ?? 0 };
    const step = options.parallel ? parallelSteps(options.parallel, { ...parts, unit: options.parallel.unit }, batchSize) : localStep;
    for (let it = start; it < iterations; it++) {
      const t0 = now();
      // With threads, the sampling time is this thread's shard's; waiting for the other shards counts as loss.
      const { loss, grads, sampledAt: t1 } = await step(it);
      const t2 = now();
      for (const group of Object.keys(groups) as OptimisedGroup[]) {
        const vars = groups[group];
        if (vars.length > 0) optimisers.apply(group, vars, vars.map((v) => grads[v.name]));
      }
      lossSeconds += t2 - t1;
      optimiserSeconds += now() - t2;
      tf.dispose(grads);
      updateSeconds += now() - t1;
      samplingSeconds += t1 - t0;
      lossSum += loss;
      lossCount++;
      lastLoss = loss;
      done = it + 1;
      options.onIteration?.({ iteration: done, iterations, loss });
      if (done % evalEvery === 0 || done === iterations) evaluate(done);
      // Let signal handlers run: the loop's awaits alone resolve as microtasks and never yield.
      if (options.signal) await yieldToEventLoop();
      const aborted = options.signal?.aborted === true && done < iterations;
      if (options.onCheckpoint && ((options.checkpointEvery !== undefined && done % options.checkpointEvery === 0) || aborted)) {
        await options.onCheckpoint(snapshot(done));
        savedAt = done;
      }
      if (aborted) {
        interrupted = true;
        break;
      }
    }
    // A finished run is saved too, so it can be extended later with more iterations.
    if (options.onCheckpoint && savedAt !== done) await options.onCheckpoint(snapshot(done));
    // An interrupted run's last evaluation may be iterations old: evaluate the policy whose log Z is
    // reported (not recorded in the history, which must stay that of an uninterrupted run).
    if (evaluator && lastExactAt !== done) {
      const t0 = now();
      lastExact = evaluator.evaluate(policy);
      evaluationSeconds += now() - t0;
    }
    const finalLogZ = readLogZ();
    const trainSeconds = samplingSeconds + updateSeconds;
    return {
      history,
      logZ: finalLogZ,
      trueLogZ,
      exact: lastExact,
      finalLoss: lastLoss,
      iterations: done,
      interrupted,
      throughput: {
        iterationsPerSecond: trainSeconds > 0 ? done / trainSeconds : 0,
        samplingSeconds,
        updateSeconds,
        lossSeconds,
        optimiserSeconds,
        evaluationSeconds,
        wallSeconds: now() - wallStart,
      },
    };
  } finally {
    logZ?.dispose();
    optimisers.dispose();
  }
}
