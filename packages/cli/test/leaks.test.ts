import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildObjective, OBJECTIVE_BUILDERS } from '../src/objectives.js';
import { parseOptions } from '../src/options.js';
import { buildSampler, SAMPLER_BUILDERS } from '../src/samplers.js';
import { TRAIN_OPTIONS } from '../src/training-options.js';

/** Extra options each sampler needs to actually explore or replay. */
const SAMPLER_ARGS: Record<string, string[]> = {
  'on-policy': [],
  'off-policy': ['--epsilon', '0.2', '--exit-bias', '1'],
  replay: ['--replay-capacity', '64', '--replay-ratio', '0.5', '--prefill', '8', '--epsilon', '0.1'],
};

const ITERATIONS = 2000;

/** Trains for 2,000 iterations and checks that the tensor count is flat from the first evaluation on. */
async function countsOver(objectiveName: string, samplerName: string): Promise<{ counts: number[]; leftover: number }> {
  const before = tf.memory().numTensors;
  const env = hypergrid({ ndim: 2, height: 3 });
  const options = parseOptions('train', ['--objective', objectiveName, '--sampler', samplerName, '--iterations', String(ITERATIONS), ...(SAMPLER_ARGS[samplerName] ?? [])], TRAIN_OPTIONS);
  const objective = buildObjective(options, env as never);
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [4], flow: objective.requires.flow === true, seed: 1 });
  const counts: number[] = [];
  await train({ env, policy, objective, sampler: buildSampler(options), iterations: ITERATIONS, batchSize: 2, seed: 1, evalEvery: 250, onEvaluation: () => counts.push(tf.memory().numTensors) });
  policy.dispose();
  return { counts, leftover: tf.memory().numTensors - before };
}

describe('no tensor leaks over 2,000 iterations', () => {
  for (const objective of Object.keys(OBJECTIVE_BUILDERS)) {
    it(`objective ${objective} (on-policy)`, async () => {
      const { counts, leftover } = await countsOver(objective, 'on-policy');
      expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
      expect(leftover).toBe(0);
    }, 300_000);
  }
  for (const sampler of Object.keys(SAMPLER_BUILDERS).filter((s) => s !== 'on-policy')) {
    for (const objective of ['tb', 'rkl']) {
      it(`sampler ${sampler} (${objective})`, async () => {
        const { counts, leftover } = await countsOver(objective, sampler);
        expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
        expect(leftover).toBe(0);
      }, 300_000);
    }
  }
});
