const SHADES = ' .:-=+*#%@';

/**
 * A text heat map of two distributions over a 2-D grid, side by side (rows: first coordinate).
 * `get(i, j)` returns the two probabilities of cell (i, j). Both maps share one scale.
 */
export function sideBySideHeatmap(
  height: number,
  get: (i: number, j: number) => readonly [number, number],
  titles: readonly [string, string],
  maxWidth = 64,
): string {
  // Down-sample large grids by summing blocks so the picture fits a terminal.
  const block = Math.max(1, Math.ceil(height / maxWidth));
  const cells = Math.ceil(height / block);
  const left: number[][] = [];
  const right: number[][] = [];
  let max = 0;
  for (let bi = 0; bi < cells; bi++) {
    const l: number[] = [];
    const r: number[] = [];
    for (let bj = 0; bj < cells; bj++) {
      let a = 0;
      let b = 0;
      for (let i = bi * block; i < Math.min(height, (bi + 1) * block); i++) {
        for (let j = bj * block; j < Math.min(height, (bj + 1) * block); j++) {
          const [p, q] = get(i, j);
          a += p;
          b += q;
        }
      }
      l.push(a);
      r.push(b);
      max = Math.max(max, a, b);
    }
    left.push(l);
    right.push(r);
  }
  const shade = (v: number): string => {
    const k = max > 0 ? Math.min(SHADES.length - 1, Math.round((v / max) * (SHADES.length - 1))) : 0;
    const c = SHADES[k] as string;
    return c + c;
  };
  const w = cells * 2;
  const lines = [`${titles[0].padEnd(w)}   ${titles[1]}`];
  for (let i = 0; i < cells; i++) {
    lines.push(`${(left[i] as number[]).map(shade).join('')}   ${(right[i] as number[]).map(shade).join('')}`);
  }
  return lines.join('\n');
}
