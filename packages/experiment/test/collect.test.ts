import { hypergrid } from '@gflownet/env-hypergrid';
import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import type { ReplayBuffer } from '@gflownet/sampler-replay';
import { train } from '@gflownet/trainer';
import { describe, expect, it } from 'vitest';
import { buildObjective, buildSampler, resolveRunConfig } from '../src/index.js';

describe('--collect', () => {
  it('puts exactly N fresh trajectories per update into the buffer (default: the batch size)', async () => {
    for (const [collect, expected] of [[1, 1], [undefined, 8]] as const) {
      const config = resolveRunConfig(
        { env: { name: 'hypergrid', height: 4 }, sampler: { kind: 'replay', replayRatio: 1, prefill: 5, replayCapacity: 10_000, ...(collect ? { collect } : {}) }, budget: { iterations: 6, batchSize: 8 } },
        hypergridExperiment as never,
      );
      expect(config.sampler).toMatchObject({ collect: expected });
      const env = hypergrid({ ndim: 2, height: 4 });
      const sampler = buildSampler(config);
      const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [4] });
      await train({ env, policy, objective: buildObjective(config), sampler, iterations: 6, batchSize: 8, evalEvery: 6 });
      policy.dispose();
      // 5 prefilled uniform trajectories, then `collect` per iteration.
      expect((sampler as unknown as { buffer: ReplayBuffer }).buffer.size).toBe(5 + 6 * expected);
    }
  });
});
