import { hypergrid } from '@gflownet/env-hypergrid';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { train } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../src/index.js';
import { buildObjective, buildSampler, OBJECTIVE_NAMES, resolveRunConfig, SAMPLER_KINDS } from '../src/index.js';

/** Sampler settings that make each sampler actually explore or replay. */
const SAMPLERS: Record<string, RunConfigInput['sampler']> = {
  'on-policy': { kind: 'on-policy' },
  'off-policy': { kind: 'off-policy', epsilon: 0.2, exitBias: 1 },
  replay: { kind: 'replay', replayCapacity: 64, replayRatio: 0.5, prefill: 8, epsilon: 0.1 },
};

const ITERATIONS = 2000;

/** Trains for 2,000 iterations and checks that the tensor count is flat from the first evaluation on. */
async function countsOver(objectiveName: string, samplerName: string): Promise<{ counts: number[]; leftover: number }> {
  const before = tf.memory().numTensors;
  const env = hypergrid({ ndim: 2, height: 3 });
  const config = resolveRunConfig(
    { env: { name: 'hypergrid' }, objective: { name: objectiveName as never }, sampler: SAMPLERS[samplerName] ?? {}, budget: { iterations: ITERATIONS } },
    hypergridExperiment as never,
  );
  const objective = buildObjective(config);
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [4], flow: objective.requires.flow === true, seed: 1 });
  const counts: number[] = [];
  await train({ env, policy, objective, sampler: buildSampler(config), iterations: ITERATIONS, batchSize: 2, seed: 1, evalEvery: 250, onEvaluation: () => counts.push(tf.memory().numTensors) });
  policy.dispose();
  return { counts, leftover: tf.memory().numTensors - before };
}

describe('no tensor leaks over 2,000 iterations', () => {
  for (const objective of OBJECTIVE_NAMES) {
    it(`objective ${objective} (on-policy)`, async () => {
      const { counts, leftover } = await countsOver(objective, 'on-policy');
      expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
      expect(leftover).toBe(0);
    }, 300_000);
  }
  for (const sampler of SAMPLER_KINDS.filter((s) => s !== 'on-policy')) {
    for (const objective of ['tb', 'rkl']) {
      it(`sampler ${sampler} (${objective})`, async () => {
        const { counts, leftover } = await countsOver(objective, sampler);
        expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
        expect(leftover).toBe(0);
      }, 300_000);
    }
  }
});
