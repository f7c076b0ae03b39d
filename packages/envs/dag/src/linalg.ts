/** Small dense linear algebra on row-major Float64Arrays (matrices here are at most d × d). */

/**
 * log det of the symmetric positive-definite `k × k` submatrix of `m` (`n × n`, row-major) on the
 * rows and columns `idx`, by Cholesky. Throws when the submatrix is not positive definite.
 */
export function logDetSubmatrix(m: Float64Array, n: number, idx: readonly number[]): number {
  const k = idx.length;
  const L = new Float64Array(k * k);
  let logDet = 0;
  for (let i = 0; i < k; i++) {
    const ri = (idx[i] as number) * n;
    for (let j = 0; j <= i; j++) {
      let s = m[ri + (idx[j] as number)] as number;
      for (let p = 0; p < j; p++) s -= (L[i * k + p] as number) * (L[j * k + p] as number);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`matrix is not positive definite (pivot ${s} on variable ${idx[i]})`);
        const d = Math.sqrt(s);
        L[i * k + i] = d;
        logDet += 2 * Math.log(d);
      } else {
        L[i * k + j] = s / (L[j * k + j] as number);
      }
    }
  }
  return logDet;
}

/**
 * Solves `A x = b` for symmetric positive-definite `A` (`k × k`) by Cholesky; returns
 * `{ x, logDet }` with log det A.
 */
export function choleskySolve(A: Float64Array, k: number, b: Float64Array): { x: Float64Array; logDet: number } {
  const L = new Float64Array(k * k);
  let logDet = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j] as number;
      for (let p = 0; p < j; p++) s -= (L[i * k + p] as number) * (L[j * k + p] as number);
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`matrix is not positive definite (pivot ${s} at row ${i})`);
        L[i * k + i] = Math.sqrt(s);
        logDet += Math.log(s);
      } else {
        L[i * k + j] = s / (L[j * k + j] as number);
      }
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i] as number;
    for (let p = 0; p < i; p++) s -= (L[i * k + p] as number) * (y[p] as number);
    y[i] = s / (L[i * k + i] as number);
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let p = i + 1; p < k; p++) s -= (L[p * k + i] as number) * (x[p] as number);
    x[i] = s / (L[i * k + i] as number);
  }
  return { x, logDet };
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 relative for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: argument must be positive, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
