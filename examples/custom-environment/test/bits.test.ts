import { describeEnvironment } from '@gflownet/testing';
import { runExperiment } from '@gflownet/experiment';
import { describe, expect, it } from 'vitest';
import { bitSequences } from '../src/bits.js';
import { experiment } from '../src/experiment.js';

describeEnvironment('bits (L = 3)', () => bitSequences(3));

describe('the custom environment through the library', () => {
  it('trains with runExperiment from its entry alone and matches the exact target', async () => {
    const { results } = await runExperiment(
      { env: { module: new URL('../src/experiment.ts', import.meta.url).pathname, length: 3 }, budget: { iterations: 400, batchSize: 16 }, policy: { hidden: [32] }, backend: 'cpu' },
      { warn: () => {} },
    );
    expect(results.config).toMatchObject({ env: 'bits', length: 3, base: 0.5 });
    // log Z = log Σ_x (0.5 + ones(x)) over the 8 strings of 3 bits = log 16.
    expect(results.metrics.trueLogZ).toBeCloseTo(Math.log(16), 10);
    expect(results.metrics.jsd).toBeLessThan(0.02);
    expect(experiment.name).toBe('bits');
  });
});
