// Every field of a checkpoint's training state is checked before a run uses it: a file whose checksum
// matches can still have been edited (or written by a buggy tool), and a log Z that is a string or a
// random state that is not four 32-bit words must be refused by name, not fail later or silently.
import type { RandomState } from '@gflownet/core';
import type { AdamState, OptimisedGroup } from './optimizers.js';
import type { HistoryRecord } from './history.js';
import type { SgdState } from './sgd.js';
import type { SavedTensor, TrainingState } from './checkpoint-types.js';

/** A bad field: its path in the checkpoint (`state.random.a`) and what was wrong. */
export class FieldError extends Error {
  override name = 'FieldError';
}

type Check<T> = (x: unknown, path: string) => T;

function shown(x: unknown): string {
  const s = x === undefined ? 'nothing' : Array.isArray(x) ? 'an array' : typeof x === 'object' && x !== null ? 'an object' : JSON.stringify(x);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function fail(path: string, want: string, x: unknown): never {
  throw new FieldError(`${path} must be ${want}, got ${shown(x)}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const uint =
  (max = Number.MAX_SAFE_INTEGER): Check<number> =>
  (x, p) =>
    Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max ? (x as number) : fail(p, `an integer in [0, ${max}]`, x);
const finite: Check<number> = (x, p) => (typeof x === 'number' && Number.isFinite(x) ? x : fail(p, 'a finite number', x));
const nonNegative: Check<number> = (x, p) => (typeof x === 'number' && x >= 0 && Number.isFinite(x) ? x : fail(p, 'a finite number ≥ 0', x));
/** A metric that may be NaN, which JSON stores as null. */
const metric: Check<number> = (x, p) => (x === null ? Number.NaN : typeof x === 'number' ? x : fail(p, 'a number or null', x));
const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (x, p) =>
    x === null ? null : check(x, p);
/** An absent field (older checkpoints) takes `fallback`; a present one must pass `check`. */
const optional =
  <T>(check: Check<T>, fallback: T): Check<T> =>
  (x, p) =>
    x === undefined ? fallback : check(x, p);
const arrayOf =
  <T>(check: Check<T>): Check<T[]> =>
  (x, p) =>
    Array.isArray(x) ? x.map((v, i) => check(v, `${p}[${i}]`)) : fail(p, 'an array', x);
const object = (x: unknown, p: string): Record<string, unknown> => (isObject(x) ? x : fail(p, 'an object', x));

/** float32 values from base64, all finite (and ≥ 0 when `nonNegativeValues`). */
function floats(x: unknown, p: string, nonNegativeValues = false): Float32Array {
  if (typeof x !== 'string') fail(p, 'a base64 string of float32 values', x);
  let bin: string;
  try {
    bin = atob(x);
  } catch {
    throw new FieldError(`${p} is not valid base64`);
  }
  if (bin.length % 4 !== 0) throw new FieldError(`${p} has ${bin.length} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const values = new Float32Array(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v) || (nonNegativeValues && v < 0)) throw new FieldError(`${p} holds ${v} at index ${i}; expected ${nonNegativeValues ? 'finite values ≥ 0' : 'finite values'}`);
  }
  return values;
}

