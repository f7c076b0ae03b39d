import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ExperimentRun, RunConfigInput, StoredCheckpoint } from '@gflownet/experiment';
import {
  checkInputs,
  checkWritable,
  figurePath,
  lockPath,
  progress,
  readRunCheckpoint,
  removeStaleTemporaries,
  runExperiment,
  summaryLine,
  writeFigureSvg,
  writeJsonAtomic,
  writeRunCheckpoint,
} from '@gflownet/experiment';
import type { TrainingState } from '@gflownet/trainer';
import { DivergenceError } from '@gflownet/trainer';
import type { OptionSpecs } from '../options.js';
import { helpText, numberOption, UsageError } from '../options.js';

import { readRunArguments, runOptionSpecs } from '../run-options.js';
import { cliVersions, mismatches } from '../run-state.js';

/** Options of `gfn train` that control the process rather than the run. */
export const TRAIN_CONTROL: OptionSpecs = {
  out: { type: 'string', help: 'Write the results file (JSON) here, and its figure (SVG) beside it: runs/x.json → runs/x.svg' },
  quiet: { type: 'boolean', help: 'No progress output' },
  checkpoint: { type: 'string', help: 'Write a checkpoint here (atomically) every --checkpoint-every iterations and on SIGINT/SIGTERM' },
  'checkpoint-every': { type: 'int', default: 500, help: 'Iterations between checkpoints' },
  resume: { type: 'string', help: 'Continue the run saved in this checkpoint (its settings are kept; --iterations may extend it)' },
  config: { type: 'string', help: 'Read the run from a JSON file: a run config (see run-config.schema.json) or flat options ({"height": 16}); command-line options win' },
};

export const TRAIN_HELP: string = helpText(
  'gfn train [options]',
  'Trains a GFlowNet and reports exact metrics (JSD, L1, log Z) where the environment can be enumerated.',
  { ...runOptionSpecs(), ...TRAIN_CONTROL },
);

