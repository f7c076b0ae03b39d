import type { BatchShape, TrajectoryRows } from '@gflownet/core';
import type { Item, ReplayEviction, ReplaySampling, ReplayStore } from './items.js';
import type { JsonFloat } from './codec.js';
import { decodeFloats, decodeInts, encodeFloats, encodeInts } from './codec.js';

/** Value of {@link ReplayBufferState.format}. */
export const REPLAY_STATE_FORMAT = 'gflownet-replay-buffer';

/**
 * One saved item. `path` (forward actions from s0, stop excluded) and `terminalKey` re-create the
 * terminal state; the row arrays are present for trajectory buffers only, `stateLogRewards` only when
 * recorded. Typed arrays are saved as plain arrays; NaN as `null`.
 */
export interface StoredItemState {
  readonly terminalKey: string;
  readonly logReward: number;
  readonly seq: number;
  readonly path: number[];
  readonly features?: number[];
  readonly forwardMasks?: number[];
  readonly forwardActions?: number[];
  readonly backwardMasks?: number[];
  readonly backwardActions?: number[];
  readonly behaviourLogProbs?: JsonFloat[];
  readonly stateLogRewards?: JsonFloat[];
}

/**
 * The JSON-serialisable contents of a replay buffer: its options (checked on restore), the batch
 * shape, the FIFO position and insertion counter, and every item. Terminal states (the environment's
 * own type) are not saved; they are re-created by replaying each item's `path` from s0. The buffer's
 * `unit` is not saved either: it changes what is drawn, not what is stored.
 */
export interface ReplayBufferState {
  readonly format: typeof REPLAY_STATE_FORMAT;
  readonly version: 1;
  readonly options: {
    readonly capacity: number;
    readonly store: ReplayStore;
    readonly eviction: ReplayEviction;
    readonly sampling: ReplaySampling;
    readonly priorityTemperature: number;
    readonly unique: boolean;
  };
  readonly shape: BatchShape | null;
  readonly head: number;
  readonly seq: number;
  readonly items: StoredItemState[];
}

/** Saves one item. */
export function encodeItem(it: Item): StoredItemState {
  const base = { terminalKey: it.terminalKey, logReward: it.logReward, seq: it.seq, path: encodeInts(it.path) };
  const r = it.rows;
  if (!r) return base;
  return {
    ...base,
    features: Array.from(r.features),
    forwardMasks: encodeInts(r.forwardMasks),
    forwardActions: encodeInts(r.forwardActions),
    backwardMasks: encodeInts(r.backwardMasks),
    backwardActions: encodeInts(r.backwardActions),
    behaviourLogProbs: encodeFloats(r.behaviourLogProbs),
    ...(r.stateLogRewards ? { stateLogRewards: encodeFloats(r.stateLogRewards) } : {}),
  };
}

/** Restores one item, checking every array's length against the shape. */
export function decodeItem(x: StoredItemState, shape: BatchShape | null, store: ReplayStore, index: number): Item {
  const where = `items[${index}]`;
  if (typeof x !== 'object' || x === null) throw new TypeError(`replay state: ${where} must be an object`);
  if (typeof x.terminalKey !== 'string') throw new TypeError(`replay state: ${where}.terminalKey must be a string`);
  if (!Number.isFinite(x.logReward)) throw new TypeError(`replay state: ${where}.logReward must be a finite number`);
  if (!shape) throw new TypeError('replay state: items without a shape');
  const { featureSize: F, numActions: A, numBackwardActions: K } = shape;
  const path = decodeInts(x.path, Int32Array, `${where}.path`, 0, A - 2);
  if (x.seq !== undefined && !(Number.isInteger(x.seq) && x.seq >= 0)) throw new TypeError(`replay state: ${where}.seq must be an integer ≥ 0, got ${JSON.stringify(x.seq)}`);
  const item: Item = { terminalKey: x.terminalKey, logReward: x.logReward, seq: x.seq ?? index, path };
  if (store === 'terminals') return item;
  const L = path.length + 1;
  const rows: TrajectoryRows = {
    features: decodeFloats(x.features, Float32Array, `${where}.features`),
    forwardMasks: decodeInts(x.forwardMasks, Uint8Array, `${where}.forwardMasks`, 0, 1),
    forwardActions: decodeInts(x.forwardActions, Int32Array, `${where}.forwardActions`, 0, A - 1),
    backwardMasks: decodeInts(x.backwardMasks, Uint8Array, `${where}.backwardMasks`, 0, 1),
    backwardActions: decodeInts(x.backwardActions, Int32Array, `${where}.backwardActions`, -1, K - 1),
    behaviourLogProbs: decodeFloats(x.behaviourLogProbs, Float64Array, `${where}.behaviourLogProbs`),
    ...(x.stateLogRewards !== undefined ? { stateLogRewards: decodeFloats(x.stateLogRewards, Float64Array, `${where}.stateLogRewards`) } : {}),
  };
  const expect: [string, number, number][] = [
    ['features', rows.features.length, L * F],
    ['forwardMasks', rows.forwardMasks.length, L * A],
    ['forwardActions', rows.forwardActions.length, L],
    ['backwardMasks', rows.backwardMasks.length, L * K],
    ['backwardActions', rows.backwardActions.length, L],
    ['behaviourLogProbs', rows.behaviourLogProbs.length, L],
    ...(rows.stateLogRewards ? [['stateLogRewards', rows.stateLogRewards.length, L] as [string, number, number]] : []),
  ];
  for (const [name, got, want] of expect) {
    if (got !== want) throw new RangeError(`replay state: ${where}.${name} has ${got} entries, expected ${want} for a trajectory of ${L} rows`);
  }
  return { ...item, rows };
}

/**
 * The buffer-level fields of a saved state, checked: the batch shape (null only for an empty buffer),
 * the FIFO head and the insertion counter. Absent `head` and `seq` (earlier states) take their defaults;
 * present ones of the wrong type or range are errors naming the field.
 */
export function decodePosition(state: Pick<ReplayBufferState, 'shape' | 'head' | 'seq'>, capacity: number, items: number): { shape: BatchShape | null; head: number; seq: number } {
  const s = state.shape as unknown;
  let shape: BatchShape | null = null;
  if (s !== null && s !== undefined) {
    if (typeof s !== 'object') throw new TypeError(`replay state: shape must be an object, got ${JSON.stringify(s)}`);
    for (const k of ['featureSize', 'numActions', 'numBackwardActions'] as const) {
      const v = (s as Record<string, unknown>)[k];
      if (!(Number.isInteger(v) && (v as number) >= 1)) throw new TypeError(`replay state: shape.${k} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    shape = s as BatchShape;
  } else if (items > 0) {
    throw new TypeError('replay state: shape is missing, but the state holds items');
  }
  const head = state.head as unknown;
  if (head !== undefined && !(Number.isInteger(head) && (head as number) >= 0 && (head as number) < capacity)) {
    throw new RangeError(`replay state: head must be an integer in [0, ${capacity - 1}], got ${JSON.stringify(head)}`);
  }
  const seq = state.seq as unknown;
  if (seq !== undefined && !(Number.isInteger(seq) && (seq as number) >= items)) {
    throw new RangeError(`replay state: seq must be an integer ≥ the ${items} items, got ${JSON.stringify(seq)}`);
  }
  return { shape, head: (head as number | undefined) ?? 0, seq: (seq as number | undefined) ?? items };
}
