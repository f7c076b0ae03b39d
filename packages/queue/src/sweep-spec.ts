import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SettingsError } from '@gflownet/core';
import type { RunConfig, RunConfigInput } from '@gflownet/experiment';
import { environmentEntry, resolveRunConfig, sha256 } from '@gflownet/experiment';
import { QUEUE_DEFAULTS } from './defaults.js';
import type { JsonValue } from './payload.js';
import { payloadKey } from './payload.js';

/** A sweep file: a base run config, a grid of values for some of its fields, and where the runs go. */
export interface SweepSpec {
  /** The sweep file, as given. */
  readonly file: string;
  /** The shared directory of results and checkpoints (absolute: every worker must see it at this path). */
  readonly dir: string;
  readonly base: RunConfigInput;
  /** Field paths of the run config (`optimizer.lr`, `env.height`, `seed`) and their values, in file order. */
  readonly grid: readonly (readonly [string, readonly JsonValue[]])[];
  readonly checkpointEvery: number;
  readonly attempts: number;
}

/** One run of a sweep: its id (from the hash of its resolved config), its grid values, its config. */
export interface SweepRun {
  readonly id: string;
  /** Its grid values, e.g. `objective.name=tb seed=0`. */
  readonly label: string;
  /** Its grid values but the seed: the row of the results table it belongs to. */
  readonly group: string;
  readonly config: RunConfig;
}

const FIELDS = new Set(['dir', 'base', 'grid', 'checkpointEvery', 'attempts']);

function intField(file: string, raw: Record<string, unknown>, field: string, fallback: number): number {
  const v = raw[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new SettingsError(`${file}: ${field} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads and checks a sweep file (`{"dir", "base", "grid", "checkpointEvery"?, "attempts"?}`); a problem names the file and field. */
export function readSweepFile(file: string): SweepSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SettingsError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsError(`${file}: a sweep file is a JSON object with "dir", "base" and "grid"`);
  const spec = raw as Record<string, unknown>;
  for (const key of Object.keys(spec)) if (!FIELDS.has(key)) throw new SettingsError(`${file}: unknown field "${key}" (fields: ${[...FIELDS].join(', ')})`);
  if (typeof spec.dir !== 'string' || spec.dir === '') throw new SettingsError(`${file}: dir must name the shared directory of results and checkpoints`);
  const base = spec.base ?? {};
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new SettingsError(`${file}: base must be a run config (an object)`);
  const grid = spec.grid ?? {};
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid)) throw new SettingsError(`${file}: grid must map run-config fields to lists of values`);
  const entries = Object.entries(grid as Record<string, unknown>).map(([path, values]) => {
    if (!Array.isArray(values) || values.length === 0) throw new SettingsError(`${file}: grid.${path} must be a non-empty list of values`);
    if (!/^[A-Za-z]\w*(\.[A-Za-z]\w*)*$/.test(path)) throw new SettingsError(`${file}: grid field "${path}" is not a run-config field path (e.g. optimizer.lr)`);
    return [path, values as JsonValue[]] as const;
  });
  return {
    file,
    dir: resolve(spec.dir),
    base: base as RunConfigInput,
    grid: entries,
    checkpointEvery: intField(file, spec, 'checkpointEvery', QUEUE_DEFAULTS.checkpointEvery),
    attempts: intField(file, spec, 'attempts', QUEUE_DEFAULTS.runAttempts),
  };
}

/** `value` at the dotted `path` of a copy of `config`. */
function withField(file: string, config: JsonValue, path: string, value: JsonValue): JsonValue {
  const out = structuredClone(config) as { [key: string]: JsonValue };
  const parts = path.split('.');
  let node = out;
  for (const part of parts.slice(0, -1)) {
    const next = node[part] ?? {};
    if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new SettingsError(`${file}: grid.${path}: ${part} is not an object in the base config`);
    node[part] = next;
    node = next;
  }
  node[parts[parts.length - 1] as string] = value;
  return out;
}

const show = (v: JsonValue): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The id of a run: a hash of its resolved config, so the same run has the same id in every sweep and on every restart. */
export function runId(config: RunConfig): string {
  return `run-${sha256(payloadKey(JSON.parse(JSON.stringify(config)) as JsonValue)).slice(0, 16)}`;
}

/**
 * Every run of a sweep: the grid's product (first field slowest), each resolved with every default
 * and checked before anything is queued. Two grid points that resolve to the same run are refused.
 */
export async function expandSweep(spec: SweepSpec): Promise<SweepRun[]> {
  let points: { config: JsonValue; values: [string, JsonValue][] }[] = [{ config: spec.base as JsonValue, values: [] }];
  for (const [path, values] of spec.grid) {
    points = points.flatMap((p) => values.map((v) => ({ config: withField(spec.file, p.config, path, v), values: [...p.values, [path, v] as [string, JsonValue]] })));
  }
  const runs: SweepRun[] = [];
  const seen = new Map<string, string>();
  for (const point of points) {
    const label = point.values.map(([k, v]) => `${k}=${show(v)}`).join(' ') || 'base';
    const input = point.config as RunConfigInput;
    let config: RunConfig;
    try {
      config = resolveRunConfig(input, await environmentEntry(input.env ?? {}));
    } catch (err) {
      throw new SettingsError(`${spec.file}: run ${label}: ${(err as Error).message}`);
    }
    const id = runId(config);
    const twin = seen.get(id);
    if (twin !== undefined) throw new SettingsError(`${spec.file}: runs ${twin} and ${label} are the same run`);
    seen.set(id, label);
    const group = point.values.filter(([k]) => k !== 'seed').map(([k, v]) => `${k}=${show(v)}`).join(' ') || 'all';
    runs.push({ id, label, group, config });
  }
  return runs;
}
