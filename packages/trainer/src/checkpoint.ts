import type { RandomState } from '@gflownet/core';
import type { AdamState, OptimisedGroup } from './optimizers.js';
import type { HistoryRecord } from './history.js';
import type { SgdState } from './sgd.js';

/** A tensor's values with its shape. */
export interface SavedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Everything needed to continue a run exactly: weights, log Z, optimiser moments, the random
 * generator, the sampler's state (e.g. a replay buffer), the iteration, the history and the running
 * loss average. Plain data; {@link serializeCheckpoint} turns it into a file.
 */
export interface TrainingState {
  /** Iterations completed. */
  readonly iteration: number;
  readonly parameters: Readonly<Record<'forward' | 'backward' | 'flow', readonly SavedTensor[]>>;
  readonly logZ: number | null;
  readonly optimisers: Readonly<Record<OptimisedGroup, AdamState>>;
  /**
   * The momentum of log Z's SGD, when the run trains log Z with SGD (`logZOptimizer: 'sgd'`; its
   * `optimisers.logZ` is then an unused, empty Adam state). Absent for Adam and in earlier checkpoints.
   */
  readonly logZSgd?: SgdState;
  readonly random: RandomState;
  readonly sampler: unknown;
  readonly history: readonly HistoryRecord[];
  readonly lossSum: number;
  readonly lossCount: number;
  /** Seconds spent so far, so that throughput stays meaningful across resumes. */
  readonly seconds: { readonly sampling: number; readonly update: number; readonly evaluation: number };
}

/** Raised for a checkpoint that cannot be used; the message says which file and why. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const FORMAT = 'gflownet-ts/checkpoint';
const VERSION = 1;

function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string, where: string): Float32Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new CheckpointError(`${where} is not valid base64`);
  }
  if (bin.length % 4 !== 0) throw new CheckpointError(`${where} has ${bin.length} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** FNV-1a over the payload text: detects truncation and corruption (not tampering). */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Encodes a training state and the run's configuration as checkpoint text (JSON with a checksum). */
export function serializeCheckpoint(state: TrainingState, config: Record<string, unknown>): string {
  const tensors = (ts: readonly SavedTensor[]) => ts.map((t) => ({ shape: t.shape, data: toBase64(t.data) }));
  const optimisers = Object.fromEntries(
    Object.entries(state.optimisers).map(([g, o]) => [g, { step: o.step, moments: o.moments.map((m) => ({ m: toBase64(m.m), v: toBase64(m.v) })) }]),
  );
  const payload = JSON.stringify({
    config,
    state: {
      iteration: state.iteration,
      parameters: { forward: tensors(state.parameters.forward), backward: tensors(state.parameters.backward), flow: tensors(state.parameters.flow) },
      logZ: state.logZ,
      optimisers,
      ...(state.logZSgd ? { logZSgd: { kind: 'sgd', step: state.logZSgd.step, buffers: state.logZSgd.buffers.map(toBase64) } } : {}),
      random: state.random,
      sampler: state.sampler ?? null,
      history: state.history,
      lossSum: state.lossSum,
      lossCount: state.lossCount,
      seconds: state.seconds,
    },
  });
  return JSON.stringify({ format: FORMAT, version: VERSION, checksum: checksum(payload), payload });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function need<T>(cond: unknown, message: string): asserts cond is T {
  if (!cond) throw new CheckpointError(message);
}

/**
 * Decodes checkpoint text. Truncated, corrupt or foreign files raise a {@link CheckpointError} naming
 * `source` and the problem.
 */
export function parseCheckpoint(text: string, source = 'checkpoint'): { state: TrainingState; config: Record<string, unknown> } {
  try {
    return decodeCheckpoint(text, source);
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    // A payload whose checksum matches but whose structure is wrong was written by something else.
    throw new CheckpointError(`${source} is malformed (${(err as Error).message})`);
  }
}

function decodeCheckpoint(text: string, source: string): { state: TrainingState; config: Record<string, unknown> } {
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${source} is not a checkpoint: it is truncated or not JSON`);
  }
  if (!isObject(outer) || outer.format !== FORMAT) throw new CheckpointError(`${source} is not a gflownet-ts checkpoint`);
  need(outer.version === VERSION, `${source} has checkpoint version ${String(outer.version)}; this version reads ${VERSION}`);
  need(typeof outer.payload === 'string' && typeof outer.checksum === 'string', `${source} is missing its payload`);
  need(checksum(outer.payload as string) === outer.checksum, `${source} is corrupt: its checksum does not match`);
  const inner = JSON.parse(outer.payload as string) as { config: Record<string, unknown>; state: Record<string, unknown> };
  const s = inner.state;
  const where = (k: string) => `${source}: ${k}`;
  need(Number.isInteger(s.iteration) && (s.iteration as number) >= 0, where('iteration is invalid'));
  const params = s.parameters as Record<string, { shape: number[]; data: string }[]>;
  need(isObject(params), where('parameters are missing'));
  const decode = (group: string): SavedTensor[] =>
    (params[group] ?? []).map((t, i) => {
      const data = fromBase64(t.data, where(`parameter ${group}[${i}]`));
      const size = t.shape.reduce((a, b) => a * b, 1);
      need(size === data.length, where(`parameter ${group}[${i}] has ${data.length} values for shape [${t.shape}]`));
      return { shape: t.shape, data };
    });
  const opt = s.optimisers as Record<string, { step: number; moments: { m: string; v: string }[] }>;
  need(isObject(opt), where('optimiser states are missing'));
  const optimisers = Object.fromEntries(
    (['forward', 'backward', 'flow', 'logZ'] as const).map((g) => {
      const o = opt[g] ?? { step: 0, moments: [] };
      return [g, { step: o.step, moments: o.moments.map((m, i) => ({ m: fromBase64(m.m, where(`optimiser ${g}[${i}]`)), v: fromBase64(m.v, where(`optimiser ${g}[${i}]`)) })) }];
    }),
  ) as unknown as Record<OptimisedGroup, AdamState>;
  const logZSgd = decodeSgd(s.logZSgd, where('logZSgd'));
  const seconds = (s.seconds ?? { sampling: 0, update: 0, evaluation: 0 }) as TrainingState['seconds'];
  return {
    config: inner.config,
    state: {
      iteration: s.iteration as number,
      parameters: { forward: decode('forward'), backward: decode('backward'), flow: decode('flow') },
      logZ: (s.logZ as number | null) ?? null,
      optimisers,
      ...(logZSgd ? { logZSgd } : {}),
      random: s.random as RandomState,
      sampler: s.sampler ?? null,
      history: (s.history as HistoryRecord[]) ?? [],
      lossSum: (s.lossSum as number) ?? 0,
      lossCount: (s.lossCount as number) ?? 0,
      seconds,
    },
  };
}

/** The saved SGD state of log Z, or undefined when the checkpoint has none (Adam, or an earlier version). */
function decodeSgd(raw: unknown, where: string): SgdState | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = raw as { kind?: unknown; step?: unknown; buffers?: unknown };
  need(isObject(raw) && o.kind === 'sgd' && Number.isInteger(o.step) && Array.isArray(o.buffers), `${where} is malformed`);
  return { kind: 'sgd', step: o.step as number, buffers: (o.buffers as string[]).map((b, i) => fromBase64(b, `${where}[${i}]`)) };
}
