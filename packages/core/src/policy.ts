import type * as tf from '@tensorflow/tfjs-core';

/** Brand carried by every {@link Policy}. */
export const PolicyTypeId: '~@gflownet/core/Policy' = '~@gflownet/core/Policy';

/** Names of the parameter groups a policy exposes; each gets its own optimiser and learning rate. */
export type ParameterGroup = 'forward' | 'backward' | 'flow';

/** How the backward policy P_B is obtained. */
export type BackwardPolicyKind = 'learned' | 'uniform';

/** Differentiable outputs of a policy on `n` states. The caller disposes them (or runs inside `tidy`). */
export interface PolicyOutputs {
  /** `[n, numActions]` unmasked forward logits. */
  readonly forwardLogits: tf.Tensor2D;
  /** `[n, numBackwardActions]` unmasked backward logits; present when asked and the policy learns P_B. */
  readonly backwardLogits?: tf.Tensor2D;
  /** `[n]` log state flow log F(s); present when asked and the policy has a flow head. */
  readonly logFlow?: tf.Tensor1D;
}

/** Which heads to compute in {@link Policy.apply}. */
export interface PolicyHeads {
  readonly backward?: boolean;
  readonly flow?: boolean;
}

/**
 * A parameterised forward policy P_F, optionally a learned backward policy P_B and a state flow F.
 * Any tfjs model that maps features to logits can implement this.
 */
export interface Policy {
  readonly [PolicyTypeId]: typeof PolicyTypeId;
  readonly featureSize: number;
  readonly numActions: number;
  readonly numBackwardActions: number;
  /** `learned`: {@link PolicyOutputs.backwardLogits} is available; `uniform`: P_B is uniform over valid parents. */
  readonly backward: BackwardPolicyKind;
  /** Whether {@link PolicyOutputs.logFlow} is available. */
  readonly hasFlow: boolean;
  /** Differentiable outputs for `features` (`[n, featureSize]`). Call under a gradient tape to train. */
  apply(features: tf.Tensor2D, heads?: PolicyHeads): PolicyOutputs;
  /** Forward logits for sampling, on host arrays (`[n, featureSize]` in, `[n, numActions]` out); no tape. */
  forwardLogits(features: Float32Array, n: number): Float32Array;
  /** Trainable variables by group; a group a policy lacks is empty. */
  parameters(): Record<ParameterGroup, tf.Variable[]>;
  /** Releases the policy's variables. */
  dispose(): void;
}

/** True when `x` carries the {@link Policy} brand. */
export function isPolicy(x: unknown): x is Policy {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[PolicyTypeId] === PolicyTypeId;
}
