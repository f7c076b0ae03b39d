// A small hand-drawn SVG line plot: enough for a live loss and JSD curve, no plotting library.

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 52, right: 12, top: 10, bottom: 26 };
/** Most points drawn: longer series are averaged in buckets, so a long run stays cheap to redraw. */
const MAX_POINTS = 600;

export interface PlotOptions {
  /** Largest x on the axis (e.g. the run's iterations). */
  readonly xMax: number;
  /** Log-10 y axis (ignored when some y ≤ 0). */
  readonly log: boolean;
  readonly colour: string;
}

function element<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  return el;
}

/** Bucket means of (x, y) so that at most {@link MAX_POINTS} remain. */
function thin(xs: readonly number[], ys: readonly number[]): [number[], number[]] {
  if (xs.length <= MAX_POINTS) return [xs.slice(), ys.slice()];
  const size = Math.ceil(xs.length / MAX_POINTS);
  const outX: number[] = [];
  const outY: number[] = [];
  for (let lo = 0; lo < xs.length; lo += size) {
    const hi = Math.min(xs.length, lo + size);
    let sy = 0;
    for (let i = lo; i < hi; i++) sy += ys[i] as number;
    outX.push(xs[hi - 1] as number);
    outY.push(sy / (hi - lo));
  }
  return [outX, outY];
}

function tickLabel(v: number, log: boolean): string {
  if (log) return `1e${Math.round(v)}`;
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** Redraws `svg` (its viewBox sets the size) with one series; non-finite values are skipped. */
export function drawLinePlot(svg: SVGSVGElement, xsIn: readonly number[], ysIn: readonly number[], options: PlotOptions): void {
  const { width, height } = svg.viewBox.baseVal;
  svg.replaceChildren();
  const finite = xsIn.map((_, i) => i).filter((i) => Number.isFinite(ysIn[i] as number));
  const [xs, rawYs] = thin(finite.map((i) => xsIn[i] as number), finite.map((i) => ysIn[i] as number));
  const log = options.log && rawYs.every((y) => y > 0);
  const ys = log ? rawYs.map(Math.log10) : rawYs;
  const w = width - MARGIN.left - MARGIN.right;
  const h = height - MARGIN.top - MARGIN.bottom;
  svg.append(element('rect', { x: MARGIN.left, y: MARGIN.top, width: w, height: h, class: 'plot-area' }));
  if (ys.length === 0) return;
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (log) {
    lo = Math.floor(lo);
    hi = Math.max(Math.ceil(hi), lo + 1);
  } else if (hi - lo < 1e-12) {
    lo -= 0.5;
    hi += 0.5;
  }
  const px = (x: number) => MARGIN.left + (x / Math.max(1, options.xMax)) * w;
  const py = (y: number) => MARGIN.top + (1 - (y - lo) / (hi - lo)) * h;
  const ticks = log ? Array.from({ length: hi - lo + 1 }, (_, k) => lo + k).filter((_, k, all) => all.length <= 6 || k % 2 === 0) : [lo, (lo + hi) / 2, hi];
  for (const t of ticks) {
    svg.append(element('line', { x1: MARGIN.left, x2: MARGIN.left + w, y1: py(t), y2: py(t), class: 'grid' }));
    const label = element('text', { x: MARGIN.left - 6, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = tickLabel(t, log);
    svg.append(label);
  }
  for (const t of [0, options.xMax / 2, options.xMax]) {
    const label = element('text', { x: px(t), y: height - 8, 'text-anchor': 'middle', class: 'tick' });
    label.textContent = String(Math.round(t));
    svg.append(label);
  }
  const points = xs.map((x, i) => `${px(x).toFixed(1)},${py(ys[i] as number).toFixed(1)}`).join(' ');
  svg.append(element('polyline', { points, fill: 'none', stroke: options.colour, 'stroke-width': 1.5 }));
}
