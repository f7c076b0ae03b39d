// Checkpoint files a chunk at a time: written through a temporary file that is synced and renamed over
// the target (atomic: a crash leaves the old checkpoint or the new one, never half of one), read back
// in chunks of bytes, so that memory stays near the size of the state, not a multiple of its text.
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Bytes gathered before one write, and read at a time. */
const CHUNK = 1 << 20;

/** Writes `pieces` in order to `path` atomically (see the module comment); the temporary is `<path>.tmp-<pid>`. */
export function writeStreamAtomic(path: string, pieces: Iterable<string>): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let parts: string[] = [];
    let size = 0;
    const flush = (): void => {
      const bytes = Buffer.from(parts.join(''), 'utf8');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd as number, bytes, off, bytes.length - off);
      parts = [];
      size = 0;
    };
    for (const piece of pieces) {
      parts.push(piece);
      size += piece.length;
      if (size >= CHUNK) flush();
    }
    flush();
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    throw err;
  }
}

/** The first `n` bytes of a file (fewer when it is shorter). */
export function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    return buffer.subarray(0, readSync(fd, buffer, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Calls `onLine` with every line of a UTF-8 file (without its newline), reading a chunk at a time. */
export function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const decoder = new TextDecoder('utf-8');
    const buffer = Buffer.alloc(CHUNK);
    let rest = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      const chunk = decoder.decode(buffer.subarray(0, n), { stream: n > 0 });
      if (n > 0 && !chunk.includes('\n')) {
        rest += chunk; // a long line (a large tensor): no need to split what came before
        continue;
      }
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() as string;
      for (const line of lines) onLine(line);
      if (n === 0) break;
    }
    if (rest !== '') onLine(rest);
  } finally {
    closeSync(fd);
  }
}
