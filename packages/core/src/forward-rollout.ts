import type { BehaviourTransform } from './behaviour.js';
import type { Environment } from './environment.js';
import { checkLogRewards } from './environment.js';
import { maskedLogSoftmaxRows } from './log-softmax.js';
import type { Policy } from './policy.js';
import type { Random } from './random.js';
import type { TrajectoryBatch } from './trajectories.js';
import { packTrajectories } from './trajectories.js';

/** Options of {@link sampleForward}. */
export interface ForwardRolloutOptions {
  /** Exploration applied on top of P_F; omitted means on-policy. */
  readonly behaviour?: BehaviourTransform;
  /** Training iteration, passed to the behaviour (schedules). */
  readonly iteration?: number;
  /** Record log R of every visited state that can stop (modified DB needs it). */
  readonly recordStateLogRewards?: boolean;
}

interface StepRecord {
  readonly traj: Int32Array;
  readonly features: Float32Array;
  readonly forwardMasks: Uint8Array;
  readonly actions: Int32Array;
  readonly backwardMasks: Uint8Array;
  readonly backwardActions: Int32Array;
  readonly logProbs: Float64Array;
  readonly stateLogRewards?: Float64Array;
}

/**
 * Rolls out `n` complete trajectories from s0 with the policy (or an exploratory behaviour on top of
 * it): one batched policy call per step on the still-running trajectories, sampling and masking on
 * host arrays with the seeded generator.
 */
