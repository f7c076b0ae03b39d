import { parseArgs } from 'node:util';

/** A usage error: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Declarative description of one command-line option. */
export type OptionSpec =
  | { readonly type: 'int'; readonly default?: number; readonly min?: number; readonly max?: number; readonly help: string }
  | { readonly type: 'number'; readonly default?: number; readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean; readonly help: string }
  | { readonly type: 'string'; readonly default?: string; readonly help: string }
  | { readonly type: 'enum'; readonly choices: readonly string[]; readonly default?: string; readonly help: string }
  | { readonly type: 'boolean'; readonly help: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed values: numbers for int/number, strings for string/enum, booleans for flags; absent when unset without default. */
export type ParsedOptions = Record<string, string | number | boolean | undefined>;

function parseNumber(name: string, raw: string, spec: Extract<OptionSpec, { type: 'int' | 'number' }>): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} expects a number, got "${raw}"`);
  if (spec.type === 'int' && !Number.isInteger(v)) throw new UsageError(`--${name} expects an integer, got "${raw}"`);
  if (spec.min !== undefined) {
    const exclusive = spec.type === 'number' && spec.exclusiveMin === true;
    if (exclusive ? v <= spec.min : v < spec.min) throw new UsageError(`--${name} must be ${exclusive ? '>' : '≥'} ${spec.min}, got ${raw}`);
  }
  if (spec.max !== undefined && v > spec.max) throw new UsageError(`--${name} must be ≤ ${spec.max}, got ${raw}`);
  return v;
}

/** Parses `argv` against `specs`; unknown options, missing values and bad values raise {@link UsageError}. */
export function parseOptions(command: string, argv: readonly string[], specs: OptionSpecs): ParsedOptions {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(specs)) config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? String(err);
    throw new UsageError(`gfn ${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  if (positionals.length > 0) throw new UsageError(`gfn ${command}: unexpected argument "${positionals[0]}"`);
  const out: ParsedOptions = { help: values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (spec.type === 'boolean') {
      out[name] = raw === true;
      continue;
    }
    if (raw === undefined) {
      out[name] = spec.default;
      continue;
    }
    const s = String(raw);
    if (spec.type === 'int' || spec.type === 'number') out[name] = parseNumber(name, s, spec);
    else if (spec.type === 'enum') {
      if (!spec.choices.includes(s)) throw new UsageError(`--${name} must be one of ${spec.choices.join('|')}, got "${s}"`);
      out[name] = s;
    } else out[name] = s;
  }
  return out;
}

/**
 * Command-line tokens equivalent to a JSON config file (`{"height": 16, "quiet": true}`), validated
 * against `specs`: unknown keys, wrong types and out-of-range values are {@link UsageError}s naming the
 * file and the key. Command-line options given after these tokens win.
 */
export function configTokens(command: string, text: string, file: string, specs: OptionSpecs): string[] {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config ${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`config ${file} must be a JSON object of option names to values`);
  const tokens: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const spec = specs[key];
    if (!spec || key === 'config') throw new UsageError(`config ${file}: unknown key "${key}"`);
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`config ${file}: "${key}" must be true or false`);
      if (value) tokens.push(`--${key}`);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw new UsageError(`config ${file}: "${key}" must be a string or a number`);
    tokens.push(`--${key}=${String(value)}`);
  }
  try {
    parseOptions(command, tokens, specs);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`config ${file}: ${err.message.replace(/^gfn \w+: /, '')}`);
    throw err;
  }
  return tokens;
}

/** Help text of a command from its specs. */
export function helpText(usage: string, summary: string, specs: OptionSpecs): string {
  const lines = [`Usage: ${usage}`, '', summary, '', 'Options:'];
  const rows = Object.entries(specs).map(([name, spec]) => {
    const arg = spec.type === 'boolean' ? '' : spec.type === 'enum' ? ` ${spec.choices.join('|')}` : spec.type === 'string' ? ' VALUE' : ' N';
    const def = 'default' in spec && spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return [`  --${name}${arg}`, `${spec.help}${def}`] as const;
  });
  rows.push(['  --help', 'Show this help']);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [l, r] of rows) lines.push(l.padEnd(width) + r);
  return lines.join('\n');
}

/** Reads a required option, or raises a {@link UsageError} naming it. */
export function required<T extends string | number>(options: ParsedOptions, name: string, command: string): T {
  const v = options[name];
  if (v === undefined) throw new UsageError(`gfn ${command}: --${name} is required`);
  return v as T;
}
