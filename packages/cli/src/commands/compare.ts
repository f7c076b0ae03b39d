import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OBJECTIVE_BUILDERS } from '../objectives.js';
import type { OptionSpecs, ParsedOptions } from '../options.js';
import { helpText, parseOptions, required, UsageError } from '../options.js';
import { writeJsonAtomic, writeTextAtomic } from '../results.js';
import { TRAIN_OPTIONS } from '../training-options.js';
import type { ResultsFile } from './train.js';
import { runTraining } from './train.js';

/** Train options that make no sense per run of a comparison (set by compare itself, or single-run only). */
const NOT_PER_RUN = new Set(['objective', 'out', 'quiet', 'resume', 'checkpoint', 'checkpoint-every', 'config']);

const PER_RUN_OPTIONS: OptionSpecs = Object.fromEntries(Object.entries(TRAIN_OPTIONS).filter(([k]) => !NOT_PER_RUN.has(k)));

const COMPARE_OPTIONS: OptionSpecs = {
  ...PER_RUN_OPTIONS,
  objectives: { type: 'string', default: 'tb,db,subtb,rkl', help: `Comma-separated objectives to compare (of ${Object.keys(OBJECTIVE_BUILDERS).join(', ')})` },
  seeds: { type: 'int', min: 1, max: 1000, default: 3, help: 'Runs per objective, with seeds --seed, --seed + 1, …' },
  jobs: { type: 'int', min: 1, max: 256, default: 1, help: 'Runs at a time (each in its own process when > 1)' },
  reuse: { type: 'boolean', help: 'Keep the runs already in DIR/runs (e.g. of an interrupted comparison) instead of training them again' },
  out: { type: 'string', help: 'Output directory: results.md, jsd.svg and runs/*.json (required)' },
  quiet: { type: 'boolean', help: 'No progress output' },
};

export const COMPARE_HELP: string = helpText(
  'gfn compare --objectives tb,db,subtb,rkl [--seeds K] [--iterations N] [train options…] --out DIR',
  'Trains each objective with the same budget and settings (any train option applies to every run) and writes DIR/results.md (final JSD mean ± std, log Z error, time), DIR/jsd.svg (JSD against trajectories sampled) and DIR/runs/*.json.',
  COMPARE_OPTIONS,
);

interface Run {
  readonly objective: string;
  readonly seed: number;
  readonly file: string;
}

/** The command-line tokens that reproduce `options` for one `gfn train` run. */
function trainTokens(options: ParsedOptions): string[] {
  const tokens: string[] = [];
  for (const [name, spec] of Object.entries(TRAIN_OPTIONS)) {
    const v = options[name];
    if (v === undefined || v === false) continue;
    if (spec.type === 'boolean') tokens.push(`--${name}`);
    else tokens.push(`--${name}`, String(v));
  }
  return tokens;
}

/** Runs `gfn train` in a child process (same Node, and tsx when running from source). */
function runChild(options: ParsedOptions): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const bin = join(dirname(here), '..', `bin${ext}`);
  const loader = ext === '.ts' ? ['--import', 'tsx', '--conditions=@gflownet/source'] : [];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...loader, bin, 'train', ...trainTokens(options)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`gfn train ${options.objective} seed ${options.seed} exited with ${code}: ${err.trim()}`))));
  });
}

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

const fmt = (v: number, digits = 3): string => (Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4) || v === 0 ? v.toFixed(digits) : v.toExponential(2);

