// One training run built from the library packages: shared by the page (src/main.ts) and the Node
// check (test/e2e.ts), so both run the very same code and must produce the very same numbers.
import type { Environment, Objective, Policy, Rows, Sampler } from '@gflownet/core';
import { exactEvaluator } from '@gflownet/core';
import type { DagEnvironment } from '@gflownet/env-dag';
import { dagEnvironment, dagExactEvaluator, simulateLinearGaussian } from '@gflownet/env-dag';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { detailedBalanceObjective } from '@gflownet/objective-detailed-balance';
import { reverseKLObjective } from '@gflownet/objective-hvi';
import { subTrajectoryBalanceObjective } from '@gflownet/objective-subtrajectory-balance';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { exploration, offPolicySampler, onPolicySampler } from '@gflownet/sampler-rollout';
import type { HistoryRecord, IterationInfo, TrainResult } from '@gflownet/trainer';
import { train } from '@gflownet/trainer';
import type { ObjectiveName, SamplerName, SessionSettings } from './settings.js';
import { checkSettings } from './settings.js';

/** Variables of the simulated DAG data set, and its number of observations. */
export const DAG_VARIABLES = 3;
export const DAG_SAMPLES = 100;
/** Hidden layers of the MLP policy: small, so that a page trains at interactive speed. */
export const HIDDEN: readonly number[] = [64, 64];

/** What the page draws beside the loss: the learned distribution against the target. */
export type DistributionView =
  | { readonly kind: 'hypergrid'; readonly height: number; readonly learned: Float64Array; readonly target: Float64Array; readonly jsd: number }
  | { readonly kind: 'dag'; readonly d: number; readonly learned: Float64Array; readonly exact: Float64Array; readonly edgeRmse: number; readonly jsd: number };

/** Callbacks of {@link TrainingSession.train}; `signal` stops the run after the current iteration. */
export interface TrainCallbacks {
  readonly signal?: AbortSignal;
  readonly onIteration?: (info: IterationInfo) => void;
  readonly onEvaluation?: (record: HistoryRecord) => void;
}

/** A built run: its parts, a view of its current distribution, and the training loop. */
export interface TrainingSession {
  readonly settings: SessionSettings;
  readonly env: Environment<unknown>;
  readonly policy: Policy;
  /** The learned distribution beside the target, under the current weights (exact, by enumeration). */
  view(): DistributionView;
  train(callbacks?: TrainCallbacks): Promise<TrainResult>;
  /** Releases the policy's weights. */
  dispose(): void;
}

function buildObjective(name: ObjectiveName): Objective {
  switch (name) {
    case 'tb':
      return trajectoryBalanceObjective();
    case 'db':
      return detailedBalanceObjective();
    case 'subtb':
      return subTrajectoryBalanceObjective({ lambda: 0.9 });
    case 'rkl':
      return reverseKLObjective();
  }
}

function buildSampler(name: SamplerName, epsilon: number): Sampler {
  switch (name) {
    case 'on-policy':
      return onPolicySampler();
    case 'epsilon':
      return offPolicySampler({ epsilon });
    case 'replay':
      return replaySampler({ buffer: replayBuffer({ capacity: 1000 }), ratio: 0.5, behaviour: exploration({ epsilon }) });
  }
}

/** `[H·H]` row-major (x0 down, x1 across) image of a distribution over the 2-D grid's states. */
function gridImage(states: Rows<Int32Array>, probs: Float64Array, height: number): Float64Array {
  const image = new Float64Array(height * height);
  for (let i = 0; i < states.n; i++) {
    const x0 = states.data[2 * i] as number;
    const x1 = states.data[2 * i + 1] as number;
    image[x0 * height + x1] = probs[i] as number;
  }
  return image;
}

/** Builds the environment, policy, objective and sampler the settings describe (checked first). */
export async function createSession(input: SessionSettings): Promise<TrainingSession> {
  const settings = checkSettings(input);
  const objective = buildObjective(settings.objective);
  const flow = objective.requires.flow === true;
  let env: Environment<unknown>;
  let view: (policy: Policy) => DistributionView;
  let backward: 'learned' | 'uniform';
  if (settings.env === 'hypergrid') {
    const grid = hypergrid({ ndim: 2, height: settings.height });
    const evaluator = await exactEvaluator(grid);
    const states = evaluator.graph.states as Rows<Int32Array>;
    const target = gridImage(states, evaluator.target.probs, settings.height);
    env = grid as Environment<unknown>;
    backward = 'learned';
    view = (policy) => {
      const e = evaluator.evaluate(policy);
      return { kind: 'hypergrid', height: settings.height, learned: gridImage(states, e.distribution, settings.height), target, jsd: e.jsd };
    };
  } else {
    const data = simulateLinearGaussian({ numVariables: DAG_VARIABLES, numSamples: DAG_SAMPLES, seed: settings.seed });
    const dag: DagEnvironment = dagEnvironment({ data, relativeToEmpty: true });
    const evaluator = dagExactEvaluator(dag);
    env = dag as unknown as Environment<unknown>;
    // The DAG-GFlowNet setting: P_B uniform over the edges that can be removed.
    backward = 'uniform';
    view = (policy) => {
      const e = evaluator.evaluate(policy);
      return { kind: 'dag', d: DAG_VARIABLES, learned: e.edgeMarginals, exact: evaluator.posterior.edgeMarginals, edgeRmse: e.edgeRmse, jsd: e.jsd };
    };
  }
  const policy = mlpPolicy({
    featureSize: env.featureSize,
    numActions: env.numActions,
    numBackwardActions: env.numBackwardActions,
    hidden: HIDDEN,
    backward,
    flow,
    seed: settings.seed,
  });
  const sampler = buildSampler(settings.sampler, settings.epsilon);
  return {
    settings,
    env,
    policy,
    view: () => view(policy),
    train: (callbacks = {}) =>
      train({
        env,
        policy,
        objective,
        sampler,
        iterations: settings.iterations,
        batchSize: settings.batchSize,
        seed: settings.seed,
        evalEvery: settings.evalEvery,
        ...callbacks,
      }),
    dispose: () => policy.dispose(),
  };
}

/** The numbers a run is compared by (page against Node): every evaluation, the final state. */
export interface RunSummary {
  readonly iterations: number;
  readonly history: readonly { readonly iteration: number; readonly loss: number; readonly logZ: number | null; readonly jsd: number | null }[];
  readonly finalLoss: number;
  readonly logZ: number | null;
  readonly trueLogZ: number | null;
  readonly jsd: number | null;
  readonly interrupted: boolean;
}

/** The comparable part of a {@link TrainResult} (plain JSON: no timings, no tensors). */
export function summarise(result: TrainResult): RunSummary {
  return {
    iterations: result.iterations,
    history: result.history.map((r) => ({ iteration: r.iteration, loss: r.loss, logZ: r.logZ, jsd: r.jsd ?? null })),
    finalLoss: result.finalLoss,
    logZ: result.logZ,
    trueLogZ: result.trueLogZ,
    jsd: result.exact?.jsd ?? null,
    interrupted: result.interrupted,
  };
}
