import type { BarsPanel, BuiltEnvironment, EnvironmentExperiment, Figure, FigureContext, FigurePanel, HeatmapPanel, HistogramPanel, ScatterPanel } from '@gflownet/core';
import type { TopLevelSpec } from 'vega-lite';
import type { RunConfig } from './config.js';
import { writeTextAtomic } from './io.js';

/** Colours of series, in order (the first two: learned/trained and target/baseline). */
const SERIES_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
/** Width of a panel's plot area in pixels (a heat map's cells shrink to fit). */
const PANEL_WIDTH = 360;
const HEATMAP_SIZE = 280;

/** The SVG beside a results file: `runs/x.json` → `runs/x.svg`, any other name gets `.svg` added. */
export function figurePath(resultsPath: string): string {
  return resultsPath.endsWith('.json') ? `${resultsPath.slice(0, -'.json'.length)}.svg` : `${resultsPath}.svg`;
}

/** One panel's Vega-Lite view (a unit or a facet), as `vconcat` takes it. */
type PanelSpec = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

/** Finite numbers only: Vega-Lite would draw NaN and ±∞ at an axis' end. */
const finite = (v: number): boolean => Number.isFinite(v);

function seriesColour(names: readonly string[]): { scale: { domain: string[]; range: string[] } } {
  return { scale: { domain: [...names], range: names.map((_, i) => SERIES_COLOURS[i % SERIES_COLOURS.length] as string) } };
}

function heatmapSpec(p: HeatmapPanel): PanelSpec {
  const values: { map: string; row: string; column: string; value: number }[] = [];
  const cols = p.columns.length;
  for (const map of p.maps) {
    for (let r = 0; r < p.rows.length; r++) {
      for (let c = 0; c < cols; c++) {
        const v = map.values[r * cols + c] as number;
        if (finite(v)) values.push({ map: map.name, row: p.rows[r] as string, column: p.columns[c] as string, value: v });
      }
    }
  }
  const cell = Math.max(2, Math.floor(HEATMAP_SIZE / Math.max(p.rows.length, cols)));
  // Dense grids: a label on every cell would overlap, so label about every eighth.
  const every = (labels: readonly string[]): { values?: string[] } => (labels.length > 16 ? { values: labels.filter((_, i) => i % Math.ceil(labels.length / 8) === 0) } : {});
  return {
    title: { text: p.title, anchor: 'start' },
    data: { values },
    facet: { column: { field: 'map', type: 'nominal', sort: p.maps.map((m) => m.name), title: null, header: { labelFontSize: 12 } } },
    spec: {
      width: cell * cols,
      height: cell * p.rows.length,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'column', type: 'ordinal', sort: [...p.columns], scale: { domain: [...p.columns] }, title: p.columnTitle, axis: { labelAngle: 0, ...every(p.columns) } },
        y: { field: 'row', type: 'ordinal', sort: [...p.rows], scale: { domain: [...p.rows] }, title: p.rowTitle, axis: every(p.rows) },
        color: { field: 'value', type: 'quantitative', title: p.valueTitle, scale: { scheme: 'viridis', zero: true } },
      },
    },
    resolve: { scale: { color: 'shared' } },
  };
}

function barsSpec(p: BarsPanel): PanelSpec {
  const values = p.series.flatMap((s) => p.categories.map((category, i) => ({ series: s.name, category, value: s.values[i] as number }))).filter((d) => finite(d.value));
  const names = p.series.map((s) => s.name);
  return {
    title: { text: p.title, anchor: 'start' },
    data: { values },
    width: PANEL_WIDTH,
    height: { step: 9 * Math.max(1, names.length) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'category', type: 'nominal', sort: [...p.categories], title: p.categoryTitle, axis: { labelLimit: 260 } },
      yOffset: { field: 'series', type: 'nominal', sort: names },
      x: { field: 'value', type: 'quantitative', title: p.valueTitle },
      color: { field: 'series', type: 'nominal', title: null, ...seriesColour(names) },
    },
  };
}

