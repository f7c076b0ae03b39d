import { hypergridExperiment } from '@gflownet/env-hypergrid/experiment';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OBJECTIVE_NAMES, runExperiment } from '../src/index.js';

// Every objective on batches of 1 to 3 trajectories, on grids whose trajectories run from 1 transition
// (H = 2, D = 1: stop at once or step then stop) to the longest the grid allows.
describe('every objective trains on batch sizes 1…3 and every trajectory length', () => {
  it('gives a finite loss for each objective, batch size and grid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OBJECTIVE_NAMES), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 99 }), async (objective, batchSize, ndim, height, seed) => {
        const { results } = await runExperiment(
          { env: { name: 'hypergrid', ndim, height }, objective: { name: objective }, budget: { iterations: 3, batchSize }, policy: { hidden: [4] }, seed, backend: 'cpu' },
          { warn: () => {} },
        );
        expect(Number.isFinite(results.metrics.finalLoss), `${objective} batch ${batchSize} ${ndim}-D H=${height}`).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(hypergridExperiment.name).toBe('hypergrid');
  }, 300_000);

  it('trains SubTB on a batch of one trajectory (a one-piece split once crashed its gradient)', async () => {
    const { results } = await runExperiment({ env: { name: 'hypergrid', height: 3 }, objective: { name: 'subtb' }, budget: { iterations: 5, batchSize: 1 }, policy: { hidden: [4] }, backend: 'cpu' }, { warn: () => {} });
    expect(Number.isFinite(results.metrics.finalLoss)).toBe(true);
  });
});
