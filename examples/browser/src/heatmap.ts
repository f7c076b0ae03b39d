// Heat maps on a canvas: the learned distribution and its target share one colour scale.

/** Stops of a perceptually ordered ramp (viridis, sampled). */
const RAMP: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The ramp's colour at t ∈ [0, 1]. */
export function rampColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - k;
  const a = RAMP[k] as readonly number[];
  const b = RAMP[k + 1] as readonly number[];
  const c = a.map((v, i) => Math.round(v + f * ((b[i] as number) - v)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export interface HeatmapOptions {
  /** Value drawn at the top of the ramp (share it between maps to compare them). */
  readonly max: number;
  /** Write each cell's value in it (small matrices only). */
  readonly labels?: boolean;
  /** Cells that carry no value (e.g. the diagonal of an edge matrix), drawn grey. */
  readonly blank?: (row: number, col: number) => boolean;
  /** Names of the rows and columns, drawn in the margin (small matrices only). */
  readonly names?: readonly string[];
}

/** Side of the square a heat map fills, in canvas pixels (shrunk to a whole number of pixels per cell). */
const SIZE = 280;

/** Draws a `[rows, cols]` row-major matrix of values ≥ 0, resizing `canvas` to whole-pixel cells. */
export function drawHeatmap(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number, options: HeatmapOptions): void {
  const margin = options.names ? 28 : 0;
  const cw = Math.max(1, Math.floor((SIZE - margin) / cols));
  const ch = Math.max(1, Math.floor((SIZE - margin) / rows));
  if (canvas.width !== margin + cols * cw) canvas.width = margin + cols * cw;
  if (canvas.height !== margin + rows * ch) canvas.height = margin + rows * ch;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('heat map: the canvas has no 2-D context');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = `${Math.max(10, Math.min(18, Math.floor(ch / 4)))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = margin + c * cw;
      const y = margin + r * ch;
      if (options.blank?.(r, c)) {
        ctx.fillStyle = '#d9d9d9';
        ctx.fillRect(x, y, cw, ch);
        continue;
      }
      const v = values[r * cols + c] as number;
      const t = options.max > 0 ? v / options.max : 0;
      ctx.fillStyle = rampColour(t);
      ctx.fillRect(x, y, cw, ch);
      if (options.labels) {
        ctx.fillStyle = t > 0.6 ? '#222' : '#fff';
        ctx.fillText(v.toFixed(2), x + cw / 2, y + ch / 2);
      }
    }
  }
  if (options.names) {
    ctx.fillStyle = '#222';
    options.names.forEach((name, i) => {
      ctx.fillText(name, margin / 2, margin + (i + 0.5) * ch);
      ctx.fillText(name, margin + (i + 0.5) * cw, margin / 2);
    });
  }
}
