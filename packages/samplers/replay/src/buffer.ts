import type { BackwardPolicyKind, BatchShape, Environment, Policy, Random, TrajectoryBatch, TrajectoryRows } from '@gflownet/core';
import { packTrajectories, sampleBackward, trajectoryRowIndices, trajectoryRows } from '@gflownet/core';
import type { Item, ReplayEviction, ReplaySampling, ReplayStore } from './items.js';
import type { ReplayBufferState, StoredItemState } from './state.js';
import { decodeItem, decodePosition, encodeItem, REPLAY_STATE_FORMAT } from './state.js';
import { materialiseItems } from './materialise.js';
import { rewardIndices, uniformIndices } from './draw.js';
import type { ReplayUnit } from './transitions.js';
import { drawTransitions, transitionBatch } from './transitions.js';

/** Options of {@link replayBuffer}. */
export interface ReplayBufferOptions {
  /** Maximum number of stored items (trajectories or terminal states). */
  readonly capacity: number;
  /** Default: `trajectories`. */
  readonly store?: ReplayStore;
  /** Default: `fifo`. */
  readonly eviction?: ReplayEviction;
  /** Default: `uniform`. */
  readonly sampling?: ReplaySampling;
  /** Temperature of the reward-proportional sampling (default: `1`, i.e. P(i) ∝ R_i). */
  readonly priorityTemperature?: number;
  /**
   * Skip items already stored: same terminal state (`terminals`) or same action sequence
   * (`trajectories`). Default: `true` for `terminals` and for `reward` eviction (else copies of the best
   * trajectory would fill the buffer), `false` otherwise.
   */
  readonly unique?: boolean;
  /** P_B used to re-sample trajectories of stored terminal states (default: the policy's own kind). */
  readonly pb?: BackwardPolicyKind;
  /**
   * What one draw returns (default `trajectories`): a stored trajectory, or `transitions`: one
   * non-stop transition s → s′ drawn uniformly among all those of the stored trajectories, as a
   * two-row sub-trajectory [s, s′] (s′ takes the stop action). The DAG paper replays transitions for
   * modified detailed balance; only such objectives (per-transition, per-state log R: `requires.stateLogRewards`)
   * may use it, and the buffer refuses requests that do not record per-state log R. Needs `store:
   * 'trajectories'` and `sampling: 'uniform'`. Capacity still counts trajectories.
   */
  readonly unit?: ReplayUnit;
}

/** Per-call inputs of {@link ReplayBuffer.sample}. */
export interface ReplaySampleRequest<S> {
  readonly env: Environment<S>;
  /** Needed by a `terminals` buffer with a learned P_B. */
  readonly policy?: Policy;
  readonly n: number;
  readonly random: Random;
  readonly recordStateLogRewards?: boolean;
}

/** One stored item, as returned by {@link ReplayBuffer.entries}. */
export interface ReplayEntry {
  readonly terminalKey: string;
  readonly logReward: number;
  /** Insertion counter (0 for the first item ever added). */
  readonly seq: number;
}

/** A replay buffer of trajectories or terminal states; see {@link replayBuffer}. */
export interface ReplayBuffer {
  readonly options: Required<Omit<ReplayBufferOptions, 'pb'>> & Pick<ReplayBufferOptions, 'pb'>;
  readonly size: number;
  /** Non-stop transitions in the stored trajectories (0 for a `terminals` store). */
  readonly transitions: number;
  /** Stores every trajectory of the batch (copies its rows), evicting as configured. */
  add<S>(env: Environment<S>, batch: TrajectoryBatch<S>): void;
  /**
   * Draws `n` items and returns them as a batch marked off-policy. Stored trajectories keep their
   * recorded behaviour log-probabilities (for importance weights only); trajectories of stored
   * terminal states are re-sampled backward with P_B and carry NaN.
   */
  sample<S>(request: ReplaySampleRequest<S>): Promise<TrajectoryBatch<S>>;
  /** Stored items, in storage order. */
  entries(): ReplayEntry[];
  /** JSON-serialisable contents (see {@link ReplayBufferState}). */
  getState(): ReplayBufferState;
  /** Replaces the contents with a {@link getState} result of a buffer with the same options. */
  setState(state: unknown): void;
}

function copyRows(r: TrajectoryRows): TrajectoryRows {
  return {
    features: r.features.slice(),
    forwardMasks: r.forwardMasks.slice(),
    forwardActions: r.forwardActions.slice(),
    backwardMasks: r.backwardMasks.slice(),
    backwardActions: r.backwardActions.slice(),
    behaviourLogProbs: r.behaviourLogProbs.slice(),
    ...(r.stateLogRewards ? { stateLogRewards: r.stateLogRewards.slice() } : {}),
  };
}

