import * as tf from '@tensorflow/tfjs-core';
import type { Environment } from './environment.js';
import { checkLogRewards } from './environment.js';
import { maskedLogSoftmaxRows } from './log-softmax.js';
import type { BackwardPolicyKind, Policy } from './policy.js';
import type { Random } from './random.js';
import type { TrajectoryBatch } from './trajectories.js';
import { packTrajectories } from './trajectories.js';

/** Options of {@link sampleBackward}. */
export interface BackwardRolloutOptions {
  /**
   * Which P_B samples the parents: `learned` runs the policy's backward head, `uniform` picks a valid
   * backward action uniformly (default: the policy's own {@link Policy.backward}, or `uniform` without a policy).
   */
  readonly pb?: BackwardPolicyKind;
  /** Record log R of every visited state that can stop (modified DB needs it). */
  readonly recordStateLogRewards?: boolean;
}

/** Trajectories sampled backward from given terminal states, laid out as forward trajectories. */
export interface BackwardRollout<S> {
  /**
   * One trajectory per given state, rows in forward order s0 → … → x with the forward action taken at
   * each row (stop on the last). `behaviour.logProbs` is NaN (the forward behaviour density of a
   * backward-sampled trajectory is unknown) and `behaviour.onPolicy` is false.
   */
  readonly batch: TrajectoryBatch<S>;
  /** `[n]` log P_B(τ | x) of each trajectory under the P_B that sampled it. */
  readonly logPB: Float64Array;
}

interface BackStep {
  readonly traj: Int32Array;
  readonly features: Float32Array;
  readonly forwardMasks: Uint8Array;
  readonly forwardActions: Int32Array;
  readonly backwardMasks: Uint8Array;
  readonly backwardActions: Int32Array;
  readonly stateLogRewards?: Float64Array;
}

function backwardLogits(policy: Policy, features: Float32Array, m: number): Float32Array {
  return tf.tidy(() => {
    const out = policy.apply(tf.tensor2d(features, [m, policy.featureSize]), { backward: true });
    if (!out.backwardLogits) throw new Error('sampleBackward: policy.apply returned no backward logits although P_B is "learned"');
    return Float32Array.from(out.backwardLogits.dataSync());
  });
}

/**
 * Samples one trajectory per state of `terminals` by walking backward with P_B until s0, and returns
 * them as forward trajectories: each row holds a visited state's features and masks, the forward
 * action that leads to the next state (from `env.inverseBackward`; stop at x) and the backward action
 * that leads back to the previous one (−1 at s0). Used to re-create trajectories for stored terminal
 * states (terminal-state replay) and to train on given samples.
 *
 * @example
 * const { batch, logPB } = await sampleBackward(env, policy, terminals, random);
 */
