/** Brand carried by every {@link Environment}; checked by {@link isEnvironment} instead of `instanceof`. */
export const EnvironmentTypeId: '~@gflownet/core/Environment' = '~@gflownet/core/Environment';

/**
 * A GFlowNet environment over batches of states held in plain TypeScript (no tensors).
 *
 * `S` is the environment's own batch type (for most environments a struct of typed arrays with
 * the batch on the first axis). Forward actions are `0 .. numActions - 1`; the last one,
 * `numActions - 1`, is **stop**: taking it ends the trajectory at the current state, which is then
 * a terminating state `x`. `step` is never called with the stop action. Backward actions are
 * `0 .. numBackwardActions - 1` and each leads to one parent.
 */
export interface Environment<S = unknown> {
  readonly [EnvironmentTypeId]: typeof EnvironmentTypeId;
  /** A short name, e.g. `"hypergrid"`. */
  readonly name: string;
  /** Number of forward actions including stop (the last). */
  readonly numActions: number;
  /** Number of backward actions. */
  readonly numBackwardActions: number;
  /** Width of one state's feature vector (policy input). */
  readonly featureSize: number;
  /** Longest possible trajectory in transitions, stop included (used to size buffers and to stop runaways). */
  readonly maxTrajectoryLength: number;

  /** A batch of `n` copies of the initial state s0. */
  initialStates(n: number): S;
  /** Number of states in a batch. */
  batchSize(states: S): number;
  /** The states at `indices`, as a new batch. */
  select(states: S, indices: ArrayLike<number>): S;
  /** One batch holding the given batches in order. */
  concat(batches: readonly S[]): S;

  /** `[n, numActions]` row-major, 1 where the forward action is allowed. Never all zero. */
  forwardMask(states: S): Uint8Array;
  /** `[n, numBackwardActions]` row-major, 1 where the backward action is allowed; all zero at s0. */
  backwardMask(states: S): Uint8Array;
  /** Applies non-stop forward actions; returns a new batch (inputs are not modified). */
  step(states: S, actions: Int32Array): S;
  /** Applies backward actions; returns a new batch of parents. */
  backwardStep(states: S, actions: Int32Array): S;
  /** For forward actions taken at `states`, the backward actions that undo them (valid in the children). */
  inverseForward(states: S, actions: Int32Array): Int32Array;
  /** For backward actions taken at `states`, the forward actions that undo them (valid in the parents). */
  inverseBackward(states: S, actions: Int32Array): Int32Array;
  /** 1 where the state is s0. */
  isInitial(states: S): Uint8Array;

  /** log R(x) of terminating states (finite; validated by the caller with {@link checkLogRewards}). */
  logReward(states: S): Float64Array | Promise<Float64Array>;
  /** `[n, featureSize]` row-major policy inputs. */
  features(states: S): Float32Array;
  /** A stable string identity of state `i` (equal states, equal keys). */
  stateKey(states: S, i: number): string;

  /** Optional capability: every state of a finite state space (exact evaluation needs it). */
  enumerate?(): S;
  /** Optional capability: the exact log Z = log Σ_x R(x). */
  trueLogZ?(): number;
}

/** True when `x` carries the {@link Environment} brand. */
export function isEnvironment(x: unknown): x is Environment {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[EnvironmentTypeId] === EnvironmentTypeId;
}

/** Index of the stop action of an environment (always the last forward action). */
export function stopAction(env: Pick<Environment, 'numActions'>): number {
  return env.numActions - 1;
}

/** Error thrown when an environment is missing an optional capability that an algorithm needs. */
export class MissingCapabilityError extends Error {
  override name = 'MissingCapabilityError';
  constructor(env: { name: string }, capability: string, neededBy: string) {
    super(`environment "${env.name}" cannot ${capability}, which ${neededBy} needs`);
  }
}

/** All keys of a batch, in order. */
export function stateKeys<S>(env: Environment<S>, states: S): string[] {
  const n = env.batchSize(states);
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = env.stateKey(states, i);
  return keys;
}

/**
 * Validates user-supplied log-rewards: the right length, and finite (a reward of 0 or a negative,
 * NaN or infinite reward has no finite log). `describe(i)` names the offending state in the message.
 */
export function checkLogRewards(
  logRewards: ArrayLike<number>,
  expected: number,
  describe: (i: number) => string,
): void {
  if (logRewards.length !== expected) {
    throw new RangeError(`reward function returned ${logRewards.length} values for ${expected} states`);
  }
  for (let i = 0; i < expected; i++) {
    const v = logRewards[i] as number;
    if (Number.isNaN(v)) throw new RangeError(`reward is NaN for ${describe(i)}`);
    if (v === Number.NEGATIVE_INFINITY) throw new RangeError(`reward is 0 (log R = -Infinity) for ${describe(i)}; rewards must be positive`);
    if (!Number.isFinite(v)) throw new RangeError(`reward is infinite for ${describe(i)}`);
  }
}

/**
 * Converts rewards to log-rewards, rejecting NaN, zero, negative and infinite values with a message
 * naming the state.
 */
export function logOfRewards(rewards: ArrayLike<number>, expected: number, describe: (i: number) => string): Float64Array {
  if (rewards.length !== expected) {
    throw new RangeError(`reward function returned ${rewards.length} values for ${expected} states`);
  }
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) {
    const r = rewards[i] as number;
    if (Number.isNaN(r)) throw new RangeError(`reward is NaN for ${describe(i)}`);
    if (r < 0) throw new RangeError(`reward is negative (${r}) for ${describe(i)}; rewards must be positive`);
    if (r === 0) throw new RangeError(`reward is 0 for ${describe(i)}; rewards must be positive`);
    if (!Number.isFinite(r)) throw new RangeError(`reward is infinite for ${describe(i)}`);
    out[i] = Math.log(r);
  }
  return out;
}
