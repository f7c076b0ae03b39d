import { readFileSync } from 'node:fs';
import type { RunConfigInput, StoredCheckpoint } from '@gflownet/experiment';
import { flagName, RUN_FLAGS, resolveRunConfig } from '@gflownet/experiment';
import type { RunArguments } from './run-options.js';
import { UsageError } from './options.js';

/** Options a resumed run may change; every other option keeps the value the run started with. */
const RESUMABLE = new Set(['iterations', 'eval-every', 'backend', 'wasm-gemm']);

const at = (config: unknown, path: readonly (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k as string], config);

/**
 * The run config of a resumed run: the checkpoint's, with the options a resume may change. An explicit
 * option that contradicts the checkpoint is a {@link UsageError} naming both values.
 */
export function mismatches(stored: StoredCheckpoint, args: RunArguments, file: string): RunConfigInput {
  const before = resolveRunConfig(stored.config, args.entry);
  const merged = structuredClone(stored.config) as Record<string, Record<string, unknown>>;
  for (const name of Object.keys(args.given)) {
    const flag = Object.hasOwn(RUN_FLAGS, name) ? RUN_FLAGS[name] : undefined;
    const path = flag?.path ?? envPath(name, args);
    if (!path) continue; // a control option (--out, --quiet, …)
    const [part, key] = path;
    const value = key === undefined ? at(args.config, [part]) : at(args.config, [part, key]);
    if (RESUMABLE.has(name)) {
      if (key === undefined) (merged as Record<string, unknown>)[part] = value;
      else (merged[part] ??= {})[key] = value;
      continue;
    }
    const effective = at(before, path);
    if (JSON.stringify(value) !== JSON.stringify(effective)) {
      throw new UsageError(`--${name} ${String(value)} does not match checkpoint ${file} (${effective === undefined ? 'unset' : String(effective)}); a resumed run keeps the settings it started with`);
    }
  }
  return merged as RunConfigInput;
}

/** The run-config path of an environment option, if `name` is one. */
function envPath(name: string, args: RunArguments): readonly [string, string] | undefined {
  const key = Object.keys(args.entry.settings).find((k) => flagName(k) === name);
  return key === undefined ? undefined : ['env', key];
}

/** The CLI's own version, for results files. */
export function cliVersions(): Record<string, string> {
  const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return { '@gflownet/cli': own.version };
}
