/**
 * Figures of a finished run, as data. An environment says what to draw (heat maps, bars, histograms,
 * scatter plots, with their numbers and titles); the experiment layer renders the panels (as the SVG
 * beside a results file), so no environment package depends on a plotting library.
 */

/** One named series of numbers (a bar per category, or one sample per value). */
export interface FigureSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

/** Heat maps side by side on one shared colour scale (e.g. the learned distribution next to its target). */
export interface HeatmapPanel {
  readonly kind: 'heatmap';
  readonly title: string;
  /** Row labels, top to bottom. */
  readonly rows: readonly string[];
  /** Column labels, left to right. */
  readonly columns: readonly string[];
  readonly rowTitle: string;
  readonly columnTitle: string;
  /** What the colour shows (the legend's title). */
  readonly valueTitle: string;
  /** One map each, row-major `rows.length × columns.length`; a NaN leaves its cell empty (e.g. a diagonal). */
  readonly maps: readonly FigureSeries[];
}

/** Horizontal grouped bars: one group per category, one bar per series (e.g. target and learned probability). */
export interface BarsPanel {
  readonly kind: 'bars';
  readonly title: string;
  /** Category labels, top to bottom. */
  readonly categories: readonly string[];
  readonly categoryTitle: string;
  readonly valueTitle: string;
  /** One value per category each. */
  readonly series: readonly FigureSeries[];
}

/** Overlaid histograms of samples on shared bins, one per series (e.g. trained policy and a baseline). */
export interface HistogramPanel {
  readonly kind: 'histogram';
  readonly title: string;
  /** What the samples are (the x axis). */
  readonly valueTitle: string;
  /** What is counted (the y axis), e.g. `molecules`. */
  readonly countTitle: string;
  readonly series: readonly FigureSeries[];
}

/** Points, one colour per series. */
export interface ScatterPanel {
  readonly kind: 'scatter';
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly { readonly name: string; readonly x: ArrayLike<number>; readonly y: ArrayLike<number> }[];
}

/** One panel of a {@link Figure}. */
export type FigurePanel = HeatmapPanel | BarsPanel | HistogramPanel | ScatterPanel;

/** A figure: a title and its panels, top to bottom. */
export interface Figure {
  readonly title: string;
  /** A second line under the title (e.g. the run's settings). */
  readonly subtitle?: string;
  readonly panels: readonly FigurePanel[];
}
