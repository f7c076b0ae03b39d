import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsFile, RunConfigInput } from '@gflownet/experiment';
import { comparisonMarkdown, ConfigError, OBJECTIVE_NAMES, resolveRunConfig, resultsTable, runExperiment, writeComparisonFigures, writeJsonAtomic, writeTextAtomic } from '@gflownet/experiment';
import { SettingsError } from '@gflownet/core';
import type { OptionSpecs } from '../options.js';
import { helpText, numberOption, required, UsageError } from '../options.js';
import { readRunArguments, runOptionSpecs } from '../run-options.js';

const COMPARE_CONTROL: OptionSpecs = {
  objectives: { type: 'string', default: 'tb,db,subtb,rkl', help: `Comma-separated objectives to compare (of ${OBJECTIVE_NAMES.join(', ')})` },
  seeds: { type: 'int', default: 3, help: 'Runs per objective, with seeds --seed, --seed + 1, …' },
  jobs: { type: 'int', default: 1, help: 'Runs at a time (each in its own process when > 1)' },
  reuse: { type: 'boolean', help: 'Keep the runs already in DIR/runs (e.g. of an interrupted comparison) instead of training them again' },
  out: { type: 'string', help: 'Output directory: results.md, curves.svg, jsd.svg and runs/*.json (required)' },
  quiet: { type: 'boolean', help: 'No progress output' },
  config: { type: 'string', help: 'Read the runs’ settings from a JSON file (a run config or flat options)' },
};

const USAGE = 'gfn compare --objectives tb,db,subtb,rkl [--seeds K] [--iterations N] [train options…] --out DIR';
const SUMMARY =
  'Trains each objective with the same budget and settings (any train option applies to every run) and writes DIR/results.md (final JSD mean ± std, log Z error, time), DIR/curves.svg (JSD, L1, loss and log Z against trajectories sampled), DIR/jsd.svg (its JSD panel) and DIR/runs/*.json.';
export const COMPARE_HELP: string = helpText(USAGE, SUMMARY, { ...runOptionSpecs(), ...COMPARE_CONTROL });

interface Run {
  readonly objective: string;
  readonly seed: number;
  readonly file: string;
  readonly config: RunConfigInput;
}

/** Runs `gfn train --config FILE` in a child process (same Node, and tsx when running from source). */
function runChild(run: Run): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const bin = join(dirname(here), '..', `bin${ext}`);
  const loader = ext === '.ts' ? ['--import', 'tsx', '--conditions=@gflownet/source'] : [];
  const configFile = run.file.replace(/\.json$/, '.config.json');
  writeJsonAtomic(configFile, run.config);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...loader, bin, 'train', '--config', configFile, '--out', run.file, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`gfn train ${run.objective} seed ${run.seed} exited with ${code}: ${err.trim()}`))));
  });
}

