import type { BuiltEnvironment, FigureContext, FigurePanel } from '@gflownet/core';
import type { DagEnvironment } from '../index.js';
import { edgeMarginalsFromKeys } from '../index.js';

/** DAGs shown in the bar chart, by exact posterior. */
const TOP_DAGS = 10;

/** A DAG key (d² characters `0`/`1`, row → column) as its edges, e.g. `A→B, B→C`. */
function edgeList(key: string, names: readonly string[]): string {
  const d = names.length;
  const out: string[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (key[i * d + j] === '1') out.push(`${names[i]}→${names[j]}`);
  return out.length > 0 ? out.join(', ') : '(empty graph)';
}

/** A `[d, d]` matrix with NaN on the diagonal (no self-loops, so no cell). */
const offDiagonal = (d: number, m: ArrayLike<number>): Float64Array => Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? Number.NaN : (m[k] as number)));

/**
 * The DAG figure: edge marginals P(X→Y | D) learned beside exact (and the true graph where the data
 * were simulated), and the top DAGs by exact posterior with their learned probabilities. Beyond exact
 * evaluation it draws the sample-based marginals of the metrics alone.
 */
export function dagFigure(built: BuiltEnvironment, { exact, metrics }: FigureContext): FigurePanel[] {
  const env = built.env as DagEnvironment;
  const { d } = env;
  const names = env.data.names;
  const maps: { name: string; values: Float64Array }[] = [];
  if (exact) {
    const keys = exact.graph.keys;
    maps.push({ name: 'learned P_F^T', values: offDiagonal(d, edgeMarginalsFromKeys(d, keys, exact.distribution)) });
    maps.push({ name: 'exact posterior', values: offDiagonal(d, edgeMarginalsFromKeys(d, keys, exact.target.probs)) });
  } else {
    const sampled = Float64Array.from({ length: d * d }, (_, k) => metrics[`edgeMarginal:${names[Math.floor(k / d)]}->${names[k % d]}`] ?? Number.NaN);
    maps.push({ name: `learned (${metrics.posteriorSamples ?? 'sampled'} samples)`, values: offDiagonal(d, sampled) });
  }
  if (env.data.graph) maps.push({ name: 'true graph', values: offDiagonal(d, env.data.graph) });
  const rmse = typeof metrics.edgeRmse === 'number' ? ` (RMSE ${metrics.edgeRmse.toPrecision(3)})` : '';
  const panels: FigurePanel[] = [
    {
      kind: 'heatmap',
      title: `Edge marginals P(row → column | D)${exact ? ': learned vs exact' : ', estimated from samples'}${rmse}`,
      rows: names,
      columns: names,
      rowTitle: 'parent',
      columnTitle: 'child',
      valueTitle: 'P(edge)',
      maps,
    },
  ];
  if (exact) {
    const target = exact.target.probs;
    const top = Array.from({ length: exact.graph.numStates }, (_, i) => i)
      .sort((a, b) => (target[b] as number) - (target[a] as number))
      .slice(0, TOP_DAGS);
    panels.push({
      kind: 'bars',
      title: `Top ${top.length} DAGs by exact posterior (of ${exact.graph.numStates.toLocaleString('en')})`,
      categories: top.map((i) => edgeList(exact.graph.keys[i] as string, names)),
      categoryTitle: 'DAG',
      valueTitle: 'probability',
      series: [
        { name: 'exact posterior', values: top.map((i) => target[i] as number) },
        { name: 'learned P_F^T', values: top.map((i) => exact.distribution[i] as number) },
      ],
    });
  }
  return panels;
}
