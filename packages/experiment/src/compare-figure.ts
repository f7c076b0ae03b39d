import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSpecSvg } from './figure.js';
import { writeTextAtomic } from './io.js';
import type { ResultsFile } from './results.js';

/** A training curve of a comparison: a field of the results files' history, its axis title. */
export interface ComparisonCurve {
  readonly field: 'jsd' | 'l1' | 'tv' | 'loss' | 'logZ';
  readonly title: string;
}

/**
 * The curves `gfn compare` and `gfn sweep` draw, in order; a curve that no run recorded is left out
 * (no exact metrics without enumeration, no log Z for the objectives that do not learn it).
 */
export const COMPARISON_CURVES: readonly ComparisonCurve[] = [
  { field: 'jsd', title: 'JSD(P_F^T, R/Z)' },
  { field: 'l1', title: 'L1(P_F^T, R/Z)' },
  { field: 'loss', title: 'training loss' },
  { field: 'logZ', title: 'learned log Z' },
];

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** One point of a group's curve: the mean over its runs at one evaluation, and the lowest and highest run. */
interface CurvePoint {
  readonly group: string;
  readonly trajectories: number;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
}

/** Each group's curve of `field`: evaluation by evaluation (the first run's), over the runs that recorded it. */
function curvePoints(groups: readonly string[], results: ReadonlyMap<string, readonly ResultsFile[]>, field: ComparisonCurve['field']): CurvePoint[] {
  return groups.flatMap((group) => {
    const runs = results.get(group) ?? [];
    return (runs[0]?.history ?? []).flatMap((record, i) => {
      const ys = runs.map((r) => r.history[i]?.[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (ys.length === 0) return [];
      return [{ group, trajectories: record.trajectories, mean: ys.reduce((s, v) => s + v, 0) / ys.length, lo: Math.min(...ys), hi: Math.max(...ys) }];
    });
  });
}

type PanelSpec = Extract<TopLevelSpec, { concat: unknown }>['concat'][number];

function curvePanel(curve: ComparisonCurve, points: readonly CurvePoint[], groups: readonly string[], trueLogZ: number | null): PanelSpec {
  // A log axis where every value is positive (divergences, most losses); a linear one otherwise.
  const log = curve.field !== 'logZ' && points.every((p) => p.lo > 0);
  const rule = curve.field === 'logZ' && trueLogZ !== null;
  const y = { type: 'quantitative' as const, title: `${curve.title}${log ? ' (log scale)' : ''}${rule ? ' (dashed: true log Z)' : ''}`, scale: log ? { type: 'log' as const } : { zero: false } };
  const color = { field: 'group', type: 'nominal' as const, title: null, scale: { domain: [...groups], range: groups.map((_, i) => PALETTE[i % PALETTE.length] as string) } };
  const x = { field: 'trajectories', type: 'quantitative' as const, title: 'trajectories sampled' };
  const layers: PanelSpec[] = [
    { mark: { type: 'errorband', opacity: 0.15 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
    { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'mean' }, color } },
  ];
  if (rule) {
    layers.push({ data: { values: [{ trueLogZ }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#333' }, encoding: { y: { field: 'trueLogZ', type: 'quantitative' } } });
  }
  return { name: curve.field, width: 320, height: 210, data: { values: [...points] }, layer: layers } as PanelSpec;
}

/**
 * The Vega-Lite specification of a comparison: one panel per curve any run recorded, each group's mean
 * over its runs as a line with a band from the lowest to the highest run, one legend for all panels.
 */
export function comparisonSpec(
  groups: readonly string[],
  results: ReadonlyMap<string, readonly ResultsFile[]>,
  title: string,
  curves: readonly ComparisonCurve[] = COMPARISON_CURVES,
): TopLevelSpec | undefined {
  const trueLogZ = [...results.values()].flat()[0]?.metrics.trueLogZ ?? null;
  const panels = curves
    .map((curve) => ({ curve, points: curvePoints(groups, results, curve.field) }))
    .filter(({ points }) => points.length > 0)
    .map(({ curve, points }) => curvePanel(curve, points, groups, trueLogZ));
  if (panels.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 15 },
    background: 'white',
    padding: 12,
    columns: 2,
    concat: panels,
    resolve: { scale: { color: 'shared' } },
    // Legend symbols as strokes at full colour, like the lines (not the faint bands).
    config: { font: 'sans-serif', view: { stroke: '#ccc' }, concat: { spacing: 30 }, legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3 } },
  };
}

/**
 * Draws a comparison into `dir`: `curves.svg` (every curve of {@link COMPARISON_CURVES} that a run recorded)
 * and `jsd.svg` (the JSD panel alone), with Vega-Lite. Returns the files written: none when no run
 * recorded anything to draw, only `curves.svg` when none recorded a JSD.
 */
export async function writeComparisonFigures(dir: string, groups: readonly string[], results: ReadonlyMap<string, readonly ResultsFile[]>, title: string): Promise<string[]> {
  const written: string[] = [];
  const jsd = COMPARISON_CURVES.filter((c) => c.field === 'jsd');
  for (const [name, curves] of [['curves.svg', COMPARISON_CURVES], ['jsd.svg', jsd]] as const) {
    const spec = comparisonSpec(groups, results, title, curves);
    if (!spec) continue;
    const path = join(dir, name);
    writeTextAtomic(path, await renderSpecSvg(spec));
    written.push(path);
  }
  return written;
}
