// The payload both checkpoint versions hold, { config, state } with tensors as base64, and its decoding.
import type { SavedTensor, TrainingState } from './checkpoint-types.js';
import { CheckpointError } from './checkpoint-types.js';
import { decodeTrainingState, FieldError } from './checkpoint-schema.js';

/** Value of a checkpoint's `format` field (both versions). */
export const CHECKPOINT_FORMAT = 'gflownet-ts/checkpoint';

/** float32 values as base64 (little-endian bytes). */
export function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The payload of a checkpoint, `{ config, state }`, with tensors as base64 (the same in both versions). */
export function checkpointPayload(state: TrainingState, config: Record<string, unknown>): { config: Record<string, unknown>; state: Record<string, unknown> } {
  const tensors = (ts: readonly SavedTensor[]) => ts.map((t) => ({ shape: t.shape, data: toBase64(t.data) }));
  const optimisers = Object.fromEntries(
    Object.entries(state.optimisers).map(([g, o]) => [g, { step: o.step, moments: o.moments.map((m) => ({ m: toBase64(m.m), v: toBase64(m.v) })) }]),
  );
  return {
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
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The state and config of a payload (see {@link checkpointPayload}), every field checked. */
export function decodePayload(payload: unknown, source: string): { state: TrainingState; config: Record<string, unknown> } {
  if (!isObject(payload)) throw new CheckpointError(`${source}: the payload must be an object`);
  if (!isObject(payload.config)) throw new CheckpointError(`${source}: config must be an object`);
  try {
    return { config: payload.config, state: decodeTrainingState(payload.state) };
  } catch (err) {
    if (err instanceof FieldError) throw new CheckpointError(`${source}: ${err.message}`);
    throw err;
  }
}
