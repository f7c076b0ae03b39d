import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { InputFile } from '@gflownet/core';
import { SettingsError } from '@gflownet/core';
import type { TrainingState } from '@gflownet/trainer';
import { CheckpointError, CheckpointReader, checkpointLines, parseCheckpoint, STREAMED_HEADER } from '@gflownet/trainer';
import { forEachLine, readHead, writeStreamAtomic } from './checkpoint-file.js';
import type { RunConfig, RunConfigInput } from './config.js';
import { flagName, runConfigFromFlat } from './flags.js';
import { sha256 } from './io.js';
import { environmentEntry } from './registry.js';

/** What a checkpoint holds besides the training state. */
export interface CheckpointRecord {
  /** The resolved run config the run started with. */
  readonly runConfig: RunConfig;
  /** The environment's recorded settings (results files' flat `config` fields). */
  readonly settings: Readonly<Record<string, string | number>>;
  /** Input files read by the environment, with content hashes. */
  readonly inputs: readonly InputFile[];
}

/** A checkpoint read back: the state and the run config to continue it with. */
export interface StoredCheckpoint {
  readonly state: TrainingState;
  /** The run config (from an earlier release's checkpoint: converted from its stored options). */
  readonly config: RunConfigInput;
  readonly inputs: readonly InputFile[];
  /** True for checkpoints written before run configs were stored. */
  readonly legacy: boolean;
}

/**
 * Writes a checkpoint atomically, streamed (format version 2: JSON lines with a SHA-256), so that its
 * size is not bounded by the longest string and memory stays near the state's own.
 */
export function writeRunCheckpoint(path: string, state: TrainingState, record: CheckpointRecord): void {
  const config = { runConfig: record.runConfig, settings: record.settings, inputs: record.inputs };
  writeStreamAtomic(path, checkpointLines(state, config, createHash('sha256')));
}

/** Decodes a checkpoint file of either version, reading a streamed one a line at a time. */
export function readCheckpointFile(path: string, source = `checkpoint ${path}`): { state: TrainingState; config: Record<string, unknown> } {
  const header = Buffer.from(STREAMED_HEADER, 'utf8');
  if (!readHead(path, header.length).equals(header)) return parseCheckpoint(readFileSync(path, 'utf8'), source);
  const reader = new CheckpointReader(source, createHash('sha256'));
  forEachLine(path, (line) => reader.line(line));
  return reader.end();
}

/** Options of earlier releases' checkpoints that were about the process, not the run. */
const LEGACY_RUN_CONTROL = new Set(['out', 'quiet', 'checkpoint', 'checkpoint-every', 'resume', 'config', 'help']);

/** An earlier release's option bag as a run config: unset booleans were stored as `false`. */
async function fromLegacyOptions(options: Record<string, unknown>, file: string): Promise<RunConfigInput> {
  const entry = await environmentEntry({ name: String(options.env ?? 'hypergrid') });
  const values: Record<string, unknown> = {};
  const envFlags = new Set(Object.keys(entry.settings).map(flagName));
  for (const [name, value] of Object.entries(options)) {
    if (value === null || value === undefined || LEGACY_RUN_CONTROL.has(name)) continue;
    // An environment flag left unset was stored as false and meant false; a run flag left unset meant its default.
    if (value === false && !envFlags.has(name)) continue;
    values[name] = name === 'hidden' && typeof value === 'string' ? value.split(',').map(Number) : value;
  }
  try {
    return runConfigFromFlat(values, entry);
  } catch (err) {
    throw new CheckpointError(`checkpoint ${file} was written by an earlier release and its options cannot be read (${(err as Error).message})`);
  }
}

/** Reads a checkpoint file (this release's or an earlier one's); any problem is a {@link CheckpointError} naming the file. */
export async function readRunCheckpoint(path: string): Promise<StoredCheckpoint> {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint ${path} does not exist`);
  if (statSync(path).isDirectory()) throw new CheckpointError(`checkpoint ${path} is a directory, not a checkpoint file`);
  const { state, config } = readCheckpointFile(path);
  const inputs = Array.isArray(config.inputs) ? (config.inputs as InputFile[]) : [];
  if (typeof config.runConfig === 'object' && config.runConfig !== null) {
    return { state, config: config.runConfig as RunConfigInput, inputs, legacy: false };
  }
  if (typeof config.options === 'object' && config.options !== null) {
    return { state, config: await fromLegacyOptions(config.options as Record<string, unknown>, path), inputs, legacy: true };
  }
  throw new CheckpointError(`checkpoint ${path} records neither the run config nor the options of its run`);
}

/** Refuses to resume when an input file changed since the checkpoint was written. */
export function checkInputs(stored: readonly InputFile[], current: readonly InputFile[], file: string): void {
  for (const before of stored) {
    const now = current.find((c) => c.path === before.path);
    if (now && now.sha256 !== before.sha256) {
      throw new SettingsError(`${before.path} changed since checkpoint ${file} was written (SHA-256 ${before.sha256.slice(0, 12)}… then, ${now.sha256.slice(0, 12)}… now); a resumed run must see the same data`);
    }
  }
}

/** The record of an input file's content. */
export function inputRecord(path: string, text: string): InputFile {
  return { path, sha256: sha256(text) };
}
