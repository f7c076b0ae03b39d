import { packTrajectories } from '@gflownet/core';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';
import type { MlpShape } from '../src/flops.js';
import { batchRows, iterationFlops, mlpForwardFlops, mlpShape } from '../src/flops.js';

// Two trajectories over one-hot states of width 2: s0 → a → stop and s0 → b → stop.
function twoTrajectories() {
  const row = (f: number[], action: number, back: number) => ({
    features: Float32Array.from(f),
    forwardMasks: Uint8Array.from([1, 1, 1]),
    forwardActions: Int32Array.from([action]),
    backwardMasks: Uint8Array.from([1, 0]),
    backwardActions: Int32Array.from([back]),
    behaviourLogProbs: Float64Array.from([0]),
  });
  const join = (rows: ReturnType<typeof row>[]) => ({
    features: Float32Array.from(rows.flatMap((r) => [...r.features])),
    forwardMasks: Uint8Array.from(rows.flatMap((r) => [...r.forwardMasks])),
    forwardActions: Int32Array.from(rows.flatMap((r) => [...r.forwardActions])),
    backwardMasks: Uint8Array.from(rows.flatMap((r) => [...r.backwardMasks])),
    backwardActions: Int32Array.from(rows.flatMap((r) => [...r.backwardActions])),
    behaviourLogProbs: Float64Array.from(rows.flatMap((r) => [...r.behaviourLogProbs])),
  });
  const s0 = row([0, 0], 0, -1);
  return packTrajectories({ featureSize: 2, numActions: 3, numBackwardActions: 2 }, [join([s0, row([1, 0], 2, 0)]), join([s0, row([0, 1], 2, 0)])], [0, 0], [null, null], true);
}

describe('FLOP counts', () => {
  it('count 2·in·out per dense layer and row', () => {
    expect(mlpForwardFlops([32, 256, 256, 5])).toBe(2 * (32 * 256 + 256 * 256 + 256 * 5));
  });

  it('count the rows each network runs on: per-step distinct states in sampling, distinct rows in the loss', () => {
    // Step 0: s0 twice (one distinct state); step 1: two states. The loss sees s0 once and both step-1 states.
    expect(batchRows(twoTrajectories())).toEqual({ sampled: 3, loss: 3 });
  });

  it('count the loss as 3× a forward pass per network, and Adam per parameter', () => {
    const policy = mlpPolicy({ featureSize: 2, numActions: 3, numBackwardActions: 2, hidden: [4] });
    const pf = mlpForwardFlops([2, 4, 3]);
    const pb = mlpForwardFlops([2, 4, 2]);
    const params = 3 * 4 + 5 * 3 + 1 + (3 * 4 + 5 * 2);
    const shape = mlpShape(policy, { flow: false });
    expect(iterationFlops(shape as MlpShape, { sampled: 3, loss: 5 })).toEqual({ sampling: 3 * pf, loss: 5 * (3 * pf + 3 * pb), optimiser: 12 * params });
    const withFlow = mlpShape(mlpPolicy({ featureSize: 2, numActions: 3, numBackwardActions: 2, hidden: [4], flow: true }), { flow: true });
    expect(iterationFlops(withFlow as MlpShape, { sampled: 3, loss: 5 }).loss).toBe(5 * (3 * pf + 3 * pb + 3 * mlpForwardFlops([2, 4, 1])));
    expect(mlpShape({ ...policy, hidden: undefined } as never, { flow: false })).toBeNull();
    policy.dispose();
  });
});