export async function sampleBackward<S>(
  env: Environment<S>,
  policy: Policy | undefined,
  terminals: S,
  random: Random,
  options: BackwardRolloutOptions = {},
): Promise<BackwardRollout<S>> {
  const n = env.batchSize(terminals);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sampleBackward: need at least one terminal state, got ${n}`);
  const pb = options.pb ?? policy?.backward ?? 'uniform';
  if (pb === 'learned') {
    if (!policy) throw new Error('sampleBackward: a learned P_B needs a policy');
    if (policy.backward !== 'learned') throw new Error('sampleBackward: pb "learned" needs a policy with a learned backward head');
  } else if (pb !== 'uniform') throw new RangeError(`sampleBackward: pb must be "learned" or "uniform", got ${String(pb)}`);
  if (policy && (policy.featureSize !== env.featureSize || policy.numBackwardActions !== env.numBackwardActions)) {
    throw new RangeError(
      `sampleBackward: policy (features ${policy.featureSize}, backward actions ${policy.numBackwardActions}) does not fit ${env.name} (features ${env.featureSize}, backward actions ${env.numBackwardActions})`,
    );
  }
  const A = env.numActions;
  const K = env.numBackwardActions;
  const F = env.featureSize;
  const stop = A - 1;
  const logPB = new Float64Array(n);
  const lengths = new Int32Array(n);
  const steps: BackStep[] = [];
  const stepStates: S[] = [];

  let states = terminals;
  let traj: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
  let forwardActions: Int32Array = new Int32Array(n).fill(stop);
  for (let k = 0; traj.length > 0; k++) {
    if (k >= env.maxTrajectoryLength) {
      throw new Error(`${env.name}: a backward trajectory ran past maxTrajectoryLength (${env.maxTrajectoryLength}) without reaching s0`);
    }
    const m = traj.length;
    const features = env.features(states);
    const forwardMasks = env.forwardMask(states);
    const initial = env.isInitial(states);
    const backwardMasks = env.backwardMask(states);
    for (let i = 0; i < m; i++) {
      if (!forwardMasks[i * A + (forwardActions[i] as number)]) {
        const what = k === 0 ? 'cannot stop, so it is not a terminating state' : `does not allow forward action ${forwardActions[i]} returned by inverseBackward`;
        throw new Error(`${env.name}: state ${env.stateKey(states, i)} ${what}`);
      }
      if (initial[i]) backwardMasks.fill(0, i * K, (i + 1) * K);
    }
    const moving: number[] = [];
    for (let i = 0; i < m; i++) if (!initial[i]) moving.push(i);
    const backwardActions = new Int32Array(m).fill(-1);
    if (moving.length > 0) {
      const mm = moving.length;
      const movingMasks = new Uint8Array(mm * K);
      moving.forEach((i, j) => movingMasks.set(backwardMasks.subarray(i * K, (i + 1) * K), j * K));
      let logits: Float32Array;
      if (pb === 'learned') {
        const movingFeatures = new Float32Array(mm * F);
        moving.forEach((i, j) => movingFeatures.set(features.subarray(i * F, (i + 1) * F), j * F));
        logits = backwardLogits(policy as Policy, movingFeatures, mm);
      } else logits = new Float32Array(mm * K);
      const logProbs = maskedLogSoftmaxRows(logits, movingMasks, mm, K);
      const probs = logProbs.map(Math.exp);
      moving.forEach((i, j) => {
        if (!movingMasks.subarray(j * K, (j + 1) * K).some((v) => v === 1)) {
          throw new Error(`${env.name}: state ${env.stateKey(states, i)} is not s0 but has no valid backward action`);
        }
        const a = random.categorical(probs, j * K, K);
        backwardActions[i] = a;
        const b = traj[i] as number;
        logPB[b] = (logPB[b] as number) + (logProbs[j * K + a] as number);
      });
    }
    let stateLogRewards: Float64Array | undefined;
    if (options.recordStateLogRewards) {
      stateLogRewards = new Float64Array(m).fill(Number.NaN);
      const canStop: number[] = [];
      for (let i = 0; i < m; i++) if (forwardMasks[i * A + stop]) canStop.push(i);
      if (canStop.length > 0) {
        const lr = await env.logReward(env.select(states, canStop));
        canStop.forEach((i, j) => {
          (stateLogRewards as Float64Array)[i] = lr[j] as number;
        });
      }
    }
    stepStates.push(states);
    steps.push({ traj, features, forwardMasks, forwardActions, backwardMasks, backwardActions, ...(stateLogRewards ? { stateLogRewards } : {}) });
    for (let i = 0; i < m; i++) if (initial[i]) lengths[traj[i] as number] = k + 1;
    if (moving.length === 0) break;
    const children = env.select(states, moving);
    const moves = Int32Array.from(moving, (i) => backwardActions[i] as number);
    forwardActions = env.inverseBackward(children, moves);
    states = env.backwardStep(children, moves);
    traj = Int32Array.from(moving, (i) => traj[i] as number);
  }

  // Step k back from x lands at row offsets[b] + length_b − 1 − k, so rows run s0 → x.
  const offsets = new Int32Array(n + 1);
  for (let b = 0; b < n; b++) offsets[b + 1] = (offsets[b] as number) + (lengths[b] as number);
  const N = offsets[n] as number;
  const out = {
    features: new Float32Array(N * F),
    forwardMasks: new Uint8Array(N * A),
    forwardActions: new Int32Array(N),
    backwardMasks: new Uint8Array(N * K),
    backwardActions: new Int32Array(N),
    stateLogRewards: options.recordStateLogRewards ? new Float64Array(N) : undefined,
  };
  const rowOf = (b: number, k: number): number => (offsets[b] as number) + (lengths[b] as number) - 1 - k;
  // Position of each row's state in the concatenation of the steps' state batches.
  const positionOfRow = new Int32Array(N);
  let position = 0;
  steps.forEach((s, k) => {
    for (let i = 0; i < s.traj.length; i++) {
      const r = rowOf(s.traj[i] as number, k);
      positionOfRow[r] = position++;
      out.features.set(s.features.subarray(i * F, (i + 1) * F), r * F);
      out.forwardMasks.set(s.forwardMasks.subarray(i * A, (i + 1) * A), r * A);
      out.forwardActions[r] = s.forwardActions[i] as number;
      out.backwardMasks.set(s.backwardMasks.subarray(i * K, (i + 1) * K), r * K);
      out.backwardActions[r] = s.backwardActions[i] as number;
      if (out.stateLogRewards && s.stateLogRewards) out.stateLogRewards[r] = s.stateLogRewards[i] as number;
    }
  });
  const logRewards = await env.logReward(terminals);
  checkLogRewards(logRewards, n, (i) => `${env.name} state ${env.stateKey(terminals, i)}`);
  const behaviour = new Float64Array(N).fill(Number.NaN);
  const rows = Array.from({ length: n }, (_, b) => {
    const lo = offsets[b] as number;
    const hi = offsets[b + 1] as number;
    return {
      features: out.features.subarray(lo * F, hi * F),
      forwardMasks: out.forwardMasks.subarray(lo * A, hi * A),
      forwardActions: out.forwardActions.subarray(lo, hi),
      backwardMasks: out.backwardMasks.subarray(lo * K, hi * K),
      backwardActions: out.backwardActions.subarray(lo, hi),
      behaviourLogProbs: behaviour.subarray(lo, hi),
      ...(out.stateLogRewards ? { stateLogRewards: out.stateLogRewards.subarray(lo, hi) } : {}),
    };
  });
  const visited = env.select(env.concat(stepStates), positionOfRow);
  const batch = packTrajectories({ featureSize: F, numActions: A, numBackwardActions: K }, rows, logRewards, terminals, false, visited);
  return { batch, logPB };
}
