import { ConfigError, flagForPath } from '@gflownet/experiment';
import type { CommandSpec, GivenOptions } from '@gflownet/queue';
import { BENCH_HELP, benchCommand } from './commands/bench.js';
import { COMPARE_HELP, compareCommand } from './commands/compare.js';
import { exactCommand, EXACT_HELP } from './commands/exact.js';
import { SAMPLE_HELP, sampleCommand } from './commands/sample.js';
import { SWEEP_COMMAND, sweepMain } from './commands/sweep.js';
import { TRAIN_HELP, trainCommand } from './commands/train.js';
import { WORKER_COMMAND, workerMain } from './commands/worker.js';
import { helpText, parseOptions } from './options.js';

const BAD_INPUT = new Set(['UsageError', 'CheckpointError', 'ConfigError', 'SettingsError']);

/** A bad-input error in the command line's words: a run-config field becomes its option (`--batch-size must be ≥ 1`). */
function inputMessage(err: Error): string {
  if (!(err instanceof ConfigError) || err.path.length === 0) return err.message;
  const flag = flagForPath(err.path);
  return flag !== undefined ? `--${flag} ${err.reason}` : err.message;
}

/** A command's entry point: resolves to its exit code (or nothing for 0). */
export type CommandRun = (argv: readonly string[]) => Promise<number | undefined | void>;

/** A command whose options and logic live in a library (`spec`, `main`): parsed and helped here like the others. */
function libraryCommand(name: string, spec: CommandSpec, main: (given: GivenOptions) => Promise<number>): { run: CommandRun; help: string } {
  const help = helpText(spec.usage, spec.summary, spec.options);
  const run: CommandRun = async (argv) => {
    const parsed = parseOptions(name, argv, spec.options);
    if (parsed.help) process.stdout.write(`${help}\n`);
    return parsed.help ? 0 : main(parsed.given);
  };
  return { run, help };
}

const COMMANDS: Record<string, { run: CommandRun; summary: string; help: string }> = {
  train: { run: trainCommand, summary: 'train a GFlowNet and evaluate it exactly', help: TRAIN_HELP },
  exact: { run: exactCommand, summary: 'write the exact target distribution of an environment', help: EXACT_HELP },
  sample: { run: sampleCommand, summary: 'sample from a trained checkpoint into a CSV file', help: SAMPLE_HELP },
  bench: { run: benchCommand, summary: 'measure training speed per backend', help: BENCH_HELP },
  compare: { run: compareCommand, summary: 'train several objectives with the same budget and tabulate/plot their JSD', help: COMPARE_HELP },
  worker: { ...libraryCommand('worker', WORKER_COMMAND, workerMain), summary: 'serve a reward queue, or sweep runs, on Redis (BullMQ), from any machine' },
  sweep: { ...libraryCommand('sweep', SWEEP_COMMAND, sweepMain), summary: 'queue a grid of runs for workers, wait, then tabulate and plot them' },
};

/** Registers a command (used by command modules added later, e.g. bench and compare). */
export function registerCommand(name: string, run: CommandRun, summary: string, help: string): void {
  COMMANDS[name] = { run, summary, help };
}

function topHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`);
  return ['Usage: gfn <command> [options]', '', 'Commands:', ...rows, '', 'Run "gfn <command> --help" for the options of a command.'].join('\n');
}

/**
 * Runs the `gfn` command line. Returns the exit code: 0 on success, 2 for usage errors (one line on
 * stderr, no stack trace), 1 for failures during a run.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`gfn: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    const code = await command.run(rest);
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    // Bad input of any kind (options, configs, data files, checkpoints) is one line and exit code 2.
    if (err instanceof Error && BAD_INPUT.has(err.name)) {
      process.stderr.write(`gfn ${name}: ${inputMessage(err).replace(/^gfn \w+: /, '')}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`gfn ${name}: ${e.message ?? String(err)}\n`);
    if (process.env.GFN_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
    return 1;
  }
}
