import type { Environment } from '@gflownet/core';
import { EnvironmentTypeId, logSumExp } from '@gflownet/core';

/** A batch of {@link subsetEnvironment} states: each a subset of the items, as a bit mask. */
export interface SubsetStates {
  readonly masks: Int32Array;
}

/** Options of {@link subsetEnvironment}. */
export interface SubsetEnvironmentOptions {
  /** Number of items (default `3`, i.e. 8 states and 16 complete trajectories). At most 10. */
  readonly items?: number;
  /** `[2^items]` rewards R(s) by bit mask, all positive (default `1 + mask`: 1, 2, …, 2^items). */
  readonly rewards?: ArrayLike<number>;
  /** Whether the empty set s0 may stop (default `true`: every state is terminating, as modified DB needs). */
  readonly stopAtInitial?: boolean;
}

/**
 * A tiny enumerable DAG with known rewards, for conformance tests: states are the subsets of
 * `items` items, built from the empty set by adding one item at a time (forward action i adds item i,
 * the last action stops); backward action i removes item i. A state with k items has k parents and
 * k! trajectories from s0, so P_B matters and flow matching has several parents to sum over.
 * Features are the items' indicator bits.
 *
 * @example
 * const env = subsetEnvironment({ items: 3 }); // 8 states, R(s) = 1 + mask
 */
export function subsetEnvironment(options: SubsetEnvironmentOptions = {}): Environment<SubsetStates> {
  const items = options.items ?? 3;
  if (!(Number.isInteger(items) && items >= 1 && items <= 10)) throw new RangeError(`subsetEnvironment: items must be an integer in [1, 10], got ${items}`);
  const numStates = 1 << items;
  const rewards = options.rewards ?? Array.from({ length: numStates }, (_, m) => 1 + m);
  if (rewards.length !== numStates) throw new RangeError(`subsetEnvironment: rewards must have ${numStates} entries (one per subset), got ${rewards.length}`);
  for (let m = 0; m < numStates; m++) {
    const r = rewards[m] as number;
    if (!(r > 0 && Number.isFinite(r))) throw new RangeError(`subsetEnvironment: rewards[${m}] must be a positive finite number, got ${r}`);
  }
  const stopAtInitial = options.stopAtInitial ?? true;
  const A = items + 1;
  const canStop = (m: number): boolean => stopAtInitial || m !== 0;
  const batch = (masks: Int32Array): SubsetStates => ({ masks });
  const map = (states: SubsetStates, f: (m: number, i: number) => number): Int32Array => Int32Array.from(states.masks, f);
  const checkActions = (states: SubsetStates, actions: Int32Array, what: string, valid: (m: number, a: number) => boolean): void => {
    if (actions.length !== states.masks.length) throw new RangeError(`subset ${what}: ${actions.length} actions for ${states.masks.length} states`);
    states.masks.forEach((m, i) => {
      if (!valid(m, actions[i] as number)) throw new RangeError(`subset ${what}: action ${actions[i]} is not allowed at state ${m.toString(2)}`);
    });
  };
  const has = (m: number, a: number): boolean => Number.isInteger(a) && a >= 0 && a < items && (m & (1 << a)) !== 0;
  return {
    [EnvironmentTypeId]: EnvironmentTypeId,
    name: `subsets(${items})`,
    numActions: A,
    numBackwardActions: items,
    featureSize: items,
    maxTrajectoryLength: items + 1,
    initialStates: (n) => batch(new Int32Array(n)),
    batchSize: (states) => states.masks.length,
    select: (states, indices) =>
      batch(
        Int32Array.from(indices, (i) => {
          if (!(i >= 0 && i < states.masks.length)) throw new RangeError(`subset select: index ${i} out of range [0, ${states.masks.length})`);
          return states.masks[i] as number;
        }),
      ),
    concat: (batches) => {
      const out = new Int32Array(batches.reduce((n, b) => n + b.masks.length, 0));
      let o = 0;
      for (const b of batches) {
        out.set(b.masks, o);
        o += b.masks.length;
      }
      return batch(out);
    },
    forwardMask(states) {
      const out = new Uint8Array(states.masks.length * A);
      states.masks.forEach((m, i) => {
        for (let a = 0; a < items; a++) out[i * A + a] = (m & (1 << a)) === 0 ? 1 : 0;
        out[i * A + items] = canStop(m) ? 1 : 0;
      });
      return out;
    },
    backwardMask(states) {
      const out = new Uint8Array(states.masks.length * items);
      states.masks.forEach((m, i) => {
        for (let a = 0; a < items; a++) out[i * items + a] = (m & (1 << a)) !== 0 ? 1 : 0;
      });
      return out;
    },
    step(states, actions) {
      checkActions(states, actions, 'step', (m, a) => Number.isInteger(a) && a >= 0 && a < items && !has(m, a));
      return batch(map(states, (m, i) => m | (1 << (actions[i] as number))));
    },
    backwardStep(states, actions) {
      checkActions(states, actions, 'backwardStep', has);
      return batch(map(states, (m, i) => m & ~(1 << (actions[i] as number))));
    },
    // Adding item i is undone by removing it, and the other way round.
    inverseForward: (_states, actions) => Int32Array.from(actions),
    inverseBackward: (_states, actions) => Int32Array.from(actions),
    isInitial: (states) => Uint8Array.from(states.masks, (m) => (m === 0 ? 1 : 0)),
    logReward: (states) => Float64Array.from(states.masks, (m) => Math.log(rewards[m] as number)),
    features(states) {
      const out = new Float32Array(states.masks.length * items);
      states.masks.forEach((m, i) => {
        for (let a = 0; a < items; a++) out[i * items + a] = (m >> a) & 1;
      });
      return out;
    },
    stateKey: (states, i) => `{${Array.from({ length: items }, (_, a) => a).filter((a) => ((states.masks[i] as number) >> a) & 1).join(',')}}`,
    enumerate: () => batch(Int32Array.from({ length: numStates }, (_, m) => m)),
    trueLogZ: () => logSumExp(Array.from({ length: numStates }, (_, m) => m).filter(canStop).map((m) => Math.log(rewards[m] as number))),
  };
}
