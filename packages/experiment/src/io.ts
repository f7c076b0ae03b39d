import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SettingsError } from '@gflownet/core';

/** SHA-256 of a text, hex. */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads an input file, or a {@link SettingsError} naming the setting and the file. */
export function readInputFile(path: string, setting: string): string {
  if (!existsSync(path)) throw new SettingsError(`--${setting}: no such file "${path}"`);
  if (statSync(path).isDirectory()) throw new SettingsError(`--${setting}: "${path}" is a directory, not a file`);
  return readFileSync(path, 'utf8');
}

/** Removes temporary files `<path>.tmp-<pid>` left by writers that died (their process is gone). */
export function removeStaleTemporaries(path: string): void {
  const target = resolve(path);
  const dir = dirname(target);
  if (!existsSync(dir)) return;
  const prefix = `${basename(target)}.tmp-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another process removed it first.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entries (a rename) to disk, where the platform can (not on Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Folders cannot be opened or synced here: the rename is as durable as the platform makes it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes text atomically: to a temporary file beside the target, flushed to disk, then renamed over it,
 * so neither a crash nor a power loss leaves a half-written or empty file; the temporary is removed when
 * writing fails.
 */
export function writeTextAtomic(path: string, text: string | Uint8Array): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, text);
      // Without it the rename can reach the disk before the data does.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    syncFolder(dirname(target));
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never written.
    }
    throw err;
  }
}

/** Writes JSON atomically (see {@link writeTextAtomic}). */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Checks before training that a file can be written at `path`: its folder exists or can be made, is a
 * folder and is writable, and `path` is not a folder. Throws a {@link SettingsError} naming the option.
 */
export function checkWritable(path: string, option: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new SettingsError(`--${option} ${path} is a directory; give a file name`);
  let dir = dirname(target);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new SettingsError(`--${option} ${path}: ${dir} is a file, not a directory`);
  const probe = join(dir, `.gfn-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new SettingsError(`--${option} ${path}: cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Takes an exclusive lock on `path` for the life of this process (a `<path>.lock` file holding the pid,
 * created exclusively), so two runs cannot write the same checkpoint or results file. A lock left by a
 * process that is gone is taken over. Returns the function that releases it (also run at exit).
 */
export function lockPath(path: string, option: string): () => void {
  const lock = `${resolve(path)}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      const release = (): void => {
        try {
          if (readFileSync(lock, 'utf8') === String(process.pid)) unlinkSync(lock);
        } catch {
          // Already gone.
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new SettingsError(`--${option} ${path} is in use by another run (process ${owner}); wait for it or choose another path`);
      }
      unlinkSync(lock); // left by a process that died: take it over
    }
  }
  throw new SettingsError(`--${option} ${path}: cannot take the lock ${lock}`);
}
