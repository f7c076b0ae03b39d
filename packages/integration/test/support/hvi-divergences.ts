// Float64 host computations on an enumerated environment with tabular P_F (θ) and P_B (φ) logits:
// trajectory log-probabilities, the exact divergences, their gradients by central differences, and the
// analytic gradients of log P_F(τ) and log P_B(τ|x) (softmax: ∂ log p_a / ∂θ_a' = 1[a = a'] − p_a').
import type { EnumeratedPath } from './objectives-kit/index.js';

export interface Tables {
  readonly A: number;
  readonly K: number;
  readonly forwardMasks: Uint8Array;
  readonly backwardMasks: Uint8Array;
  /** log R at each path's terminal state. */
  readonly logR: readonly number[];
  readonly paths: readonly EnumeratedPath[];
}

function logSoftmaxRow(v: ArrayLike<number>, o: number, k: number, mask: Uint8Array): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < k; a++) if (mask[o + a]) max = Math.max(max, v[o + a] as number);
  let s = 0;
  for (let a = 0; a < k; a++) if (mask[o + a]) s += Math.exp((v[o + a] as number) - max);
  const lse = max + Math.log(s);
  return Array.from({ length: k }, (_, a) => (mask[o + a] ? (v[o + a] as number) - lse : Number.NEGATIVE_INFINITY));
}

/** log P_F(τ) of every path. */
export function logPFPaths(t: Tables, theta: ArrayLike<number>): number[] {
  return t.paths.map((p) => p.states.reduce((s, st, k) => s + (logSoftmaxRow(theta, st * t.A, t.A, t.forwardMasks)[p.actions[k] as number] as number), 0));
}

/** log P_B(τ|x) of every path. */
export function logPBPaths(t: Tables, phi: ArrayLike<number>): number[] {
  return t.paths.map((p) => p.states.reduce((s, st, k) => (k === 0 ? s : s + (logSoftmaxRow(phi, st * t.K, t.K, t.backwardMasks)[p.backwardActions[k] as number] as number)), 0));
}

/** log P_B(τ) = log R(x) + log P_B(τ|x) − log Ẑ of every path (the target over trajectories). */
export function logTargetPaths(t: Tables, phi: ArrayLike<number>): number[] {
  const logZ = trueLogZ(t);
  return logPBPaths(t, phi).map((lb, i) => (t.logR[i] as number) + lb - logZ);
}

/** log Ẑ (each terminal appears in many paths: Ẑ sums R over distinct terminals). */
export function trueLogZ(t: Tables): number {
  const distinct = new Map<number, number>();
  t.paths.forEach((p, i) => distinct.set(p.states[p.states.length - 1] as number, t.logR[i] as number));
  return Math.log([...distinct.values()].reduce((s, v) => s + Math.exp(v), 0));
}

/** D_KL(P_F ‖ P_B) over trajectories. */
export function klForward(t: Tables, theta: ArrayLike<number>, phi: ArrayLike<number>): number {
  const lf = logPFPaths(t, theta);
  const lb = logTargetPaths(t, phi);
  return lf.reduce((s, v, i) => s + Math.exp(v) * (v - (lb[i] as number)), 0);
}

/** D_KL(P_B ‖ P_F) over trajectories. */
export function klBackward(t: Tables, theta: ArrayLike<number>, phi: ArrayLike<number>): number {
  const lf = logPFPaths(t, theta);
  const lb = logTargetPaths(t, phi);
  return lb.reduce((s, v, i) => s + Math.exp(v) * (v - (lf[i] as number)), 0);
}

/** D_{log²}(P_B ‖ P_F) = E_{P_F}[(log P_B(τ) − log P_F(τ))²]. */
export function logSquaredDivergence(t: Tables, theta: ArrayLike<number>, phi: ArrayLike<number>): number {
  const lf = logPFPaths(t, theta);
  const lb = logTargetPaths(t, phi);
  return lf.reduce((s, v, i) => s + Math.exp(v) * ((lb[i] as number) - v) ** 2, 0);
}

/** Central differences of `f` at `x` in float64. */
export function numericGradient(f: (x: number[]) => number, x: ArrayLike<number>, h = 1e-5): number[] {
  const base = Array.from(x);
  return base.map((_, i) => {
    const up = [...base];
    const down = [...base];
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** ∇_θ log P_F(τ) of one path, `[S·A]`. */
export function gradLogPF(t: Tables, theta: ArrayLike<number>, path: EnumeratedPath, size: number): Float64Array {
  const g = new Float64Array(size);
  path.states.forEach((s, k) => {
    const p = logSoftmaxRow(theta, s * t.A, t.A, t.forwardMasks).map(Math.exp);
    for (let a = 0; a < t.A; a++) if (t.forwardMasks[s * t.A + a]) g[s * t.A + a] = (g[s * t.A + a] as number) + (a === path.actions[k] ? 1 : 0) - (p[a] as number);
  });
  return g;
}

/** ∇_φ log P_B(τ|x) of one path, `[S·K]`. */
export function gradLogPB(t: Tables, phi: ArrayLike<number>, path: EnumeratedPath, size: number): Float64Array {
  const g = new Float64Array(size);
  path.states.forEach((s, k) => {
    if (k === 0) return;
    const p = logSoftmaxRow(phi, s * t.K, t.K, t.backwardMasks).map(Math.exp);
    for (let b = 0; b < t.K; b++) if (t.backwardMasks[s * t.K + b]) g[s * t.K + b] = (g[s * t.K + b] as number) + (b === path.backwardActions[k] ? 1 : 0) - (p[b] as number);
  });
  return g;
}

/** max |a − b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
