import { parseArgs } from 'node:util';

/** A usage error: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One command-line option: how to read it and its help line. */
export interface OptionSpec {
  readonly type: 'int' | 'number' | 'string' | 'boolean' | 'list';
  readonly choices?: readonly string[];
  readonly help: string;
  /** Shown in the help; the value itself comes from where the default lives (the config schema). */
  readonly default?: string | number | boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Options as given: raw strings for value options, booleans for flags; only what was given appears. */
export type GivenOptions = Record<string, string | boolean>;

/**
 * Parses `argv` against `specs` with Node's parseArgs. Unknown options and missing values raise a
 * {@link UsageError}. Two extensions: a value may start with a dash (`--seed -1`, `--logz-init -5`),
 * and a flag can be turned off with `--no-<flag>`.
 */
export function parseOptions(command: string, argv: readonly string[], specs: OptionSpecs): { given: GivenOptions; help: boolean } {
  const tokens: string[] = [];
  const negated: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const name = a.startsWith('--') ? a.slice(2) : '';
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec && spec.type !== 'boolean' && i + 1 < argv.length) {
      tokens.push(`${a}=${argv[++i] as string}`); // `--seed -1` → `--seed=-1`, which parseArgs reads as a value
    } else if (name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') negated.push(name.slice(3));
    else tokens.push(a);
  }
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(specs)) config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: tokens, options: config, strict: true, allowPositionals: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? String(err);
    throw new UsageError(`gfn ${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  if (positionals.length > 0) throw new UsageError(`gfn ${command}: unexpected argument "${positionals[0]}"`);
  const given: GivenOptions = {};
  for (const [name, v] of Object.entries(values)) if (v !== undefined && name !== 'help') given[name] = v;
  for (const name of negated) given[name] = false;
  return { given, help: values.help === true };
}

/** Reads a number option's text; a bad value is a {@link UsageError} naming the option. */
export function numberOption(name: string, raw: string | boolean | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} expects a number, got "${String(raw)}"`);
  if (integer && !Number.isSafeInteger(v)) throw new UsageError(`--${name} expects an integer, got "${raw}"`);
  return v;
}

/** Help text of a command from its specs. */
export function helpText(usage: string, summary: string, specs: OptionSpecs): string {
  const lines = [`Usage: ${usage}`, '', summary, '', 'Options:'];
  const rows = Object.entries(specs).map(([name, spec]) => {
    const arg = spec.type === 'boolean' ? '' : spec.choices ? ` ${spec.choices.join('|')}` : spec.type === 'string' ? ' VALUE' : spec.type === 'list' ? ' N,N' : ' N';
    const def = spec.default !== undefined ? ` (default: ${String(spec.default)})` : '';
    return [`  --${name}${arg}`, `${spec.help}${def}`] as const;
  });
  rows.push(['  --help', 'Show this help']);
  const width = Math.min(40, Math.max(...rows.map((r) => r[0].length)) + 2);
  for (const [l, r] of rows) lines.push(l.length >= width ? `${l}\n${''.padEnd(width)}${r}` : l.padEnd(width) + r);
  return lines.join('\n');
}

/** Reads a required option, or raises a {@link UsageError} naming it. */
export function required(given: GivenOptions, name: string, command: string): string {
  const v = given[name];
  if (typeof v !== 'string') throw new UsageError(`gfn ${command}: --${name} is required`);
  return v;
}
