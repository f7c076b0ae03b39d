import { describe, expect, it } from 'vitest';
import type { TrajectoryRows } from '../src/index.js';
import { packTrajectories, trajectoryRowIndices, trajectoryRows } from '../src/index.js';

/** A trajectory of `n` rows (one feature, two actions, one backward action), its rows tagged by `tag`. */
function rows(n: number, tag: number): TrajectoryRows {
  return {
    features: Float32Array.from({ length: n }, (_, i) => tag * 10 + i),
    forwardMasks: new Uint8Array(2 * n).fill(1),
    forwardActions: Int32Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : 0)),
    backwardMasks: Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1)),
    backwardActions: Int32Array.from({ length: n }, (_, i) => (i === 0 ? -1 : 0)),
    behaviourLogProbs: new Float64Array(n),
  };
}
const shape = { featureSize: 1, numActions: 2, numBackwardActions: 1 };

describe('packTrajectories with visited states', () => {
  it('keeps the states it is given, and leaves the field out otherwise', () => {
    // Any environment batch type: here one label per row, in packed order.
    const states = ['a0', 'a1', 'b0', 'c0', 'c1', 'c2'];
    const batch = packTrajectories(shape, [rows(2, 1), rows(1, 2), rows(3, 3)], [0, 0, 0], ['a1', 'b0', 'c2'], true, states);
    expect(batch.states).toBe(states);
    expect(Array.from(batch.offsets)).toEqual([0, 2, 3, 6]);
    expect('states' in packTrajectories(shape, [rows(2, 1)], [0], ['a1'], true)).toBe(false);
  });
});

describe('trajectoryRowIndices', () => {
  const batch = packTrajectories(shape, [rows(2, 1), rows(1, 2), rows(3, 3)], [0, 0, 0], null, true);

  it('lists the rows of the given trajectories, in the order given', () => {
    expect(Array.from(trajectoryRowIndices(batch, [2, 0]))).toEqual([3, 4, 5, 0, 1]);
    expect(Array.from(trajectoryRowIndices(batch, [1]))).toEqual([2]);
    expect(Array.from(trajectoryRowIndices(batch, []))).toEqual([]);
    // The rows are those trajectoryRows views.
    const picked = Array.from(trajectoryRowIndices(batch, [2]), (r) => batch.features[r]);
    expect(picked).toEqual(Array.from(trajectoryRows(batch, 2).features));
  });

  it('rejects a trajectory index outside the batch', () => {
    expect(() => trajectoryRowIndices(batch, [3])).toThrow(/trajectory 3 is not in a batch of 3/);
    expect(() => trajectoryRowIndices(batch, [-1])).toThrow(/trajectory -1/);
  });
});
