import type { Policy, TrajectoryBatch } from '@gflownet/core';
import { uniqueRows } from '@gflownet/core';

/**
 * Floating-point operations of one training iteration, counted from the layer sizes and the rows
 * the networks actually ran on. Only dense layers (2·in·out per row for a forward pass; as much again
 * for each of the input and weight gradients) and the optimiser's update are counted; softmaxes,
 * masks, gathers and the loss's own arithmetic are left out, so the counts are a lower bound.
 */
export interface IterationFlops {
  /** P_F forward passes of the rollout: one per distinct state of each step (`forwardLogits` deduplicates per step). */
  readonly sampling: number;
  /** Forward and backward passes of the loss on the distinct (state, masks) rows. */
  readonly loss: number;
  /** Adam: about 12 operations per parameter. */
  readonly optimiser: number;
}

/** The MLP sizes a FLOP count needs; null for policies that are not a plain MLP (e.g. the graph network). */
export interface MlpShape {
  readonly featureSize: number;
  readonly hidden: readonly number[];
  readonly numActions: number;
  readonly numBackwardActions: number;
  readonly learnedBackward: boolean;
  /** Whether the objective evaluates the state-flow network (DB, SubTB; not TB). */
  readonly flow: boolean;
}

/** Adam's element-wise work per parameter: two moment updates, the bias-corrected step and the write. */
const ADAM_FLOPS_PER_PARAMETER = 12;

/** The shape of an `mlpPolicy` (it carries `hidden`) as an objective uses it; null for any other policy. */
export function mlpShape(policy: Policy, use: { readonly flow: boolean }): MlpShape | null {
  const hidden = (policy as { hidden?: readonly number[] }).hidden;
  if (!Array.isArray(hidden)) return null;
  return {
    featureSize: policy.featureSize,
    hidden,
    numActions: policy.numActions,
    numBackwardActions: policy.numBackwardActions,
    learnedBackward: policy.backward === 'learned',
    flow: use.flow && policy.hasFlow,
  };
}

/** Forward FLOPs per row of an MLP with these layer widths (input first). */
export function mlpForwardFlops(widths: readonly number[]): number {
  let flops = 0;
  for (let l = 0; l + 1 < widths.length; l++) flops += 2 * (widths[l] as number) * (widths[l + 1] as number);
  return flops;
}

function parameterCount(widths: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < widths.length; l++) n += ((widths[l] as number) + 1) * (widths[l + 1] as number);
  return n;
}

/** Rows each network runs on for one batch: per-step distinct states in sampling, distinct (state, masks) rows in the loss. */
export interface BatchRows {
  readonly sampled: number;
  readonly loss: number;
}

/** Counts {@link BatchRows} for a batch of an on-policy rollout. */
export function batchRows(batch: TrajectoryBatch): BatchRows {
  const F = batch.featureSize;
  const byStep = new Map<number, number[]>();
  for (let r = 0; r < batch.numRows; r++) {
    const t = batch.stepOfRow[r] as number;
    const rows = byStep.get(t);
    if (rows) rows.push(r);
    else byStep.set(t, [r]);
  }
  let sampled = 0;
  for (const rows of byStep.values()) {
    const features = new Float32Array(rows.length * F);
    rows.forEach((r, i) => {
      features.set(batch.features.subarray(r * F, r * F + F), i * F);
    });
    sampled += uniqueRows(features, rows.length, F).numUnique;
  }
  const loss = uniqueRows(batch.features, batch.numRows, F, { data: batch.forwardMasks, width: batch.numActions }, { data: batch.backwardMasks, width: batch.numBackwardActions }).numUnique;
  return { sampled, loss };
}

/** FLOPs of one TB iteration of an MLP policy whose networks ran on `rows`. */
export function iterationFlops(shape: MlpShape, rows: BatchRows): IterationFlops {
  const forwardWidths = [shape.featureSize, ...shape.hidden, shape.numActions];
  const backwardWidths = [shape.featureSize, ...shape.hidden, shape.numBackwardActions];
  const flowWidths = [shape.featureSize, ...shape.hidden, 1];
  const pf = mlpForwardFlops(forwardWidths);
  // Forward + input gradient + weight gradient = 3× a forward pass.
  let lossPerRow = 3 * pf;
  let parameters = parameterCount(forwardWidths) + 1; // + log Z
  if (shape.learnedBackward) {
    lossPerRow += 3 * mlpForwardFlops(backwardWidths);
    parameters += parameterCount(backwardWidths);
  }
  if (shape.flow) {
    lossPerRow += 3 * mlpForwardFlops(flowWidths);
    parameters += parameterCount(flowWidths);
  }
  return { sampling: rows.sampled * pf, loss: rows.loss * lossPerRow, optimiser: ADAM_FLOPS_PER_PARAMETER * parameters };
}
