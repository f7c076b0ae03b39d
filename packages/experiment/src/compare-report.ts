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
}

/** The results.md of a comparison: command, shared settings, the table, how to read it, failures, the plot. */
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
    ...(c.failures.length > 0 ? ['Failed runs (left out of the table and the plot):', '', ...c.failures.map((f) => `- ${f}`), ''] : []),
    '![JSD against trajectories sampled](jsd.svg)',
    '',
  ].join('\n');
}