/** `gfn compare`. Returns 1 when no run finished, 0 otherwise (failed runs are listed in results.md). */
export async function compareCommand(argv: readonly string[]): Promise<number> {
  const args = await readRunArguments('compare', argv, COMPARE_CONTROL);
  if (args.help) {
    process.stdout.write(`${COMPARE_HELP}\n`);
    return 0;
  }
  const { given, entry } = args;
  const dir = resolve(required(given, 'out', 'compare'));
  const objectives = String(given.objectives ?? COMPARE_CONTROL.objectives?.default).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (objectives.length === 0) throw new UsageError('--objectives lists no objective');
  for (const o of objectives) if (!(OBJECTIVE_NAMES as readonly string[]).includes(o)) throw new UsageError(`--objectives: unknown objective "${o}" (choices: ${OBJECTIVE_NAMES.join(', ')})`);
  if (new Set(objectives).size !== objectives.length) throw new UsageError('--objectives lists an objective twice');
  if (given.objective !== undefined) throw new UsageError('gfn compare takes --objectives (a list), not --objective');
  const seeds = numberOption('seeds', given.seeds, true) ?? 3;
  const jobs0 = numberOption('jobs', given.jobs, true) ?? 1;
  if (seeds < 1 || seeds > 1000) throw new UsageError(`--seeds must be between 1 and 1000, got ${seeds}`);
  if (jobs0 < 1 || jobs0 > 256) throw new UsageError(`--jobs must be between 1 and 256, got ${jobs0}`);
  const say = (s: string): void => {
    if (given.quiet !== true) process.stderr.write(`${s}\n`);
  };
  // Every run's config is checked up front: bad settings fail the comparison before any training.
  const base = resolveRunConfig(args.config, entry);
  const runs: Run[] = objectives.flatMap((objective) =>
    Array.from({ length: seeds }, (_, k) => {
      const seed = base.seed + k;
      return { objective, seed, file: join(dir, 'runs', `${objective}-seed${seed}.json`), config: { ...args.config, objective: { ...args.config.objective, name: objective as never }, seed } };
    }),
  );
  for (const run of runs) resolveRunConfig(run.config, entry);
  const jobs = Math.min(jobs0, runs.length);
  say(`comparing ${objectives.join(', ')}: ${runs.length} runs of ${base.budget.iterations} iterations, ${jobs} at a time`);
  const started = Date.now();
  let next = 0;
  let finished = 0;
  let reusedCount = 0;
  const failures: { run: Run; message: string }[] = [];
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const run = runs[next++] as Run;
      const t0 = Date.now();
      const reused = given.reuse === true && existsSync(run.file);
      try {
        if (reused) reusedCount++;
        else if (jobs > 1) await runChild(run);
        else writeJsonAtomic(run.file, (await runExperiment(run.config)).results);
      } catch (err) {
        if (err instanceof ConfigError || err instanceof SettingsError) throw err;
        // A diverged run is a result too: record it and go on with the others.
        const message = ((err as Error).message ?? String(err)).split('\n').slice(-1)[0] as string;
        failures.push({ run, message });
        say(`[${++finished}/${runs.length}] ${run.objective} seed ${run.seed}: failed: ${message}`);
        continue;
      }
      const r = JSON.parse(readFileSync(run.file, 'utf8')) as ResultsFile;
      say(`[${++finished}/${runs.length}] ${run.objective} seed ${run.seed}: jsd ${r.metrics.jsd === null ? 'n/a' : r.metrics.jsd.toPrecision(3)} ${reused ? '(reused)' : `in ${((Date.now() - t0) / 1000).toFixed(0)} s`}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));

  const results = new Map<string, ResultsFile[]>();
  for (const run of runs) {
    if (failures.some((f) => f.run === run)) continue;
    results.set(run.objective, [...(results.get(run.objective) ?? []), JSON.parse(readFileSync(run.file, 'utf8')) as ResultsFile]);
  }
  const first = [...results.values()][0]?.[0];
  const table = resultsTable(objectives, results, seeds);
  const command = `gfn compare ${argv.map((a) => (/^[\w./:,=+-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;
  const figures = await writeComparisonFigures(dir, objectives, results, `Training curves (mean of ${seeds} seeds; band: min–max)`);
  const md = comparisonMarkdown({
    command,
    minutes: (Date.now() - started) / 1000 / 60,
    reused: reusedCount,
    runs: runs.length,
    seeds: [base.seed, base.seed + seeds - 1],
    first,
    table,
    failures: failures.map((f) => `${f.run.objective} seed ${f.run.seed}: ${f.message}`),
    figures,
  });
  writeTextAtomic(join(dir, 'results.md'), md);
  process.stdout.write(`${table}\n`);
  say(`results written to ${[join(dir, 'results.md'), ...figures].join(', ')} and ${join(dir, 'runs')}/`);
  if (failures.length > 0) say(`${failures.length} of ${runs.length} runs failed (listed in results.md)`);
  return first ? 0 : 1;
}