/** Writes the results; when the target cannot be written after all, keeps them in the temporary folder and says where. */
function saveResults(path: string, results: unknown, say: (s: string) => void): void {
  try {
    writeJsonAtomic(path, results);
    say(`results written to ${path}`);
  } catch (err) {
    const fallback = join(tmpdir(), `${basename(path)}.${process.pid}.json`);
    writeJsonAtomic(fallback, results);
    throw new Error(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the results are kept in ${fallback}`);
  }
}

/** `gfn train`. Returns 130 when interrupted by SIGINT/SIGTERM (after saving a checkpoint when asked). */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  const args = await readRunArguments('train', argv, TRAIN_CONTROL);
  if (args.help) {
    process.stdout.write(`${helpText('gfn train [options]', 'Trains a GFlowNet and reports exact metrics where the environment can be enumerated.', args.specs)}\n`);
    return 0;
  }
  const { given } = args;
  const quiet = given.quiet === true;
  const say = (s: string): void => {
    if (!quiet) process.stderr.write(`${s}\n`);
  };
  let config: RunConfigInput = args.config;
  let stored: StoredCheckpoint | undefined;
  const resumeFile = given.resume as string | undefined;
  if (resumeFile !== undefined) {
    stored = await readRunCheckpoint(resumeFile);
    config = mismatches(stored, args, resumeFile);
    say(`resuming ${resumeFile} at iteration ${stored.state.iteration}${stored.legacy ? ' (a checkpoint of an earlier release)' : ''}`);
  }
  const checkpointPath = (given.checkpoint as string | undefined) ?? resumeFile;
  const out = given.out as string | undefined;
  if (checkpointPath !== undefined && resumeFile === undefined && existsSync(checkpointPath)) {
    throw new UsageError(`checkpoint ${checkpointPath} already exists; continue it with --resume ${checkpointPath} or choose another path`);
  }
  // Found before the first iteration, not after the run: unwritable paths, and paths another run holds.
  const releases: (() => void)[] = [];
  for (const [path, option] of [[out, 'out'], [out !== undefined ? figurePath(out) : undefined, 'out'], [checkpointPath, 'checkpoint']] as const) {
    if (path === undefined) continue;
    checkWritable(path, option);
    releases.push(lockPath(path, option));
    removeStaleTemporaries(path);
  }
  try {
    return await trainLocked(config, stored, { resumeFile, checkpointPath, out, quiet, say, given });
  } finally {
    for (const release of releases) release();
  }
}

/** What {@link trainLocked} needs from the command line. */
interface TrainContext {
  readonly resumeFile: string | undefined;
  readonly checkpointPath: string | undefined;
  readonly out: string | undefined;
  readonly quiet: boolean;
  readonly say: (s: string) => void;
  readonly given: Record<string, string | boolean>;
}

/** The run itself, once its output paths are checked and locked. */
async function trainLocked(config: RunConfigInput, stored: StoredCheckpoint | undefined, context: TrainContext): Promise<number> {
  const { resumeFile, checkpointPath, out, quiet, say, given } = context;
  const checkpointEvery = numberOption('checkpoint-every', given['checkpoint-every'], true) ?? 500;
  if (checkpointEvery < 1) throw new UsageError(`--checkpoint-every must be ≥ 1, got ${checkpointEvery}`);

  const controller = new AbortController();
  const stop = (signal: string): void => {
    if (controller.signal.aborted) process.exit(130); // a second signal: give up at once
    say(`\n${signal}: stopping after this iteration${checkpointPath ? ` and saving ${checkpointPath}` : ''}`);
    controller.abort();
  };
  const onInt = (): void => stop('SIGINT');
  const onTerm = (): void => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let lastCheckpoint: number | undefined;
  const bar = progress(quiet);
  let run: ExperimentRun;
  try {
    run = await runExperiment(config, {
      log: say,
      warn: (s) => process.stderr.write(`${s}\n`),
      signal: controller.signal,
      versions: cliVersions(),
      onIteration: (info) => bar.iteration(info),
      onEvaluation: (record) => bar.evaluation(record),
      onStart: (prepared) => {
        if (stored && resumeFile) checkInputs(stored.inputs, prepared.inputs, resumeFile);
        if (stored && stored.state.iteration >= prepared.config.budget.iterations) {
          throw new NothingToTrain(`checkpoint ${resumeFile} is already at iteration ${stored.state.iteration} of ${prepared.config.budget.iterations}; nothing was trained or written (extend it with --iterations N)`);
        }
      },
      ...(stored ? { resume: stored.state, resumeSource: `checkpoint ${resumeFile}` } : {}),
      ...(checkpointPath
        ? {
            checkpointEvery,
            onCheckpoint: (state: TrainingState, prepared) => {
              writeRunCheckpoint(checkpointPath, state, { runConfig: prepared.config, settings: prepared.built.settings, inputs: prepared.inputs });
              lastCheckpoint = state.iteration;
            },
          }
        : {}),
    });
  } catch (err) {
    if (err instanceof NothingToTrain) {
      process.stdout.write(`${err.message}\n`);
      return 0;
    }
    if (err instanceof DivergenceError && checkpointPath) throw new DivergenceError(`${err.message}; ${divergenceNote(lastCheckpoint, checkpointPath, stored, resumeFile)}`);
    throw err;
  } finally {
    bar.done();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const { results, result } = run;
  if (out !== undefined) saveResults(out, results, say);
  if (out !== undefined && run.figure) {
    await writeFigureSvg(figurePath(out), run.figure); // after the results, so a failure here loses none
    say(`figure written to ${figurePath(out)}`);
  }
  if (result.interrupted) {
    say(`interrupted at iteration ${result.iterations}${checkpointPath ? `; continue with: gfn train --resume ${checkpointPath}` : ' (no --checkpoint given, so nothing to resume from)'}`);
    return 130;
  }
  process.stdout.write(`${summaryLine(results, run.prepared.entry)}\n`);
  if (!quiet && run.picture) process.stdout.write(`${run.picture}\n`);
  return 0;
}

/**
 * What a diverged run leaves behind. Resuming is exact, so a checkpoint written before the divergence
 * replays the same iterations into it: it is kept, but never called good (and a resumed checkpoint
 * that diverges before the next one is written is said to lead to the divergence).
 */
function divergenceNote(written: number | undefined, checkpointPath: string, stored: StoredCheckpoint | undefined, resumeFile: string | undefined): string {
  const replay = 'resuming it with the same settings replays the same iterations (resume is exact) and diverges again; start a new run with other settings';
  if (written !== undefined) return `the checkpoint of iteration ${written} is kept in ${checkpointPath}, but ${replay}`;
  if (stored && resumeFile) {
    const unchanged = `${resumeFile} is kept unchanged${checkpointPath !== resumeFile ? ` and nothing was written to ${checkpointPath}` : ''}`;
    return `this run resumed ${resumeFile} at iteration ${stored.state.iteration} and diverged before writing a checkpoint, so resuming it with its settings diverges again (resume is exact); ${unchanged}; start a new run with other settings`;
  }
  return 'no checkpoint was written yet';
}

/** A resume that would add no iterations: reported, and nothing on disk changes. */
class NothingToTrain extends Error {}
