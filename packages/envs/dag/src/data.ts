import { Random } from '@gflownet/core';

/** A continuous dataset: `n` observations of `d` variables. */
export interface DagData {
  /** Variable names, in column order. */
  readonly names: readonly string[];
  /** `[n, d]` row-major observations. */
  readonly values: Float64Array;
  /** Number of observations (rows). */
  readonly n: number;
  /** Number of variables (columns). */
  readonly d: number;
  /** The ground-truth graph when the data was simulated: `[d, d]` adjacency, 1 at `i·d + j` for i→j. */
  readonly graph?: Uint8Array;
  /** The simulated edge weights, `[d, d]` (0 where there is no edge). */
  readonly weights?: Float64Array;
}

/** Largest number of variables whose DAGs can be enumerated for exact evaluation (29,281 DAGs at 5). */
export const MAX_EXACT_VARIABLES = 5;

/** Fewest observations accepted. */
export const MIN_ROWS = 2;

/** Bad input data; the message says where (line and column for CSV text, row and column otherwise). */
export class DataError extends Error {
  override name = 'DataError';
}

/** Options of {@link parseCsv} and {@link checkData}. */
export interface DataCheckOptions {
  /** Name of the source (e.g. the file) used as the prefix of error messages (default: `"data"`). */
  readonly source?: string;
  /** Reject more than {@link MAX_EXACT_VARIABLES} variables, because exact evaluation is requested. */
  readonly exact?: boolean;
}

function tooManyForExact(source: string, d: number): DataError {
  return new DataError(
    `${source}: ${d} variables is too many for exact evaluation, which enumerates every DAG and is limited to ${MAX_EXACT_VARIABLES} variables (29,281 DAGs); train without exact evaluation to use sample-based edge marginals`,
  );
}

/**
 * Validates a dataset: at least 2 variables and {@link MIN_ROWS} rows, finite values, no constant
 * column (a constant variable has zero variance: it carries no information about the graph and
 * makes regression-based scores degenerate). `where(r, c)` names a cell in messages.
 */
function checkValues(
  values: Float64Array,
  n: number,
  names: readonly string[],
  source: string,
  where: (r: number, c: number) => string,
  options: DataCheckOptions,
): void {
  const d = names.length;
  if (d < 2) throw new DataError(`${source}: needs at least 2 variables, got ${d}`);
  if (options.exact && d > MAX_EXACT_VARIABLES) throw tooManyForExact(source, d);
  if (n < MIN_ROWS) throw new DataError(`${source}: needs at least ${MIN_ROWS} rows of observations, got ${n}`);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) {
      const v = values[r * d + c] as number;
      if (!Number.isFinite(v)) throw new DataError(`${source}: ${where(r, c)} ("${names[c]}"): ${v} is not a finite number`);
    }
  }
  for (let c = 0; c < d; c++) {
    const first = values[c] as number;
    let constant = true;
    for (let r = 1; r < n && constant; r++) if (values[r * d + c] !== first) constant = false;
    if (constant) {
      throw new DataError(`${source}: column ${c + 1} ("${names[c]}") is constant (every value is ${first}); remove it, it carries no information about the graph`);
    }
  }
}

/**
 * Checks a dataset built in code (see {@link DagData}); throws a {@link DataError} naming the row
 * and column (both 1-based) of the first problem.
 */
export function checkData(data: DagData, options: DataCheckOptions = {}): void {
  const source = options.source ?? 'data';
  if (data.names.length !== data.d) throw new DataError(`${source}: ${data.names.length} names for ${data.d} variables`);
  if (data.values.length !== data.n * data.d) {
    throw new DataError(`${source}: values has length ${data.values.length}, expected n·d = ${data.n}·${data.d}`);
  }
  checkValues(data.values, data.n, data.names, source, (r, c) => `row ${r + 1}, column ${c + 1}`, options);
}

