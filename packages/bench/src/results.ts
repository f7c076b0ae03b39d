import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/** Writes JSON to a temporary file beside the target, then renames it over, so a crash never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, target);
}

/** Versions of the packages the figures measure (this package's `@gflownet/*` dependencies and tfjs-core), and Node's. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
  const out: Record<string, string> = { [own.name]: own.version };
  const names = Object.keys(own.dependencies ?? {}).filter((n) => n.startsWith('@gflownet/') || n === '@tensorflow/tfjs-core');
  for (const name of names.sort()) {
    try {
      out[name] = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  out.node = process.versions.node;
  return out;
}
