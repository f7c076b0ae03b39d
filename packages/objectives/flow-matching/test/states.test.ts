import type { Environment, TrajectoryBatch } from '@gflownet/core';
import { logSumExp, Random } from '@gflownet/core';
import type { SubsetStates } from '@gflownet/testing';
import { subsetEnvironment, tabularPolicy, tabularProblem } from '@gflownet/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flowMatchingObjective } from '../src/index.js';

const env = subsetEnvironment({ items: 3 });
const A = env.numActions;

async function setup() {
  const problem = await tabularProblem(env);
  const random = new Random(11);
  const n = problem.graph.numStates;
  const forward = Float64Array.from({ length: n * A }, () => random.normal());
  const policy = tabularPolicy(problem, { forward, flow: new Float64Array(n), logZ: 0 }, 'uniform', false);
  return { problem, forward, policy, batch: problem.exactBatch() };
}

const lossOf = (objective: ReturnType<typeof flowMatchingObjective>, context: Parameters<ReturnType<typeof flowMatchingObjective>['loss']>[0]): number =>
  tf.tidy(() => objective.loss(context).dataSync()[0] as number);

describe('flowMatchingObjective: states and environment', () => {
  it('matches a float64 host computation over every parent of every visited state (subsets of 3 items)', async () => {
    const { problem, forward, policy, batch } = await setup();
    const g = problem.graph;
    // The states are bit masks in enumeration order, so state m has parents m − {i} by action i.
    let sum = 0;
    let count = 0;
    for (const p of problem.paths) {
      p.states.forEach((m, k) => {
        if (k > 0) {
          const parents = [0, 1, 2].filter((i) => (m >> i) & 1);
          const inflow = logSumExp(parents.map((i) => forward[(m & ~(1 << i)) * A + i] as number));
          const outflow = logSumExp([0, 1, 2, 3].filter((a) => g.forwardMasks[m * A + a]).map((a) => forward[m * A + a] as number));
          sum += (inflow - outflow) ** 2;
          count++;
        }
      });
      const x = p.states[p.states.length - 1] as number;
      sum += ((forward[x * A + 3] as number) - Math.log(1 + x)) ** 2;
      count++;
    }
    expect(lossOf(flowMatchingObjective(), { policy, batch, env })).toBeCloseTo(sum / count, 5);
    policy.dispose();
  });

  it('uses the recorded states instead of replaying the trajectories', async () => {
    const { policy, batch } = await setup();
    // An environment that cannot step forward: replaying would fail, listing parents does not need it.
    const noStep: Environment<SubsetStates> = {
      ...env,
      step: () => {
        throw new Error('step called');
      },
    };
    const expected = lossOf(flowMatchingObjective(), { policy, batch, env });
    expect(lossOf(flowMatchingObjective(), { policy, batch, env: noStep })).toBeCloseTo(expected, 6);
    const { states: _states, ...withoutStates } = batch;
    expect(() => lossOf(flowMatchingObjective(), { policy, batch: withoutStates as TrajectoryBatch, env: noStep })).toThrow(/step called/);
    expect(lossOf(flowMatchingObjective(), { policy, batch: withoutStates as TrajectoryBatch, env })).toBeCloseTo(expected, 6);
    policy.dispose();
  });

  it('takes the environment from the context or the options, and says when it has neither', async () => {
    const { policy, batch } = await setup();
    const expected = lossOf(flowMatchingObjective(), { policy, batch, env });
    expect(lossOf(flowMatchingObjective({ env }), { policy, batch })).toBeCloseTo(expected, 6);
    expect(() => lossOf(flowMatchingObjective(), { policy, batch })).toThrow(/flow matching needs the environment: pass env in the loss context or to flowMatchingObjective\(\{ env \}\)/);
    expect(flowMatchingObjective().requires).toEqual({ env: true });
    expect(flowMatchingObjective({ env }).requires).toEqual({});
    const short = { ...batch, states: env.select(batch.states as SubsetStates, [0, 1]) };
    expect(() => lossOf(flowMatchingObjective(), { policy, batch: short, env })).toThrow(/batch.states holds 2 states for 49 rows/);
    policy.dispose();
  });
});
