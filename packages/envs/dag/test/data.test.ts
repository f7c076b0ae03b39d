import { describe, expect, it } from 'vitest';
import { checkData, DataError, dagEnvironment, isDagEnvironment, parseCsv, simulateLinearGaussian, toCsv, variableNames } from '../src/index.js';

const csv = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parseCsv', () => {
  it('reads a header and numeric rows (CRLF, blank lines, quoted names, exponents)', () => {
    const data = parseCsv('"x, left",B,C\r\n1,2,3e-1\r\n\r\n-4.5,+5,.6\r\n7,8E2,9\r\n', { source: 'toy.csv' });
    expect(data.names).toEqual(['x, left', 'B', 'C']);
    expect([data.n, data.d]).toEqual([3, 3]);
    expect([...data.values]).toEqual([1, 2, 0.3, -4.5, 5, 0.6, 7, 800, 9]);
    expect(parseCsv(toCsv(data)).names).toEqual(data.names);
  });

  const cases: [string, string, RegExp][] = [
    ['a ragged row', csv('A,B,C', '1,2,3', '4,5', '7,8,9'), /bad\.csv: line 3 has 2 values, expected 3/],
    ['a non-number', csv('A,B', '1,2', '3,abc', '5,6'), /bad\.csv: line 3, column 2 \("B"\): "abc" is not a number/],
    ['NaN', csv('A,B', '1,2', 'NaN,3', '5,6'), /line 3, column 1 \("A"\): NaN is not a finite number/],
    ['an infinite value', csv('A,B', '1,-Infinity', '3,4'), /line 2, column 2 \("B"\): -Infinity is not a finite number/],
    ['an overflowing value', csv('A,B', '1,2', '3,1e999'), /line 3, column 2 \("B"\): 1e999 is not a finite number/],
    ['an empty cell', csv('A,B', '1,', '3,4'), /line 2, column 2 \("B"\): empty value/],
    ['a constant column', csv('A,B,C', '1,2,5', '3,2,6', '4,2,7'), /column 2 \("B"\) is constant \(every value is 2\)/],
    ['too few rows', csv('A,B', '1,2'), /needs at least 2 rows of observations, got 1/],
    ['a single variable', csv('A', '1', '2'), /needs at least 2 variables, got 1/],
    ['no header', csv('1,2', '3,4', '5,6'), /line 1, column 1: the first line must be a header of variable names, but "1" is a number/],
    ['a duplicate name', csv('A,B,A', '1,2,3', '4,5,6'), /line 1: variable name "A" appears in columns 1 and 3/],
    ['an empty name', csv('A,,C', '1,2,3', '4,5,6'), /line 1, column 2: the header has an empty variable name/],
    ['an empty file', '\n\n', /bad\.csv: is empty/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}, saying where`, () => {
      expect(() => parseCsv(text, { source: 'bad.csv' })).toThrow(DataError);
      expect(() => parseCsv(text, { source: 'bad.csv' })).toThrow(message);
    });
  }

  it('rejects more than 5 variables when exact evaluation is requested, and accepts them otherwise', () => {
    const header = variableNames(6).join(',');
    const rows = Array.from({ length: 4 }, (_, r) => Array.from({ length: 6 }, (_, c) => r * 7 + c * c).join(','));
    const text = csv(header, ...rows);
    expect(() => parseCsv(text, { source: 'six.csv', exact: true })).toThrow(/six\.csv: 6 variables is too many for exact evaluation.*limited to 5 variables/);
    expect(parseCsv(text).d).toBe(6);
  });

  it('checks data built in code by row and column', () => {
    const values = Float64Array.of(1, 2, 3, Number.NaN);
    expect(() => checkData({ names: ['A', 'B'], values, n: 2, d: 2 })).toThrow(/row 2, column 2 \("B"\): NaN is not a finite number/);
    expect(() => checkData({ names: ['A'], values, n: 2, d: 2 })).toThrow(/1 names for 2 variables/);
    expect(() => dagEnvironment({ data: { names: ['A', 'B'], values: Float64Array.of(1, 5, 1, 6), n: 2, d: 2 } })).toThrow(/column 1 \("A"\) is constant/);
  });
});

describe('simulateLinearGaussian', () => {
  it('is deterministic given the seed and samples an acyclic Erdős–Rényi graph', () => {
    const a = simulateLinearGaussian({ numVariables: 5, numSamples: 30, seed: 4 });
    const b = simulateLinearGaussian({ numVariables: 5, numSamples: 30, seed: 4 });
    const c = simulateLinearGaussian({ numVariables: 5, numSamples: 30, seed: 5 });
    expect([...a.values]).toEqual([...b.values]);
    expect([...a.values]).not.toEqual([...c.values]);
    expect(a.names).toEqual(['A', 'B', 'C', 'D', 'E']);
    const env = dagEnvironment({ data: a });
    expect(() => env.fromAdjacency(a.graph!, 1)).not.toThrow();
    expect(isDagEnvironment(env)).toBe(true);
    // Edge weights exist exactly on the edges.
    for (let k = 0; k < 25; k++) expect(a.weights![k] !== 0).toBe(a.graph![k] === 1);
  });

  it('has the expected number of edges: E = d(d−1)/4 by default, or as asked', () => {
    const mean = (E?: number): number => {
      let s = 0;
      for (let seed = 0; seed < 400; seed++) s += simulateLinearGaussian({ numVariables: 5, numSamples: 2, seed, ...(E !== undefined ? { expectedEdges: E } : {}) }).graph!.reduce((x, y) => x + y, 0);
      return s / 400;
    };
    expect(mean()).toBeGreaterThan(4.6);
    expect(mean()).toBeLessThan(5.4);
    expect(mean(2)).toBeGreaterThan(1.7);
    expect(mean(2)).toBeLessThan(2.3);
    expect(simulateLinearGaussian({ numVariables: 4, numSamples: 2, expectedEdges: 6 }).graph!.reduce((x, y) => x + y, 0)).toBe(6);
  });

  it('uses noise standard deviation 0.1 by default (the original code), or the one given', () => {
    // With no edges every variable is pure noise.
    for (const [noiseStd, expected] of [
      [undefined, 0.1],
      [Math.sqrt(0.1), Math.sqrt(0.1)],
    ] as const) {
      const data = simulateLinearGaussian({ numVariables: 3, numSamples: 20000, seed: 1, expectedEdges: 0, ...(noiseStd ? { noiseStd } : {}) });
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let s2 = 0;
        for (let r = 0; r < data.n; r++) {
          s += data.values[r * 3 + c]!;
          s2 += data.values[r * 3 + c]! ** 2;
        }
        const std = Math.sqrt(s2 / data.n - (s / data.n) ** 2);
        expect(std).toBeGreaterThan(expected * 0.97);
        expect(std).toBeLessThan(expected * 1.03);
      }
    }
  });

  it('follows the linear-Gaussian model: regressing a child on its parents recovers the weights', () => {
    const data = simulateLinearGaussian({ numVariables: 2, numSamples: 5000, seed: 3, expectedEdges: 1 });
    const [from, to] = data.graph![1] ? [0, 1] : [1, 0];
    let sxy = 0;
    let sxx = 0;
    for (let r = 0; r < data.n; r++) {
      sxy += data.values[r * 2 + from]! * data.values[r * 2 + to]!;
      sxx += data.values[r * 2 + from]! ** 2;
    }
    expect(sxy / sxx).toBeCloseTo(data.weights![from * 2 + to]!, 1);
  });

  it('rejects bad settings', () => {
    expect(() => simulateLinearGaussian({ numVariables: 1, numSamples: 10 })).toThrow(/numVariables must be an integer ≥ 2/);
    expect(() => simulateLinearGaussian({ numVariables: 3, numSamples: 1 })).toThrow(/numSamples/);
    expect(() => simulateLinearGaussian({ numVariables: 3, numSamples: 10, expectedEdges: 4 })).toThrow(/expectedEdges must be in \[0, 3\]/);
    expect(() => simulateLinearGaussian({ numVariables: 3, numSamples: 10, noiseStd: 0 })).toThrow(/noiseStd/);
  });
});