function shapeOf(env: Pick<Environment, 'featureSize' | 'numActions' | 'numBackwardActions'>): BatchShape {
  return { featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions };
}

/**
 * A replay buffer. With the defaults it is a uniform FIFO of trajectories; `eviction: 'reward'` keeps
 * the top-K trajectories by log R, `sampling: 'reward'` draws in proportion to softmax(log R / T), and
 * `store: 'terminals'` keeps terminal states only and re-samples a trajectory to each drawn state
 * backward with P_B (learned or uniform) every time it is replayed.
 *
 * Items are stored as copies of their rows (features, masks, actions, behaviour log-probabilities)
 * plus the terminal state and the visited states; {@link ReplayBuffer.getState} saves rows, log R,
 * the terminal's key and the forward actions from s0, and the states themselves are re-created after
 * {@link ReplayBuffer.setState} by replaying those actions in the environment, so any environment works.
 *
 * @example
 * const buffer = replayBuffer({ capacity: 1000, eviction: 'reward', sampling: 'reward' });
 * buffer.add(env, batch);
 * const replayed = await buffer.sample({ env, n: 8, random });
 */
export function replayBuffer(options: ReplayBufferOptions): ReplayBuffer {
  const capacity = options.capacity;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`replayBuffer: capacity must be a positive integer, got ${capacity}`);
  const store = options.store ?? 'trajectories';
  const eviction = options.eviction ?? 'fifo';
  const sampling = options.sampling ?? 'uniform';
  const priorityTemperature = options.priorityTemperature ?? 1;
  if (store !== 'trajectories' && store !== 'terminals') throw new RangeError(`replayBuffer: store must be "trajectories" or "terminals", got ${String(store)}`);
  if (eviction !== 'fifo' && eviction !== 'reward') throw new RangeError(`replayBuffer: eviction must be "fifo" or "reward", got ${String(eviction)}`);
  if (sampling !== 'uniform' && sampling !== 'reward') throw new RangeError(`replayBuffer: sampling must be "uniform" or "reward", got ${String(sampling)}`);
  if (!(priorityTemperature > 0 && Number.isFinite(priorityTemperature))) {
    throw new RangeError(`replayBuffer: priorityTemperature must be a positive number, got ${priorityTemperature}`);
  }
  const unit = options.unit ?? 'trajectories';
  if (unit !== 'trajectories' && unit !== 'transitions') throw new RangeError(`replayBuffer: unit must be "trajectories" or "transitions", got ${String(unit)}`);
  if (unit === 'transitions' && (store !== 'trajectories' || sampling !== 'uniform')) {
    throw new RangeError(`replayBuffer: unit "transitions" needs store "trajectories" and sampling "uniform", got store "${store}" and sampling "${sampling}"`);
  }
  const unique = options.unique ?? (store === 'terminals' || eviction === 'reward');
  const resolved = { capacity, store, eviction, sampling, priorityTemperature, unique, unit, ...(options.pb ? { pb: options.pb } : {}) };

  let items: Item[] = [];
  let keys = new Set<string>();
  let shape: BatchShape | null = null;
  let head = 0; // FIFO: index of the oldest item once full
  let seq = 0;
  let transitions = 0; // non-stop transitions of the stored trajectories

  const keyOf = (it: Pick<Item, 'terminalKey' | 'path'>): string => (store === 'terminals' ? it.terminalKey : `${it.terminalKey}|${it.path.join(',')}`);
  const checkShape = (env: Environment<unknown>, where: string): void => {
    const s = shapeOf(env);
    if (shape && (shape.featureSize !== s.featureSize || shape.numActions !== s.numActions || shape.numBackwardActions !== s.numBackwardActions)) {
      throw new RangeError(
        `replay buffer ${where}: ${env.name} has features ${s.featureSize}, actions ${s.numActions}/${s.numBackwardActions}, but the buffer holds features ${shape.featureSize}, actions ${shape.numActions}/${shape.numBackwardActions}`,
      );
    }
    shape ??= s;
  };

  const insert = (item: Item): void => {
    const key = unique ? keyOf(item) : '';
    if (unique && keys.has(key)) return;
    if (items.length < capacity) items.push(item);
    else if (eviction === 'fifo') {
      if (unique) keys.delete(keyOf(items[head] as Item));
      transitions -= (items[head] as Item).path.length;
      items[head] = item;
      head = (head + 1) % capacity;
    } else {
      let worst = 0;
      for (let i = 1; i < items.length; i++) if ((items[i] as Item).logReward < (items[worst] as Item).logReward) worst = i;
      if (item.logReward <= (items[worst] as Item).logReward) return;
      if (unique) keys.delete(keyOf(items[worst] as Item));
      transitions -= (items[worst] as Item).path.length;
      items[worst] = item;
    }
    transitions += item.path.length;
    if (unique) keys.add(key);
  };

  const buffer: ReplayBuffer = {
    options: resolved,
    get size() {
      return items.length;
    },
    get transitions() {
      return store === 'trajectories' ? transitions : 0;
    },
    add<S>(env: Environment<S>, batch: TrajectoryBatch<S>): void {
      checkShape(env as Environment<unknown>, 'add');
      for (let b = 0; b < batch.numTrajectories; b++) {
        const rows = trajectoryRows(batch as TrajectoryBatch, b);
        const logReward = batch.logRewards[b] as number;
        if (!Number.isFinite(logReward)) throw new RangeError(`replay buffer add: trajectory ${b} has log R ${logReward}`);
        const path = rows.forwardActions.slice(0, rows.forwardActions.length - 1);
        insert({
          terminalKey: env.stateKey(batch.terminals, b),
          logReward,
          seq: seq++,
          path,
          ...(store === 'trajectories' ? { rows: copyRows(rows) } : {}),
          ...(store === 'trajectories' && batch.states !== undefined ? { states: env.select(batch.states, trajectoryRowIndices(batch, [b])) } : {}),
          terminal: env.select(batch.terminals, [b]),
        });
      }
    },
    async sample<S>(request: ReplaySampleRequest<S>): Promise<TrajectoryBatch<S>> {
      const { env, n, random } = request;
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`replay buffer sample: n must be a positive integer, got ${n}`);
      if (items.length === 0) throw new Error('replay buffer sample: the buffer is empty');
      checkShape(env as Environment<unknown>, 'sample');
      const recordStateLogRewards = request.recordStateLogRewards === true;
      if (unit === 'transitions') {
        if (!recordStateLogRewards) {
          throw new Error('replay buffer sample: unit "transitions" replays single transitions, for objectives on per-state log R only (modified DB: requires.stateLogRewards); this request records none');
        }
        const drawnTransitions = drawTransitions(items, n, random);
        const used = [...new Set(drawnTransitions.map((d) => d.item))].map((i) => items[i] as Item);
        await materialiseItems(env, store, used, true);
        return transitionBatch(env, shape as BatchShape, items, drawnTransitions);
      }
      const picks = sampling === 'uniform' ? uniformIndices(items.length, n, random) : rewardIndices(items, n, priorityTemperature, random);
      const drawn = picks.map((i) => items[i] as Item);
      await materialiseItems(env, store, drawn, recordStateLogRewards);
      const terminals = env.concat(drawn.map((it) => it.terminal as S));
      if (store === 'terminals') {
        const { batch } = await sampleBackward(env, request.policy, terminals, random, {
          ...(options.pb ? { pb: options.pb } : {}),
          recordStateLogRewards,
        });
        return batch;
      }
      const states = env.concat(drawn.map((it) => it.states as S));
      return packTrajectories(shape as BatchShape, drawn.map((it) => it.rows as TrajectoryRows), drawn.map((it) => it.logReward), terminals, false, states);
    },
    entries(): ReplayEntry[] {
      return items.map((it) => ({ terminalKey: it.terminalKey, logReward: it.logReward, seq: it.seq }));
    },
    getState(): ReplayBufferState {
      return {
        format: REPLAY_STATE_FORMAT,
        version: 1,
        options: { capacity, store, eviction, sampling, priorityTemperature, unique },
        shape,
        head,
        seq,
        items: items.map((it): StoredItemState => encodeItem(it)),
      };
    },
    setState(raw: unknown): void {
      const state = raw as ReplayBufferState;
      if (typeof state !== 'object' || state === null || state.format !== REPLAY_STATE_FORMAT || state.version !== 1) {
        throw new TypeError(`replay buffer setState: not a replay buffer state (expected format "${REPLAY_STATE_FORMAT}", version 1)`);
      }
      const o = state.options;
      const mine = { capacity, store, eviction, sampling, priorityTemperature, unique } as Record<string, unknown>;
      for (const [k, v] of Object.entries(mine)) {
        if ((o as unknown as Record<string, unknown>)?.[k] !== v) {
          throw new RangeError(`replay buffer setState: saved ${k} is ${JSON.stringify((o as unknown as Record<string, unknown>)?.[k])}, this buffer has ${JSON.stringify(v)}`);
        }
      }
      if (!Array.isArray(state.items) || state.items.length > capacity) throw new RangeError(`replay buffer setState: items must be an array of at most ${capacity} entries`);
      const { shape: s, head: savedHead, seq: savedSeq } = decodePosition(state, capacity, state.items.length);
      const restored = state.items.map((x, i) => decodeItem(x, s, store, i));
      items = restored;
      keys = new Set(unique ? restored.map(keyOf) : []);
      transitions = restored.reduce((sum, it) => sum + it.path.length, 0);
      shape = s;
      head = savedHead;
      seq = savedSeq;
    },
  };
  return buffer;
}
