import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * Writes JSON atomically: to a temporary file beside the target, then renamed over it, so a crash
 * never leaves a half-written results file.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, target);
}

/** Writes text atomically (see {@link writeJsonAtomic}). */
export function writeTextAtomic(path: string, text: string): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, target);
}

/** Versions of the packages a run used (the CLI's own dependencies), for the results file. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; dependencies?: Record<string, string> };
  out['@gflownet/cli'] = own.version;
  const names = Object.keys(own.dependencies ?? {}).filter((n) => n.startsWith('@gflownet/') || n === '@tensorflow/tfjs-core');
  for (const name of names.sort()) {
    try {
      const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
      out[name] = pkg.version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.node = process.versions.node;
  return out;
}
