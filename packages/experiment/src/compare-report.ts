import type { ResultsFile } from './results.js';

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

const fmt = (v: number, digits = 3): string => (Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4) || v === 0 ? v.toFixed(digits) : v.toExponential(2);

/** The markdown table of a comparison: final and lowest JSD, log Z error and time per objective. */
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

/** What {@link comparisonMarkdown} reports. */
export interface ComparisonSummary {
  /** The command that produced the comparison, for the reader to rerun. */
  readonly command: string;
  readonly minutes: number;
  /** Runs reused from an earlier invocation, of `runs`. */
  readonly reused: number;
  readonly runs: number;
  /** First and last seed. */
  readonly seeds: readonly [number, number];
  /** One finished run, whose settings every run shares; undefined when none finished. */
  readonly first: ResultsFile | undefined;
  /** The table of {@link resultsTable}. */
  readonly table: string;
  /** "objective seed N: message" of each failed run. */
  readonly failures: readonly string[];
  /** The figures written beside results.md (file names), as `writeComparisonFigures` returns them. */
  readonly figures: readonly string[];
}

/** The markdown lines that show a comparison's figures (`curves.svg` embeds `jsd.svg`'s panel too). */
export function comparisonFigureLines(figures: readonly string[]): string[] {
  const names = figures.map((f) => f.split(/[\\/]/).pop());
  if (names.includes('curves.svg')) return ['![JSD, L1, loss and log Z against trajectories sampled](curves.svg)', '', ...(names.includes('jsd.svg') ? ['The JSD panel alone: [jsd.svg](jsd.svg).', ''] : [])];
  return ['No run recorded a curve to draw.', ''];
}

/** The results.md of a comparison: command, shared settings, the table, how to read it, failures, the plots. */
export function comparisonMarkdown(c: ComparisonSummary): string {
  const show = (v: unknown): string =>
    Array.isArray(v) ? v.join(',') : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, x]) => `${k} ${String(x)}`).join(' / ') : String(v);
  const settings = c.first ? Object.entries(c.first.config).filter(([k]) => !['packageVersions', 'objective', 'seed', 'runConfig'].includes(k)) : [];
  return [
    '# Objective comparison',
    '',
    `Produced by \`${c.command}\` (${c.minutes.toFixed(1)} min in all${c.reused > 0 ? `; ${c.reused} of the ${c.runs} runs reused from an earlier invocation` : ''}).`,
    '',
    c.first ? `Settings of every run: ${settings.map(([k, v]) => `${k} ${show(v)}`).join(', ')}; seeds ${c.seeds[0]}–${c.seeds[1]}.` : 'No run finished.',
    '',
    c.table,
    '',
    'Final JSD is the exact Jensen–Shannon divergence between the learned terminating distribution P_F^T and R/Z after the last iteration; ',
    'lowest JSD the lowest value at any evaluation of a run (every --eval-every iterations), averaged over seeds. ',
    'log Z error is |log Z − log Ẑ| for the objectives that learn log Z (n/a for the others). Time is wall time per run, evaluation included.',
    '',
    ...(c.failures.length > 0 ? ['Failed runs (left out of the table and the plots):', '', ...c.failures.map((f) => `- ${f}`), ''] : []),
    ...comparisonFigureLines(c.figures),
  ].join('\n');
}