/** Splits one CSV line on commas; double-quoted fields may contain commas and doubled quotes. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses CSV text: a header line of variable names, then one line of numbers per observation,
 * comma-separated (blank lines are skipped; `\r\n` is fine). Throws a {@link DataError} that names the
 * line and column (both 1-based) of the first problem: a ragged row, an empty cell, a value that is
 * not a number, NaN or an infinite value, a constant column, too few rows, duplicate or empty names,
 * or more than {@link MAX_EXACT_VARIABLES} variables when `exact` is set.
 *
 * @example
 * const data = parseCsv('A,B\n1.2,0.3\n0.1,-2\n', { source: 'toy.csv' });
 */
export function parseCsv(text: string, options: DataCheckOptions = {}): DagData {
  const source = options.source ?? 'data';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let lineNo = 0;
  while (lineNo < lines.length && (lines[lineNo] as string).trim() === '') lineNo++;
  if (lineNo >= lines.length) throw new DataError(`${source}: is empty (expected a header line of variable names, then rows of numbers)`);
  const headerLine = lineNo + 1;
  const names = splitCsvLine(lines[lineNo] as string).map((s) => s.trim());
  const seen = new Map<string, number>();
  names.forEach((name, c) => {
    if (name === '') throw new DataError(`${source}: line ${headerLine}, column ${c + 1}: the header has an empty variable name`);
    if (NUMBER.test(name)) {
      throw new DataError(`${source}: line ${headerLine}, column ${c + 1}: the first line must be a header of variable names, but "${name}" is a number`);
    }
    const prev = seen.get(name);
    if (prev !== undefined) throw new DataError(`${source}: line ${headerLine}: variable name "${name}" appears in columns ${prev + 1} and ${c + 1}`);
    seen.set(name, c);
  });
  const d = names.length;
  if (options.exact && d > MAX_EXACT_VARIABLES) throw tooManyForExact(source, d);
  const rows: number[] = [];
  const lineOfRow: number[] = [];
  for (let l = lineNo + 1; l < lines.length; l++) {
    const line = lines[l] as string;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    if (cells.length !== d) {
      throw new DataError(`${source}: line ${l + 1} has ${cells.length} values, expected ${d} (one per header column)`);
    }
    for (let c = 0; c < d; c++) {
      const raw = (cells[c] as string).trim();
      const where = `${source}: line ${l + 1}, column ${c + 1} ("${names[c]}")`;
      if (raw === '') throw new DataError(`${where}: empty value (missing data is not supported)`);
      if (/^[+-]?(nan|inf|infinity)$/i.test(raw)) throw new DataError(`${where}: ${raw} is not a finite number`);
      if (!NUMBER.test(raw)) throw new DataError(`${where}: "${raw}" is not a number`);
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new DataError(`${where}: ${raw} is not a finite number (overflows a double)`);
      rows.push(v);
    }
    lineOfRow.push(l + 1);
  }
  const n = lineOfRow.length;
  const values = Float64Array.from(rows);
  checkValues(values, n, names, source, (r, c) => `line ${lineOfRow[r]}, column ${c + 1}`, options);
  return { names, values, n, d };
}

/** Writes a dataset as CSV text (header, then one line per observation), readable by {@link parseCsv}. */
export function toCsv(data: DagData): string {
  const lines = [data.names.map((s) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)).join(',')];
  for (let r = 0; r < data.n; r++) lines.push(Array.from(data.values.subarray(r * data.d, (r + 1) * data.d), (v) => String(v)).join(','));
  return `${lines.join('\n')}\n`;
}

/** Variable names A, B, …, Z, AA, AB, … (as the DAG-GFlowNet code names them). */
export function variableNames(d: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < d; i++) {
    let k = i;
    let s = '';
    do {
      s = String.fromCharCode(65 + (k % 26)) + s;
      k = Math.floor(k / 26) - 1;
    } while (k >= 0);
    out.push(s);
  }
  return out;
}

