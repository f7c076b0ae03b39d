import type { Rows, TrajectoryBatch } from '@gflownet/core';
import { Random } from '@gflownet/core';
import type { Hypergrid } from '@gflownet/env-hypergrid';
import { hypergrid } from '@gflownet/env-hypergrid';
import type { MlpPolicy } from '@gflownet/estimator-mlp';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { sampleBackward } from '@gflownet/sampler-rollout';

/** 8×8 grid: R ∈ {0.1, 0.6, 2.6} (base, outer band, ring). */
export const env: Hypergrid = hypergrid({ ndim: 2, height: 8 });
export const A: number = env.numActions;
export const F: number = env.featureSize;
export const policy: MlpPolicy = mlpPolicy({ featureSize: F, numActions: A, numBackwardActions: env.numBackwardActions, hidden: [32], seed: 4 });

export const grid = (coords: number[][]): Rows<Int32Array> => ({ data: Int32Array.from(coords.flat()), width: 2, n: coords.length });

/** Trajectories ending at the given points (uniform P_B), one per point. */
export async function trajectoriesTo(coords: number[][], seed = 0): Promise<TrajectoryBatch<Rows<Int32Array>>> {
  return (await sampleBackward(env, undefined, grid(coords), new Random(seed))).batch;
}

export const keysOf = (batch: TrajectoryBatch<Rows<Int32Array>>): string[] =>
  Array.from({ length: batch.numTrajectories }, (_, b) => env.stateKey(batch.terminals, b));

/** The coordinates encoded by a row's K-hot features. */
export const coordsOfRow = (batch: TrajectoryBatch, r: number): number[] =>
  [0, 1].map((d) => batch.features.subarray(r * F + d * env.height, r * F + (d + 1) * env.height).indexOf(1));

/** True when every row's behaviour log-probability is −log(#valid actions): a uniform-policy trajectory. */
export function isUniformTrajectory(batch: TrajectoryBatch, b: number): boolean {
  for (let r = batch.offsets[b] as number; r < (batch.offsets[b + 1] as number); r++) {
    let valid = 0;
    for (let a = 0; a < A; a++) valid += batch.forwardMasks[r * A + a] as number;
    if (Math.abs((batch.behaviour.logProbs[r] as number) + Math.log(valid)) > 1e-12) return false;
  }
  return true;
}