export async function sampleForward<S>(
  env: Environment<S>,
  policy: Policy,
  n: number,
  random: Random,
  options: ForwardRolloutOptions = {},
): Promise<TrajectoryBatch<S>> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sampleForward: n must be a positive integer, got ${n}`);
  const A = env.numActions;
  const K = env.numBackwardActions;
  const F = env.featureSize;
  const stop = A - 1;
  const steps: StepRecord[] = [];
  const stepStates: S[] = [];
  const terminalParts: S[] = [];
  const terminalTraj: number[] = [];
  const lengths = new Int32Array(n);

  let states = env.initialStates(n);
  let traj: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
  let backwardActions: Int32Array = new Int32Array(n).fill(-1);
  let t = 0;
  while (traj.length > 0) {
    if (t >= env.maxTrajectoryLength) {
      throw new Error(`${env.name}: a trajectory ran past maxTrajectoryLength (${env.maxTrajectoryLength}) without stopping`);
    }
    const m = traj.length;
    const features = env.features(states);
    const forwardMasks = env.forwardMask(states);
    const backwardMasks = t === 0 ? new Uint8Array(m * K) : env.backwardMask(states);
    const usesPolicy = options.behaviour?.usesPolicy !== false;
    const logits = usesPolicy ? policy.forwardLogits(features, m) : new Float32Array(m * A);
    const logProbs = maskedLogSoftmaxRows(logits, forwardMasks, m, A);
    const probs = new Float64Array(m * A);
    if (options.behaviour) options.behaviour.apply(logProbs, forwardMasks, m, A, options.iteration ?? 0, probs);
    else for (let k = 0; k < m * A; k++) probs[k] = Math.exp(logProbs[k] as number);

    const actions = new Int32Array(m);
    const chosenLogProbs = new Float64Array(m);
    const continuing: number[] = [];
    const stopping: number[] = [];
    for (let i = 0; i < m; i++) {
      const a = random.categorical(probs, i * A, A);
      if (!forwardMasks[i * A + a]) throw new Error(`${env.name}: behaviour sampled masked action ${a}`);
      actions[i] = a;
      chosenLogProbs[i] = Math.log(probs[i * A + a] as number);
      (a === stop ? stopping : continuing).push(i);
    }

    let stateLogRewards: Float64Array | undefined;
    if (options.recordStateLogRewards) {
      stateLogRewards = new Float64Array(m).fill(Number.NaN);
      const canStop: number[] = [];
      for (let i = 0; i < m; i++) if (forwardMasks[i * A + stop]) canStop.push(i);
      if (canStop.length > 0) {
        const lr = await env.logReward(env.select(states, canStop));
        canStop.forEach((i, k) => {
          stateLogRewards![i] = lr[k] as number;
        });
      }
    }
    stepStates.push(states);
    steps.push({
      traj,
      features,
      forwardMasks,
      actions,
      backwardMasks,
      backwardActions,
      logProbs: chosenLogProbs,
      ...(stateLogRewards ? { stateLogRewards } : {}),
    });
    for (const i of stopping) lengths[traj[i] as number] = t + 1;
    if (stopping.length > 0) {
      terminalParts.push(env.select(states, stopping));
      for (const i of stopping) terminalTraj.push(traj[i] as number);
    }
    if (continuing.length === 0) break;
    const parents = env.select(states, continuing);
    const moves = Int32Array.from(continuing, (i) => actions[i] as number);
    backwardActions = env.inverseForward(parents, moves);
    states = env.step(parents, moves);
    traj = Int32Array.from(continuing, (i) => traj[i] as number);
    t++;
  }

  // Place every step's rows at offsets[b] + t, so each trajectory's rows are contiguous and in order.
  const offsets = new Int32Array(n + 1);
  for (let b = 0; b < n; b++) offsets[b + 1] = (offsets[b] as number) + (lengths[b] as number);
  const N = offsets[n] as number;
  const out = {
    features: new Float32Array(N * F),
    forwardMasks: new Uint8Array(N * A),
    forwardActions: new Int32Array(N),
    backwardMasks: new Uint8Array(N * K),
    backwardActions: new Int32Array(N),
    behaviourLogProbs: new Float64Array(N),
    stateLogRewards: options.recordStateLogRewards ? new Float64Array(N) : undefined,
  };
  // Position of each row's state in the concatenation of the steps' state batches.
  const positionOfRow = new Int32Array(N);
  let position = 0;
  steps.forEach((s, step) => {
    for (let i = 0; i < s.traj.length; i++) {
      const r = (offsets[s.traj[i] as number] as number) + step;
      positionOfRow[r] = position++;
      out.features.set(s.features.subarray(i * F, (i + 1) * F), r * F);
      out.forwardMasks.set(s.forwardMasks.subarray(i * A, (i + 1) * A), r * A);
      out.forwardActions[r] = s.actions[i] as number;
      out.backwardMasks.set(s.backwardMasks.subarray(i * K, (i + 1) * K), r * K);
      out.backwardActions[r] = s.backwardActions[i] as number;
      out.behaviourLogProbs[r] = s.logProbs[i] as number;
      if (out.stateLogRewards && s.stateLogRewards) out.stateLogRewards[r] = s.stateLogRewards[i] as number;
    }
  });

  const order = new Int32Array(n);
  terminalTraj.forEach((b, k) => {
    order[b] = k;
  });
  const terminals = env.select(env.concat(terminalParts), order);
  const visited = env.select(env.concat(stepStates), positionOfRow);
  const logRewards = await env.logReward(terminals);
  checkLogRewards(logRewards, n, (i) => `${env.name} state ${env.stateKey(terminals, i)}`);

  const rows = Array.from({ length: n }, (_, b) => {
    const lo = offsets[b] as number;
    const hi = offsets[b + 1] as number;
    return {
      features: out.features.subarray(lo * F, hi * F),
      forwardMasks: out.forwardMasks.subarray(lo * A, hi * A),
      forwardActions: out.forwardActions.subarray(lo, hi),
      backwardMasks: out.backwardMasks.subarray(lo * K, hi * K),
      backwardActions: out.backwardActions.subarray(lo, hi),
      behaviourLogProbs: out.behaviourLogProbs.subarray(lo, hi),
      ...(out.stateLogRewards ? { stateLogRewards: out.stateLogRewards.subarray(lo, hi) } : {}),
    };
  });
  return packTrajectories(
    { featureSize: F, numActions: A, numBackwardActions: K },
    rows,
    logRewards,
    terminals,
    options.behaviour === undefined || options.behaviour.isOnPolicy?.(options.iteration ?? 0) === true,
    visited,
  );
}
