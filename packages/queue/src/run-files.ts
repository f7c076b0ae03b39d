import { appendFileSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Where a sweep run's files are in the shared directory. */
export interface RunPaths {
  /** The results file (as `gfn train --out` writes); its presence means the run is finished. */
  readonly results: string;
  readonly checkpoint: string;
}

export function runPaths(dir: string, id: string): RunPaths {
  return { results: join(dir, 'runs', `${id}.json`), checkpoint: join(dir, 'checkpoints', `${id}.ckpt`) };
}

/** The sweep's log: one JSON line per event of a run (started, resumed, checkpoint, finished, failed, …), from every worker. */
export function eventsPath(dir: string): string {
  return join(dir, 'events.jsonl');
}

/** One line of the sweep's log. */
export interface RunEvent {
  readonly time: string;
  readonly run: string;
  readonly event: 'started' | 'resumed' | 'checkpoint' | 'finished' | 'already-finished' | 'interrupted' | 'failed';
  /** `host:pid` of the worker. */
  readonly worker: string;
  readonly iteration?: number;
  readonly message?: string;
}

/** Appends an event (one short line, appended whole: workers on one file system do not interleave). */
export function logEvent(dir: string, run: string, event: RunEvent['event'], extra: Pick<RunEvent, 'iteration' | 'message'> = {}): void {
  const line: RunEvent = { time: new Date().toISOString(), run, event, worker: `${hostname()}:${process.pid}`, ...extra };
  mkdirSync(dir, { recursive: true });
  appendFileSync(eventsPath(dir), `${JSON.stringify(line)}\n`);
}

/** Every event of a sweep so far (none before the first). */
export function readEvents(dir: string): RunEvent[] {
  const file = eventsPath(dir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RunEvent);
}

/**
 * Writes JSON to `path` only if nothing is there yet, atomically: a complete temporary file beside it
 * is hard-linked into place (which fails when the name exists) and removed. True when this call wrote
 * it, false when another writer was first, so a run can finish only once.
 */
export function writeJsonOnce(path: string, value: unknown): boolean {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  try {
    linkSync(tmp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}