/** Options of {@link simulateLinearGaussian}. */
export interface SimulationOptions {
  /** Number of variables d (≥ 2). */
  readonly numVariables: number;
  /** Number of observations N (≥ 2). */
  readonly numSamples: number;
  /** Seed of the graph, the weights and the noise (default: `0`). */
  readonly seed?: number;
  /**
   * Expected number of edges E; the edge probability is p = E / (d(d−1)/2) (default: d(d−1)/4, i.e.
   * p = 0.5, which gives the DAG-GFlowNet README's 5 edges at d = 5).
   */
  readonly expectedEdges?: number;
  /**
   * Standard deviation of the additive Gaussian noise (default: `0.1`). The original code passes its
   * "variance" 0.1 to numpy as the standard deviation, so the data the paper used has std 0.1; pass
   * `Math.sqrt(0.1)` for the variance-0.1 convention that papers describe.
   */
  readonly noiseStd?: number;
  /** Mean of the edge weights (default: `0`). */
  readonly weightMean?: number;
  /** Standard deviation of the edge weights (default: `1`). */
  readonly weightStd?: number;
}

/**
 * Simulates data as DAG-GFlowNet does: an Erdős–Rényi DAG (a strictly lower-triangular Bernoulli(p)
 * adjacency whose rows and columns are permuted by one random permutation), edge weights
 * ~ N(weightMean, weightStd²), no bias, then N ancestral samples of the linear-Gaussian model
 * x_j = Σ_{i ∈ Pa(j)} w_ij x_i + ε_j, ε_j ~ N(0, noiseStd²). Deterministic given the seed.
 *
 * @example
 * const data = simulateLinearGaussian({ numVariables: 4, numSamples: 100, seed: 1 });
 */
export function simulateLinearGaussian(options: SimulationOptions): DagData {
  const d = options.numVariables;
  const n = options.numSamples;
  if (!Number.isInteger(d) || d < 2) throw new RangeError(`simulateLinearGaussian: numVariables must be an integer ≥ 2, got ${d}`);
  if (!Number.isInteger(n) || n < MIN_ROWS) throw new RangeError(`simulateLinearGaussian: numSamples must be an integer ≥ ${MIN_ROWS}, got ${n}`);
  const pairs = (d * (d - 1)) / 2;
  const expected = options.expectedEdges ?? pairs / 2;
  if (!(expected >= 0 && expected <= pairs)) {
    throw new RangeError(`simulateLinearGaussian: expectedEdges must be in [0, ${pairs}] for ${d} variables, got ${expected}`);
  }
  const noiseStd = options.noiseStd ?? 0.1;
  const weightStd = options.weightStd ?? 1;
  const weightMean = options.weightMean ?? 0;
  if (!(noiseStd > 0 && Number.isFinite(noiseStd))) throw new RangeError(`simulateLinearGaussian: noiseStd must be a positive number, got ${noiseStd}`);
  if (!(weightStd >= 0 && Number.isFinite(weightStd))) throw new RangeError(`simulateLinearGaussian: weightStd must be ≥ 0, got ${weightStd}`);
  const p = expected / pairs;
  const random = new Random(options.seed ?? 0);
  // Lower-triangular: edge from position a to position b < a, so descending positions are a topological order.
  const perm = random.shuffle(Array.from({ length: d }, (_, i) => i));
  const graph = new Uint8Array(d * d);
  const weights = new Float64Array(d * d);
  for (let a = 1; a < d; a++) {
    for (let b = 0; b < a; b++) {
      if (random.next() < p) {
        const from = perm[a] as number;
        const to = perm[b] as number;
        graph[from * d + to] = 1;
        weights[from * d + to] = weightMean + weightStd * random.normal();
      }
    }
  }
  const values = new Float64Array(n * d);
  for (let a = d - 1; a >= 0; a--) {
    const j = perm[a] as number;
    for (let r = 0; r < n; r++) {
      let mean = 0;
      for (let i = 0; i < d; i++) if (graph[i * d + j]) mean += (weights[i * d + j] as number) * (values[r * d + i] as number);
      values[r * d + j] = mean + noiseStd * random.normal();
    }
  }
  return { names: variableNames(d), values, n, d, graph, weights };
}
