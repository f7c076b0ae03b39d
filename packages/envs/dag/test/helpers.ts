import type { DagData } from '../src/index.js';
import { Random } from '@gflownet/core';

/** Random correlated data (not from a DAG model), for score checks that must hold on any data. */
export function randomData(d: number, n: number, seed: number): DagData {
  const random = new Random(seed);
  const mix = Array.from({ length: d * d }, () => random.normal());
  const values = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: d }, () => random.normal());
    for (let j = 0; j < d; j++) {
      let s = 0.5 + j; // non-zero means exercise the (x̄ − μ0) term of BGe
      for (let k = 0; k < d; k++) s += (mix[j * d + k] as number) * (z[k] as number);
      values[r * d + j] = s;
    }
  }
  return { names: Array.from({ length: d }, (_, i) => `X${i}`), values, n, d };
}

/** log det of a small dense matrix by Gaussian elimination with partial pivoting (independent of the package's Cholesky). */
export function logDetGauss(m: number[][]): number {
  const a = m.map((row) => [...row]);
  const k = a.length;
  let logDet = 0;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    logDet += Math.log(Math.abs(piv));
    for (let r = c + 1; r < k; r++) {
      const f = a[r]![c]! / piv;
      for (let j = c; j < k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return logDet;
}

/** Solves a small dense system by Gaussian elimination. */
export function solveGauss(m: number[][], b: number[]): number[] {
  const k = m.length;
  const a = m.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}

/** Whether the adjacency bit mask (bit i·d + j for i→j) is acyclic, by Kahn's algorithm. */
export function isAcyclic(mask: number, d: number): boolean {
  const indeg = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (mask & (1 << (i * d + j))) indeg[j]!++;
  const queue: number[] = [];
  for (let j = 0; j < d; j++) if (indeg[j] === 0) queue.push(j);
  let seen = 0;
  while (queue.length > 0) {
    const i = queue.shift()!;
    seen++;
    for (let j = 0; j < d; j++) if (mask & (1 << (i * d + j)) && --indeg[j]! === 0) queue.push(j);
  }
  return seen === d;
}

/** Every acyclic adjacency mask over d nodes by brute force over all 2^{d(d−1)} off-diagonal edge subsets. */
export function bruteForceDags(d: number): number[] {
  const offDiagonal: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) offDiagonal.push(i * d + j);
  const out: number[] = [];
  for (let s = 0; s < 1 << offDiagonal.length; s++) {
    let mask = 0;
    offDiagonal.forEach((bit, k) => {
      if (s & (1 << k)) mask |= 1 << bit;
    });
    if (isAcyclic(mask, d)) out.push(mask);
  }
  return out;
}

/** The key of an adjacency mask: d² characters 0/1, row by row. */
export function keyOfMask(mask: number, d: number): string {
  let s = '';
  for (let k = 0; k < d * d; k++) s += mask & (1 << k) ? '1' : '0';
  return s;
}

/** Parents of node j in an adjacency mask, ascending. */
export function parentsInMask(mask: number, d: number, j: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < d; i++) if (mask & (1 << (i * d + j))) out.push(i);
  return out;
}
