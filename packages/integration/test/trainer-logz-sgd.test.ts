import type { Objective } from '@gflownet/core';
import { ObjectiveTypeId } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import type { TrainingState, TrainOptions } from '@gflownet/trainer';
import { parseCheckpoint, serializeCheckpoint, train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const env = hypergrid({ ndim: 2, height: 4 });
const makePolicy = (seed: number) => mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [16], seed });

/** L = (log Z − 3)²: only log Z has a gradient, 2(log Z − 3), so its path is hand-computable. */
const pullLogZToThree: Objective = {
  [ObjectiveTypeId]: ObjectiveTypeId,
  name: 'pull-log-z',
  requires: { logZ: true },
  loss: ({ logZ }) => tf.tidy(() => tf.square(tf.sub(logZ as tf.Scalar, 3)) as tf.Scalar),
};

describe('train with logZOptimizer sgd', () => {
  it("moves log Z by SGD with momentum (lr 0.1, μ 0.8, from 0), the paper's DAG setting", async () => {
    const policy = makePolicy(0);
    const logZs: number[] = [];
    await train({ env, policy, objective: pullLogZToThree, sampler: onPolicySampler(), iterations: 3, batchSize: 2, evalEvery: 1, learningRates: { logZ: 0.1 }, logZOptimizer: 'sgd', onEvaluation: (r) => logZs.push(r.logZ as number) });
    policy.dispose();
    // g = 2(w − 3). b1 = −6, w1 = 0.6; b2 = −4.8 − 4.8 = −9.6, w2 = 1.56; b3 = −7.68 − 2.88 = −10.56, w3 = 2.616.
    [0.6, 1.56, 2.616].forEach((want, i) => expect(logZs[i]).toBeCloseTo(want, 5));
  });

  it('resumes from a serialised checkpoint to bit-identical numbers (TB, replay)', async () => {
    const run = async (iterations: number, resume?: TrainingState) => {
      const policy = makePolicy(3);
      const sampler = replaySampler({ buffer: replayBuffer({ capacity: 64 }), ratio: 0.5, prefill: 8 });
      let saved: TrainingState | undefined;
      const options: TrainOptions<unknown> = {
        env, policy, objective: trajectoryBalanceObjective(), sampler, iterations, batchSize: 8, seed: 3, evalEvery: 6,
        learningRates: { logZ: 0.1 }, logZOptimizer: 'sgd', logZMomentum: 0.8,
        ...(resume ? { resume } : {}),
        onCheckpoint: (state) => {
          saved = parseCheckpoint(serializeCheckpoint(state, {})).state;
        },
      };
      const result = await train(options);
      policy.dispose();
      return { result, saved: saved as TrainingState };
    };
    const whole = await run(24);
    const half = await run(12);
    expect(half.saved.logZSgd?.step).toBe(12);
    const resumed = await run(24, half.saved);
    const strip = (h: { seconds: number }[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(resumed.result.history)).toEqual(strip(whole.result.history));
    expect(resumed.result.logZ).toBe(whole.result.logZ);
    expect(resumed.saved.logZSgd).toEqual(whole.saved.logZSgd);
    expect(Math.abs(whole.result.logZ as number)).toBeGreaterThan(0.1);
  });
});
