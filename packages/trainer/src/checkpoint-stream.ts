// Checkpoint version 2: the payload of version 1 as JSON lines (see json-lines.ts), so that a checkpoint
// is written and read a line at a time and its size is not bounded by V8's longest string.
//
//   {"format":"gflownet-ts/checkpoint","version":2}      header
//   …payload lines…                                      { config, state }, tensors as base64
//   {"end":true,"lines":N,"sha256":"…"}                  N lines before it; SHA-256 of all their bytes
//
// A file without its end record is truncated; one whose hash differs is corrupt. The reader checks
// both before it trusts anything, then every field (checkpoint-schema.ts).
import { checkpointPayload, decodePayload } from './checkpoint-payload.js';
import type { TrainingState } from './checkpoint-types.js';
import { CheckpointError } from './checkpoint-types.js';
import { JsonLinesReader, jsonLines } from './json-lines.js';

/** An incremental SHA-256 (Node's `createHash('sha256')`, or any object with the same two methods). */
export interface Digest {
  update(text: string): unknown;
  digest(encoding: 'hex'): string;
}

/** The first line of a version-2 checkpoint, newline included. */
export const STREAMED_HEADER = '{"format":"gflownet-ts/checkpoint","version":2}\n';

/**
 * The lines of a streamed checkpoint (version 2), each ending in a newline: write them in order to a
 * file. `digest` is a fresh SHA-256. Only one payload line at a time is held as text.
 */
export function* checkpointLines(state: TrainingState, config: Record<string, unknown>, digest: Digest): Generator<string> {
  digest.update(STREAMED_HEADER);
  yield STREAMED_HEADER;
  let lines = 1;
  for (const line of jsonLines(checkpointPayload(state, config))) {
    const text = `${line}\n`;
    digest.update(text);
    lines++;
    yield text;
  }
  yield `${JSON.stringify({ end: true, lines, sha256: digest.digest('hex') })}\n`;
}

/**
 * Reads a streamed checkpoint a line at a time: {@link line} for every line (without its newline),
 * then {@link end} for the state. Problems are {@link CheckpointError}s naming `source`.
 */
export class CheckpointReader {
  private readonly payload = new JsonLinesReader();
  private pending: string | undefined;
  private count = 0;
  private problem: string | undefined;

  constructor(
    private readonly source: string,
    private readonly digest: Digest,
  ) {}

  /** One line of the file, without its newline. */
  line(text: string): void {
    // Held back one line: the last line is the end record, outside the hash.
    if (this.pending !== undefined) this.consume(this.pending);
    this.pending = text;
  }

  private consume(text: string): void {
    this.count++;
    this.digest.update(`${text}\n`);
    if (this.count === 1) {
      if (`${text}\n` !== STREAMED_HEADER) this.problem = 'line 1 is not the header of a version-2 checkpoint';
      return;
    }
    // After a bad line, keep hashing: a checksum mismatch (corruption) explains it better.
    if (this.problem !== undefined) return;
    try {
      this.payload.push(text);
    } catch (err) {
      this.problem = `line ${this.count}: ${(err as Error).message}`;
    }
  }

  /** The decoded checkpoint, once every line was given. */
  end(): { state: TrainingState; config: Record<string, unknown> } {
    const { source } = this;
    const last = this.pending;
    if (last === undefined) throw new CheckpointError(`${source} is empty`);
    let record: unknown;
    try {
      record = JSON.parse(last);
    } catch {
      record = undefined;
    }
    const r = record as { end?: unknown; lines?: unknown; sha256?: unknown } | undefined;
    if (this.count === 0 || typeof r !== 'object' || r === null || r.end !== true || typeof r.sha256 !== 'string') {
      throw new CheckpointError(`${source} is truncated: it ends before its end record`);
    }
    if (r.lines !== this.count || r.sha256 !== this.digest.digest('hex')) throw new CheckpointError(`${source} is corrupt: its checksum does not match`);
    if (this.problem !== undefined) throw new CheckpointError(`${source} is malformed (${this.problem})`);
    if (!this.payload.complete) throw new CheckpointError(`${source} is malformed (its payload ends early)`);
    return decodePayload(this.payload.value(), source);
  }
}