/** The markdown table of a comparison. */
export function resultsTable(objectives: readonly string[], results: ReadonlyMap<string, ResultsFile[]>, seeds?: number): string {
  const rows = [
    '| objective | runs | final JSD (mean ± std) | lowest JSD (mean) | \\|log Z − log Ẑ\\| (mean ± std) | time per run (s) | it/s |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const o of objectives) {
    const runs = results.get(o) ?? [];
    const jsd = runs.map((r) => r.metrics.jsd).filter((v): v is number => v !== null);
    const dz = runs.map((r) => r.metrics.logZError).filter((v): v is number => v !== null);
    const lowest = runs.map((r) => Math.min(...r.history.map((h) => h.jsd ?? Number.POSITIVE_INFINITY))).filter((v) => Number.isFinite(v));
    const cell = (xs: number[], digits: number): string => {
      if (xs.length === 0) return 'n/a';
      const { mean, std } = meanStd(xs);
      return `${fmt(mean, digits)} ± ${fmt(std, digits)}`;
    };
    const time = meanStd(runs.map((r) => r.throughput.wallSeconds)).mean;
    const speed = meanStd(runs.map((r) => r.throughput.iterationsPerSecond)).mean;
    const count = seeds !== undefined && runs.length < seeds ? `${runs.length} of ${seeds}` : `${runs.length}`;
    const timing = runs.length > 0 ? `${time.toFixed(1)} | ${speed.toFixed(1)}` : 'n/a | n/a';
    const best = lowest.length > 0 ? fmt(meanStd(lowest).mean, 4) : 'n/a';
    rows.push(`| ${o} | ${count} | ${cell(jsd, 4)} | ${best} | ${cell(dz, 3)} | ${timing} |`);
  }
  return rows.join('\n');
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/**
 * A hand-written SVG: JSD (log scale) against trajectories sampled, one line per objective (the mean
 * over seeds at each evaluation) with a band from the lowest to the highest seed, and a legend.
 */
export function jsdPlot(objectives: readonly string[], results: ReadonlyMap<string, ResultsFile[]>, title: string): string {
  const W = 760;
  const H = 460;
  const m = { left: 70, right: 150, top: 40, bottom: 55 };
  const series = objectives.map((o, k) => {
    const runs = results.get(o) ?? [];
    const points: { x: number; mean: number; lo: number; hi: number }[] = [];
    const first = runs[0]?.history ?? [];
    first.forEach((rec, i) => {
      const ys = runs.map((r) => r.history[i]?.jsd).filter((v): v is number => v !== undefined && v > 0);
      if (ys.length === 0) return;
      points.push({ x: rec.trajectories, mean: ys.reduce((s, v) => s + v, 0) / ys.length, lo: Math.min(...ys), hi: Math.max(...ys) });
    });
    return { name: o, color: PALETTE[k % PALETTE.length] as string, points };
  });
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const yLo = Math.floor(Math.log10(Math.min(1, ...all.map((p) => p.lo))));
  const yHi = Math.max(yLo + 1, Math.ceil(Math.log10(Math.max(1e-12, ...all.map((p) => p.hi)))));
  const px = (x: number): number => m.left + (x / xMax) * (W - m.left - m.right);
  const py = (y: number): number => m.top + ((yHi - Math.log10(y)) / (yHi - yLo)) * (H - m.top - m.bottom);
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let e = yLo; e <= yHi; e++) {
    const y = py(10 ** e).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${y}" x2="${W - m.right}" y2="${y}" stroke="#ddd"/>`, `<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">1e${e}</text>`);
  }
  // x ticks at a round step (1, 2 or 5 × 10^k) giving at most about six ticks.
  const raw = xMax / 5;
  const p10 = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p10).find((v) => v >= raw) ?? raw;
  for (let v = 0; v <= xMax + 1e-9; v += step) {
    const x = px(v).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${H - m.bottom}" stroke="#eee"/>`, `<text x="${x}" y="${H - m.bottom + 18}" text-anchor="middle">${Math.round(v).toLocaleString('en')}</text>`);
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle">trajectories sampled</text>`,
    `<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">JSD(P_F^T, R/Z) (log scale)</text>`,
  );
  series.forEach((s, k) => {
    if (s.points.length > 0) {
      const band = [...s.points.map((p) => `${px(p.x).toFixed(1)},${py(p.hi).toFixed(1)}`), ...[...s.points].reverse().map((p) => `${px(p.x).toFixed(1)},${py(p.lo).toFixed(1)}`)];
      out.push(`<polygon points="${band.join(' ')}" fill="${s.color}" fill-opacity="0.12" stroke="none"/>`);
      out.push(`<polyline points="${s.points.map((p) => `${px(p.x).toFixed(1)},${py(p.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    }
    const ly = m.top + 10 + k * 20;
    out.push(`<line x1="${W - m.right + 15}" y1="${ly}" x2="${W - m.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`, `<text x="${W - m.right + 46}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** `gfn compare`. Returns 1 when no run finished, 0 otherwise (failed runs are listed in results.md). */
export async function compareCommand(argv: readonly string[]): Promise<number> {
  const options = parseOptions('compare', argv, COMPARE_OPTIONS);
  if (options.help) {
    process.stdout.write(`${COMPARE_HELP}\n`);
    return 0;
  }
  const dir = resolve(required<string>(options, 'out', 'compare'));
  const objectives = (options.objectives as string).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (objectives.length === 0) throw new UsageError('--objectives lists no objective');
  for (const o of objectives) if (!(o in OBJECTIVE_BUILDERS)) throw new UsageError(`--objectives: unknown objective "${o}" (choices: ${Object.keys(OBJECTIVE_BUILDERS).join(', ')})`);
  if (new Set(objectives).size !== objectives.length) throw new UsageError('--objectives lists an objective twice');
  const say = (s: string): void => {
    if (!options.quiet) process.stderr.write(`${s}\n`);
  };
  const seed0 = options.seed as number;
  const runs: Run[] = objectives.flatMap((objective) =>
    Array.from({ length: options.seeds as number }, (_, k) => ({ objective, seed: seed0 + k, file: join(dir, 'runs', `${objective}-seed${seed0 + k}.json`) })),
  );
  const perRun = (run: Run): ParsedOptions => {
    const { objectives: _o, seeds: _s, jobs: _j, out: _d, reuse: _r, ...rest } = options;
    return { ...rest, objective: run.objective, seed: run.seed, quiet: true, out: run.file };
  };
  const jobs = Math.min(options.jobs as number, runs.length);
  say(`comparing ${objectives.join(', ')}: ${runs.length} runs of ${options.iterations} iterations, ${jobs} at a time`);
  const started = Date.now();
  let next = 0;
  let finished = 0;
  let reusedCount = 0;
  const failures: { run: Run; message: string }[] = [];
  let fatal: Error | undefined;
  const worker = async (): Promise<void> => {
    while (next < runs.length && fatal === undefined) {
      const run = runs[next++] as Run;
      const t0 = Date.now();
      const reused = options.reuse === true && existsSync(run.file);
      try {
        if (reused) reusedCount++;
        else if (jobs > 1) await runChild(perRun(run));
        else {
          // Validate the per-run options exactly as `gfn train` would, then run in this process.
          const parsed = parseOptions('train', trainTokens(perRun(run)), TRAIN_OPTIONS);
          const { results } = await runTraining(parsed);
          writeJsonAtomic(run.file, results);
        }
      } catch (err) {
        // A diverged run is a result too: record it and go on with the others.
        if (err instanceof UsageError) {
          fatal = err; // bad options fail every run alike: stop handing out runs
          return;
        }
        const message = ((err as Error).message ?? String(err)).split('\n').slice(-1)[0] as string;
        failures.push({ run, message });
        finished++;
        say(`[${finished}/${runs.length}] ${run.objective} seed ${run.seed}: failed: ${message}`);
        continue;
      }
      const r = JSON.parse(readFileSync(run.file, 'utf8')) as ResultsFile;
      finished++;
      say(`[${finished}/${runs.length}] ${run.objective} seed ${run.seed}: jsd ${r.metrics.jsd === null ? 'n/a' : r.metrics.jsd.toPrecision(3)} ${reused ? '(reused)' : `in ${((Date.now() - t0) / 1000).toFixed(0)} s`}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  if (fatal) throw fatal;

  const results = new Map<string, ResultsFile[]>();
  for (const run of runs) {
    if (failures.some((f) => f.run === run)) continue;
    results.set(run.objective, [...(results.get(run.objective) ?? []), JSON.parse(readFileSync(run.file, 'utf8')) as ResultsFile]);
  }
  const first = [...results.values()][0]?.[0];
  const show = (v: unknown): string =>
    Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(' / ') : String(v);
  const settings = first ? Object.entries(first.config).filter(([k]) => k !== 'packageVersions' && k !== 'objective' && k !== 'seed') : [];
  const table = resultsTable(objectives, results, options.seeds as number);
  const command = `gfn compare ${argv.map((a) => (/^[\w./:,=+-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;
  const md = [
    '# Objective comparison',
    '',
    `Produced by \`${command}\` (${((Date.now() - started) / 1000 / 60).toFixed(1)} min in all${reusedCount > 0 ? `; ${reusedCount} of the ${runs.length} runs reused from an earlier invocation` : ''}).`,
    '',
    first
      ? `Settings of every run: ${settings.map(([k, v]) => `${k} ${show(v)}`).join(', ')}; seeds ${seed0}–${seed0 + (options.seeds as number) - 1}.`
      : 'No run finished.',
    '',
    table,
    '',
    'Final JSD is the exact Jensen–Shannon divergence between the learned terminating distribution P_F^T and R/Z after the last iteration; ',
    'lowest JSD the lowest value at any evaluation of a run (every --eval-every iterations), averaged over seeds. ',
    'log Z error is |log Z − log Ẑ| for the objectives that learn log Z (n/a for the others). Time is wall time per run, evaluation included.',
    '',
    ...(failures.length > 0 ? ['Failed runs (left out of the table and the plot):', '', ...failures.map((f) => `- ${f.run.objective} seed ${f.run.seed}: ${f.message}`), ''] : []),
    '![JSD against trajectories sampled](jsd.svg)',
    '',
  ].join('\n');
  writeTextAtomic(join(dir, 'results.md'), md);
  writeTextAtomic(join(dir, 'jsd.svg'), jsdPlot(objectives, results, `JSD against trajectories sampled (mean of ${options.seeds} seeds; band: min–max)`));
  process.stdout.write(`${table}\n`);
  say(`results written to ${join(dir, 'results.md')}, ${join(dir, 'jsd.svg')} and ${join(dir, 'runs')}/`);
  if (failures.length > 0) say(`${failures.length} of ${runs.length} runs failed (listed in results.md)`);
  return first ? 0 : 1;
}
