/**
 * Throughput of the fragment environment, for `pnpm bench`: trajectory-balance training
 * iterations/s (on the current tfjs backend) and reward evaluations/s. (Was
 * `@gflownet/env-fragments/bench`; here so that the environment does not depend on the trainer.)
 */
import type { Policy } from '@gflownet/core';
import { Random } from '@gflownet/core';
import type { FragmentsEnvironment, FragmentsOptions } from '@gflownet/env-fragments';
import { fragmentsEnvironment, sampleTerminals } from '@gflownet/env-fragments';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link benchFragments}. */
export interface FragmentsBenchOptions {
  /** Measured training iterations (default: `30`). */
  readonly iterations?: number;
  /** Unmeasured iterations first (default: `5`). */
  readonly warmup?: number;
  /** Trajectories per iteration (default: `16`). */
  readonly batchSize?: number;
  /** Distinct molecules whose reward is timed, after as many for warm-up (default: `200`). */
  readonly rewardMolecules?: number;
  /** Environment settings (default: the default vocabulary, 2–8 fragments, QED β = 10). */
  readonly environment?: FragmentsOptions;
  /** Policy to train (default: 2×256 MLPs with a uniform P_B, as in the paper). Pass e.g. the fragment MPNN. */
  readonly policy?: (env: FragmentsEnvironment) => Policy;
  /** Name of the policy in the report (default: `mlp 256,256` or `custom`). */
  readonly policyName?: string;
}

/** One measured case, in the fields of the CLI's bench table. */
export interface FragmentsBenchResult {
  readonly case: string;
  readonly batchSize: number;
  readonly iterations: number;
  /** Training iterations per second (sampling + reward + update). */
  readonly iterationsPerSecond: number;
  readonly samplingMsPerIteration: number;
  readonly updateMsPerIteration: number;
  readonly peakTensorBytes: number;
  /** Rewards of new molecules per second (RDKit canonicalisation + QED). */
  readonly rewardEvaluationsPerSecond: number;
  /** Rewards served from the cache per second (molecules seen before). */
  readonly cachedRewardEvaluationsPerSecond: number;
}

/**
 * Measures TB training on the fragment environment and the reward's throughput, on whatever tfjs
 * backend is active.
 *
 * @example
 * const r = await benchFragments({ iterations: 50 });
 * console.log(r.iterationsPerSecond, r.rewardEvaluationsPerSecond);
 */
export async function benchFragments(options: FragmentsBenchOptions = {}): Promise<FragmentsBenchResult> {
  const iterations = options.iterations ?? 30;
  const warmup = options.warmup ?? 5;
  const batchSize = options.batchSize ?? 16;
  const count = options.rewardMolecules ?? 200;

  // Rewards: distinct molecules from random trajectories. The first half warms RDKit up (its WebAssembly
  // is compiled lazily, so first calls are slower); the second half, not yet cached, is timed.
  const rewardEnv = fragmentsEnvironment(options.environment);
  await rewardEnv.rdkit();
  const pool = sampleTerminals(rewardEnv, null, 8 * count, new Random(99));
  const seen = new Set<string>();
  const idx: number[] = [];
  for (let i = 0; i < pool.n && idx.length < 2 * count; i++) {
    const s = rewardEnv.smiles(pool, i);
    if (!seen.has(s)) {
      seen.add(s);
      idx.push(i);
    }
  }
  const half = Math.floor(idx.length / 2);
  await rewardEnv.logReward(rewardEnv.select(pool, idx.slice(0, half)));
  const molecules = rewardEnv.select(pool, idx.slice(half));
  const cachedBefore = rewardEnv.cachedRewards;
  let t0 = performance.now();
  await rewardEnv.logReward(molecules);
  const fresh = (rewardEnv.cachedRewards - cachedBefore) / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await rewardEnv.logReward(molecules);
  const cached = molecules.n / Math.max(1e-9, (performance.now() - t0) / 1000);

  const env = fragmentsEnvironment(options.environment);
  const policy = options.policy
    ? options.policy(env)
    : mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, backward: 'uniform', seed: 0 });
  try {
    const common = { env, policy, objective: trajectoryBalanceObjective(), sampler: onPolicySampler(), batchSize, seed: 0 };
    if (warmup > 0) await train({ ...common, iterations: warmup, evalEvery: warmup });
    let peak = 0;
    const r = await train({
      ...common,
      iterations,
      evalEvery: iterations,
      onIteration: () => {
        peak = Math.max(peak, tf.memory().numBytes);
      },
    });
    const t = r.throughput;
    return {
      case: `fragments TB (${options.policyName ?? (options.policy ? 'custom' : 'mlp 256,256')})`,
      batchSize,
      iterations,
      iterationsPerSecond: t.iterationsPerSecond,
      samplingMsPerIteration: (1000 * t.samplingSeconds) / iterations,
      updateMsPerIteration: (1000 * t.updateSeconds) / iterations,
      peakTensorBytes: peak,
      rewardEvaluationsPerSecond: fresh,
      cachedRewardEvaluationsPerSecond: cached,
    };
  } finally {
    policy.dispose();
  }
}