function histogramSpec(p: HistogramPanel): PanelSpec {
  const values = p.series.flatMap((s) => Array.from(s.values, (value) => ({ series: s.name, value }))).filter((d) => finite(d.value));
  const names = p.series.map((s) => s.name);
  return {
    title: { text: p.title, anchor: 'start' },
    data: { values },
    width: PANEL_WIDTH,
    height: 200,
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: 'value', type: 'quantitative', bin: { maxbins: 30 }, title: p.valueTitle },
      y: { aggregate: 'count', type: 'quantitative', stack: null, title: p.countTitle },
      color: { field: 'series', type: 'nominal', title: null, ...seriesColour(names) },
    },
  };
}

function scatterSpec(p: ScatterPanel): PanelSpec {
  const values = p.series.flatMap((s) => Array.from(s.x, (x, i) => ({ series: s.name, x, y: s.y[i] as number }))).filter((d) => finite(d.x) && finite(d.y));
  const names = p.series.map((s) => s.name);
  return {
    title: { text: p.title, anchor: 'start' },
    data: { values },
    width: PANEL_WIDTH,
    height: 260,
    mark: { type: 'point', filled: true, opacity: 0.6, size: 24 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false }, title: p.xTitle },
      y: { field: 'y', type: 'quantitative', scale: { zero: false }, title: p.yTitle },
      color: { field: 'series', type: 'nominal', title: null, ...seriesColour(names) },
    },
  };
}

function panelSpec(panel: FigurePanel): PanelSpec {
  switch (panel.kind) {
    case 'heatmap':
      return heatmapSpec(panel);
    case 'bars':
      return barsSpec(panel);
    case 'histogram':
      return histogramSpec(panel);
    case 'scatter':
      return scatterSpec(panel);
  }
}

/** The Vega-Lite specification of a figure: its panels top to bottom, each with its own scales. */
export function figureSpec(figure: Figure): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: figure.title, ...(figure.subtitle ? { subtitle: figure.subtitle } : {}), anchor: 'start', fontSize: 15 },
    background: 'white',
    padding: 12,
    // Each panel named by its kind and place (`heatmap0`, `bars1`): the SVG's mark groups carry the name.
    vconcat: figure.panels.map((panel, i) => ({ ...panelSpec(panel), name: `${panel.kind}${i}` })),
    resolve: { scale: { color: 'independent' } },
    config: { font: 'sans-serif', view: { stroke: '#ccc' }, concat: { spacing: 36 } },
  };
}

/**
 * Renders a figure as a standalone SVG document with Vega-Lite and Vega, headless (no DOM, no canvas).
 * The plotting libraries load on first use, so runs that draw nothing never import them.
 */
export async function renderFigureSvg(figure: Figure): Promise<string> {
  return renderSpecSvg(figureSpec(figure));
}

/** Renders any Vega-Lite specification as a standalone SVG document, headless (see {@link renderFigureSvg}). */
export async function renderSpecSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** Renders a figure ({@link renderFigureSvg}) and writes it atomically to `path`. */
export async function writeFigureSvg(path: string, figure: Figure): Promise<void> {
  writeTextAtomic(path, await renderFigureSvg(figure));
}

/**
 * The entry's figure of a finished run, titled with the run (objective, iterations, batch, seed; the
 * settings below). A figure that fails is a warning, never a lost run.
 */
export async function runFigure(
  prepared: { readonly config: RunConfig; readonly entry: EnvironmentExperiment; readonly built: BuiltEnvironment },
  iterations: number,
  context: FigureContext,
  warn: (line: string) => void,
): Promise<Figure | undefined> {
  const { config, entry, built } = prepared;
  try {
    const panels = await entry.figure?.(built, context);
    if (!panels || panels.length === 0) return undefined;
    const { env: name, ...settings } = built.settings;
    return {
      title: `${name}: ${config.objective.name}, ${iterations} iterations × ${config.budget.batchSize} trajectories, seed ${config.seed}`,
      subtitle: Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', '),
      panels,
    };
  } catch (err) {
    warn(`warning: no figure: ${(err as Error).message}`);
    return undefined;
  }
}