function tensor(x: unknown, p: string): SavedTensor {
  const o = object(x, p);
  const shape = arrayOf(uint())(o.shape, `${p}.shape`);
  const data = floats(o.data, `${p}.data`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new FieldError(`${p} has ${data.length} values for shape [${shape}]`);
  return { shape, data };
}

function adam(x: unknown, p: string): AdamState {
  const o = object(x, p);
  const moments = arrayOf((m, mp) => {
    const e = object(m, mp);
    const first = floats(e.m, `${mp}.m`);
    const second = floats(e.v, `${mp}.v`, true);
    if (first.length !== second.length) throw new FieldError(`${mp} has ${first.length} first and ${second.length} second moments`);
    return { m: first, v: second };
  })(o.moments, `${p}.moments`);
  return { step: uint()(o.step, `${p}.step`), moments };
}

function sgd(x: unknown, p: string): SgdState | undefined {
  if (x === undefined || x === null) return undefined;
  const o = object(x, p);
  if (o.kind !== 'sgd') fail(`${p}.kind`, '"sgd"', o.kind);
  return { kind: 'sgd', step: uint()(o.step, `${p}.step`), buffers: arrayOf((b, bp) => floats(b, bp))(o.buffers, `${p}.buffers`) };
}

function random(x: unknown, p: string): RandomState {
  const o = object(x, p);
  const word = uint(0xffffffff);
  return { a: word(o.a, `${p}.a`), b: word(o.b, `${p}.b`), c: word(o.c, `${p}.c`), d: word(o.d, `${p}.d`) };
}

function historyRecord(x: unknown, p: string): HistoryRecord {
  const o = object(x, p);
  const exact: { jsd?: number; l1?: number; tv?: number } = {};
  for (const k of ['jsd', 'l1', 'tv'] as const) if (o[k] !== undefined) exact[k] = metric(o[k], `${p}.${k}`);
  return {
    iteration: uint()(o.iteration, `${p}.iteration`),
    trajectories: uint()(o.trajectories, `${p}.trajectories`),
    loss: metric(o.loss, `${p}.loss`),
    logZ: nullable(finite)(o.logZ, `${p}.logZ`),
    ...exact,
    seconds: nonNegative(o.seconds, `${p}.seconds`),
  };
}

const GROUPS = ['forward', 'backward', 'flow'] as const;

/**
 * The training state of a checkpoint's payload, every field checked (`path` names the payload's state,
 * `state`). Fields that earlier versions did not write take their old defaults when absent; a
 * present field of the wrong type or range is a {@link FieldError} naming it.
 */
export function decodeTrainingState(raw: unknown, path = 'state'): TrainingState {
  const s = object(raw, path);
  const iteration = uint()(s.iteration, `${path}.iteration`);
  const params = object(s.parameters, `${path}.parameters`);
  const parameters = Object.fromEntries(GROUPS.map((g) => [g, optional(arrayOf(tensor), [])(params[g], `${path}.parameters.${g}`)])) as unknown as TrainingState['parameters'];
  const opt = object(s.optimisers, `${path}.optimisers`);
  const emptyAdam: AdamState = { step: 0, moments: [] };
  const optimisers = Object.fromEntries(
    ([...GROUPS, 'logZ'] as const).map((g) => [g, optional(adam, emptyAdam)(opt[g], `${path}.optimisers.${g}`)]),
  ) as unknown as Record<OptimisedGroup, AdamState>;
  const logZSgd = sgd(s.logZSgd, `${path}.logZSgd`);
  const history = optional(arrayOf(historyRecord), [])(s.history, `${path}.history`);
  history.forEach((h, i) => {
    const before = history[i - 1];
    if (h.iteration > iteration) throw new FieldError(`${path}.history[${i}].iteration is ${h.iteration}, after the checkpoint's iteration ${iteration}`);
    if (before && h.iteration <= before.iteration) throw new FieldError(`${path}.history[${i}].iteration is ${h.iteration}, not after the previous record's ${before.iteration}`);
  });
  const lossCount = optional(uint(), 0)(s.lossCount, `${path}.lossCount`);
  if (lossCount > iteration) throw new FieldError(`${path}.lossCount is ${lossCount}, more than the ${iteration} iterations done`);
  const secondsRaw = optional(object, { sampling: 0, update: 0, evaluation: 0 })(s.seconds, `${path}.seconds`);
  return {
    iteration,
    parameters,
    logZ: optional(nullable(finite), null)(s.logZ, `${path}.logZ`),
    optimisers,
    ...(logZSgd ? { logZSgd } : {}),
    random: random(s.random, `${path}.random`),
    // The sampler checks its own state when it is restored (see train's resume).
    sampler: s.sampler ?? null,
    history,
    lossSum: optional(finite, 0)(s.lossSum, `${path}.lossSum`),
    lossCount,
    seconds: {
      sampling: nonNegative(secondsRaw.sampling, `${path}.seconds.sampling`),
      update: nonNegative(secondsRaw.update, `${path}.seconds.update`),
      evaluation: nonNegative(secondsRaw.evaluation, `${path}.seconds.evaluation`),
    },
  };
}
