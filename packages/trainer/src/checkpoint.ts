import type { TrainingState } from './checkpoint-types.js';
import { CheckpointError } from './checkpoint-types.js';
import { CHECKPOINT_FORMAT, checkpointPayload, decodePayload } from './checkpoint-payload.js';
import type { Digest } from './checkpoint-stream.js';
import { CheckpointReader, STREAMED_HEADER } from './checkpoint-stream.js';

export type { SavedTensor, TrainingState } from './checkpoint-types.js';
export { CheckpointError } from './checkpoint-types.js';
export { CHECKPOINT_FORMAT } from './checkpoint-payload.js';

const VERSION = 1;

/** FNV-1a over the payload text: detects truncation and corruption (not tampering). */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Encodes a training state and the run's configuration as checkpoint text: one JSON string with a
 * checksum (version 1). Large states (replay buffers of many trajectories) should be streamed instead
 * with {@link checkpointLines}: this text must fit in one string.
 */
export function serializeCheckpoint(state: TrainingState, config: Record<string, unknown>): string {
  const payload = JSON.stringify(checkpointPayload(state, config));
  return JSON.stringify({ format: CHECKPOINT_FORMAT, version: VERSION, checksum: checksum(payload), payload });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function need<T>(cond: unknown, message: string): asserts cond is T {
  if (!cond) throw new CheckpointError(message);
}

/**
 * Decodes checkpoint text. Truncated, corrupt or foreign files, and any field of the wrong type or
 * range, raise a {@link CheckpointError} naming `source` and the problem. Text of a streamed checkpoint
 * (version 2, see {@link checkpointLines}) needs `digest`, a fresh SHA-256 (`createHash('sha256')` in Node).
 */
export function parseCheckpoint(text: string, source = 'checkpoint', digest?: Digest): { state: TrainingState; config: Record<string, unknown> } {
  if (text.startsWith(STREAMED_HEADER)) {
    if (!digest) throw new CheckpointError(`${source} is a streamed checkpoint (version 2): read it with readRunCheckpoint, or pass a SHA-256 digest`);
    const reader = new CheckpointReader(source, digest);
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) reader.line(line);
    return reader.end();
  }
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
  if (!isObject(outer) || outer.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${source} is not a gflownet-ts checkpoint`);
  need(outer.version === VERSION, `${source} has checkpoint version ${String(outer.version)}; this version reads ${VERSION} and 2`);
  need(typeof outer.payload === 'string' && typeof outer.checksum === 'string', `${source} is missing its payload`);
  need(checksum(outer.payload as string) === outer.checksum, `${source} is corrupt: its checksum does not match`);
  return decodePayload(JSON.parse(outer.payload as string), source);
}

