import type { BuiltEnvironment, FigureContext, FigurePanel } from '@gflownet/core';

/** Sides longer than this are drawn in blocks (each cell the sum of its block), as the text heat map is. */
const MAX_CELLS_PER_SIDE = 64;

/**
 * The hypergrid's figure: heat maps of the learned P_F^T beside the target R/Z on one colour scale
 * (rows: the first coordinate, columns: the second). With more than two dimensions the maps show the
 * marginal of the first two coordinates; a one-dimensional grid is one row.
 */
export function hypergridFigure(built: BuiltEnvironment, { exact, metrics }: FigureContext): FigurePanel[] | undefined {
  if (!exact) return undefined;
  const H = built.settings.height as number;
  const D = built.settings.ndim as number;
  const block = Math.ceil(H / MAX_CELLS_PER_SIDE);
  const side = Math.ceil(H / block);
  const rows = D > 1 ? side : 1;
  const learned = new Float64Array(rows * side);
  const target = new Float64Array(rows * side);
  const { keys, terminating } = exact.graph;
  keys.forEach((key, i) => {
    if (!terminating[i]) return;
    const coords = key.split(',').map(Number);
    const r = D > 1 ? Math.floor((coords[0] as number) / block) : 0;
    const c = Math.floor((coords[D > 1 ? 1 : 0] as number) / block);
    learned[r * side + c] = (learned[r * side + c] as number) + (exact.distribution[i] as number);
    target[r * side + c] = (target[r * side + c] as number) + (exact.target.probs[i] as number);
  });
  const labels = Array.from({ length: side }, (_, k) => String(k * block));
  const blocks = block > 1 ? ` (blocks of ${block})` : '';
  const marginal = D > 2 ? `, the other ${D - 2} coordinates summed out` : '';
  const jsd = metrics.jsd;
  return [
    {
      kind: 'heatmap',
      title: `Terminating distribution: learned vs target${marginal}${typeof jsd === 'number' ? ` (JSD ${jsd.toPrecision(3)})` : ''}`,
      rows: D > 1 ? labels : [''],
      columns: labels,
      rowTitle: D > 1 ? `x₁${blocks}` : '',
      columnTitle: `${D > 1 ? 'x₂' : 'x₁'}${blocks}`,
      valueTitle: 'probability',
      maps: [
        { name: 'learned P_F^T', values: learned },
        { name: 'target R/Z', values: target },
      ],
    },
  ];
}
