import type { BackwardPolicyKind, Objective } from '@gflownet/core';
import { exactEvaluator } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import type { TrainResult } from '@gflownet/trainer';
import { train } from '@gflownet/trainer';

/** Options of {@link smokeTrain}. */
export interface SmokeTrainOptions {
  readonly iterations?: number;
  readonly height?: number;
  readonly hidden?: readonly number[];
  readonly backward?: BackwardPolicyKind;
  readonly lr?: number;
  readonly seed?: number;
}

/** The exact JSD before and after a short training run. */
export interface SmokeResult {
  readonly initialJsd: number;
  readonly finalJsd: number;
  readonly result: TrainResult;
}

/**
 * A short on-policy training run of `objective` on a 2-D hypergrid (default H = 8, R0 = 0.1) with a small
 * MLP (default hidden 32, 200 iterations, batch 16) on the current backend, for CI smoke tests.
 */
export async function smokeTrain(objective: Objective, options: SmokeTrainOptions = {}): Promise<SmokeResult> {
  const env = hypergrid({ ndim: 2, height: options.height ?? 8, r0: 0.1 });
  const policy = mlpPolicy({
    featureSize: env.featureSize,
    numActions: env.numActions,
    numBackwardActions: env.numBackwardActions,
    hidden: options.hidden ?? [32],
    backward: options.backward ?? 'learned',
    flow: objective.requires.flow === true,
    seed: options.seed ?? 0,
  });
  try {
    const evaluator = await exactEvaluator(env);
    const initialJsd = evaluator.evaluate(policy).jsd;
    const lr = options.lr ?? 3e-3;
    const result = await train({
      env,
      policy,
      objective,
      sampler: onPolicySampler(),
      iterations: options.iterations ?? 200,
      batchSize: 16,
      seed: options.seed ?? 0,
      learningRates: { forward: lr, backward: lr, logZ: 0.1 },
      evalEvery: options.iterations ?? 200,
    });
    return { initialJsd, finalJsd: result.exact?.jsd ?? Number.NaN, result };
  } finally {
    policy.dispose();
  }
}
