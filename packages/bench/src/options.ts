import { parseArgs } from 'node:util';

/**
 * A usage error: printed as one line, exit code 2. Named `UsageError` like the CLI's, which turns
 * errors of that name into exit code 2 as well.
 */
export class BenchUsageError extends Error {
  override name = 'UsageError';
}

/** One option of `gfn bench` (integers and strings are all it has). */
export type BenchOptionSpec =
  | { readonly type: 'int'; readonly default: number; readonly min: number; readonly max?: number; readonly help: string }
  | { readonly type: 'string'; readonly default?: string; readonly help: string };

export type BenchOptionSpecs = Readonly<Record<string, BenchOptionSpec>>;

/** Parsed values: numbers for int options, strings for string options; absent when unset without default. */
export type BenchParsedOptions = Record<string, string | number | boolean | undefined>;

function parseInt(name: string, raw: string, spec: Extract<BenchOptionSpec, { type: 'int' }>): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new BenchUsageError(`--${name} expects a number, got "${raw}"`);
  if (!Number.isInteger(v)) throw new BenchUsageError(`--${name} expects an integer, got "${raw}"`);
  if (v < spec.min) throw new BenchUsageError(`--${name} must be ≥ ${spec.min}, got ${raw}`);
  if (spec.max !== undefined && v > spec.max) throw new BenchUsageError(`--${name} must be ≤ ${spec.max}, got ${raw}`);
  return v;
}

/** Parses `argv` against `specs` (plus `--help`); unknown options, missing and bad values raise {@link BenchUsageError}. */
export function parseBenchOptions(argv: readonly string[], specs: BenchOptionSpecs): BenchParsedOptions {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of Object.keys(specs)) config[name] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? String(err);
    throw new BenchUsageError(`gfn bench: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  if (positionals.length > 0) throw new BenchUsageError(`gfn bench: unexpected argument "${positionals[0]}"`);
  const out: BenchParsedOptions = { help: values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (raw === undefined) out[name] = spec.default;
    else out[name] = spec.type === 'int' ? parseInt(name, String(raw), spec) : String(raw);
  }
  return out;
}

/** Help text in the CLI's layout: usage, summary, then one aligned line per option. */
export function benchHelpText(usage: string, summary: string, specs: BenchOptionSpecs): string {
  const lines = [`Usage: ${usage}`, '', summary, '', 'Options:'];
  const rows: [string, string][] = Object.entries(specs).map(([name, spec]): [string, string] => {
    const arg = spec.type === 'string' ? ' VALUE' : ' N';
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return [`  --${name}${arg}`, `${spec.help}${def}`];
  });
  rows.push(['  --help', 'Show this help']);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [l, r] of rows) lines.push(l.padEnd(width) + r);
  return lines.join('\n');
}
