import { existsSync, readFileSync } from 'node:fs';
import type { TrainingState } from '@gflownet/trainer';
import { CheckpointError, parseCheckpoint, serializeCheckpoint } from '@gflownet/trainer';
import type { OptionSpecs, ParsedOptions } from './options.js';
import { UsageError } from './options.js';
import { writeTextAtomic } from './results.js';

/** Options a resumed run may change; every other option keeps the value the run started with. */
export const RESUMABLE_OVERRIDES: ReadonlySet<string> = new Set(['iterations', 'out', 'quiet', 'checkpoint', 'checkpoint-every', 'eval-every', 'resume', 'backend', 'config']);

/** Reads and validates a checkpoint file; any problem is a {@link CheckpointError} naming the file. */
export function readCheckpointFile(path: string): { state: TrainingState; options: ParsedOptions; settings: Record<string, unknown> } {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint ${path} does not exist`);
  const { state, config } = parseCheckpoint(readFileSync(path, 'utf8'), `checkpoint ${path}`);
  const options = config.options;
  if (typeof options !== 'object' || options === null) throw new CheckpointError(`checkpoint ${path} does not record the options of its run`);
  const settings = typeof config.settings === 'object' && config.settings !== null ? (config.settings as Record<string, unknown>) : {};
  return { state, options: options as ParsedOptions, settings };
}

/** Writes a checkpoint atomically (a temporary file renamed over the target). */
export function writeCheckpointFile(path: string, state: TrainingState, options: ParsedOptions, settings: Record<string, unknown> = {}): void {
  writeTextAtomic(path, serializeCheckpoint(state, { options, settings }));
}

/** Names of the options given explicitly on the command line (`--name` or `--name=value`). */
export function explicitOptionNames(argv: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const a of argv) if (a.startsWith('--')) out.add(a.slice(2).split('=')[0] as string);
  return out;
}

/**
 * The options of a resumed run: the stored ones, with the explicitly given ones that may change
 * (see {@link RESUMABLE_OVERRIDES}). An explicit option that contradicts the stored run is an error.
 */
export function mergeResumeOptions(
  stored: ParsedOptions,
  given: ParsedOptions,
  explicit: ReadonlySet<string>,
  specs: OptionSpecs,
  file: string,
  settings: Record<string, unknown> = {},
): ParsedOptions {
  const merged: ParsedOptions = { ...stored };
  for (const name of explicit) {
    if (!(name in specs)) continue;
    if (RESUMABLE_OVERRIDES.has(name)) {
      merged[name] = given[name];
      continue;
    }
    // Compare with the effective value: an option left to its default is recorded in the environment's settings.
    const effective = stored[name] ?? settings[name];
    if (given[name] !== effective) {
      throw new UsageError(
        `--${name} ${String(given[name])} does not match checkpoint ${file} (${String(effective)}); a resumed run keeps the settings it started with`,
      );
    }
  }
  return merged;
}
