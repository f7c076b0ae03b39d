import type { Environment, Rows } from '@gflownet/core';
import { concatRows, EnvironmentTypeId, logSumExp, selectRows } from '@gflownet/core';

/** Options of {@link hypergrid}. */
export interface HypergridOptions {
  /** Number of dimensions D (default: `2`). */
  readonly ndim?: number;
  /** Side length H: coordinates run over 0 .. H−1 (default: `8`). */
  readonly height?: number;
  /** Base reward R0 everywhere (default: `0.1`). */
  readonly r0?: number;
  /** Bonus R1 where every |x_d/(H−1) − 0.5| > 0.25 (default: `0.5`). */
  readonly r1?: number;
  /** Bonus R2 where every 0.3 < |x_d/(H−1) − 0.5| < 0.4 (default: `2`). */
  readonly r2?: number;
  /**
   * A reward of your own, R(x) > 0 of the coordinates, replacing the R0/R1/R2 formula (checked once on
   * every terminal state when the grid is enumerated; log Z is then found by enumeration).
   */
  readonly reward?: (coords: readonly number[]) => number;
}

/** The hypergrid environment: states are `Rows<Int32Array>` of width D. */
export interface Hypergrid extends Environment<Rows<Int32Array>> {
  readonly ndim: number;
  readonly height: number;
  readonly r0: number;
  readonly r1: number;
  readonly r2: number;
  /** R(x) of one coordinate vector. */
  reward(coords: ArrayLike<number>): number;
  /** Exact log Z in closed form (no enumeration). */
  trueLogZ(): number;
  enumerate(): Rows<Int32Array>;
}

/** Largest state space {@link Hypergrid.enumerate} will build. */
export const MAX_ENUMERABLE_STATES = 4_000_000;

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`hypergrid: ${name} must be an integer ≥ ${min}, got ${v}`);
}

function checkedCustomReward(reward: (coords: readonly number[]) => number, coords: number[]): number {
  const r = reward(coords);
  if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) {
    throw new RangeError(`hypergrid: the custom reward of (${coords.join(', ')}) is ${String(r)}; it must be a finite number > 0`);
  }
  return r;
}

function checkReward(name: string, v: number, positive: boolean): void {
  if (!Number.isFinite(v) || v < 0 || (positive && v === 0)) {
    throw new RangeError(`hypergrid: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${v}`);
  }
}

/**
 * The hypergrid of Bengio et al. (2021), as used by Malkin et al. (2022, 2023): states are points of
 * {0, …, H−1}^D starting at the origin; action d increments coordinate d, the last action stops
 * (always allowed, so every state terminates); backward action d decrements coordinate d.
 * R(x) = R0 + R1·Π_d 1[0.25 < a_d] + R2·Π_d 1[0.3 < a_d < 0.4] with a_d = |x_d/(H−1) − 0.5|.
 * Features are K-hot: one one-hot block of size H per dimension (D·H inputs).
 *
 * @example
 * const env = hypergrid({ ndim: 2, height: 8 });
 */
export function hypergrid(options: HypergridOptions = {}): Hypergrid {
  const D = options.ndim ?? 2;
  const H = options.height ?? 8;
  const r0 = options.r0 ?? 0.1;
  const r1 = options.r1 ?? 0.5;
  const r2 = options.r2 ?? 2;
  checkInt('ndim', D, 1);
  checkInt('height', H, 2);
  checkReward('r0', r0, true);
  checkReward('r1', r1, false);
  checkReward('r2', r2, false);
  const A = D + 1;
  const stop = D;
  const empty: Rows<Int32Array> = { data: new Int32Array(0), width: D, n: 0 };

  // Per-coordinate band membership, precomputed once.
  const outer = new Uint8Array(H);
  const ring = new Uint8Array(H);
  for (let x = 0; x < H; x++) {
    const a = Math.abs(x / (H - 1) - 0.5);
    outer[x] = a > 0.25 ? 1 : 0;
    ring[x] = a > 0.3 && a < 0.4 ? 1 : 0;
  }
  const banded = (c: ArrayLike<number>): number => {
    let inOuter = 1;
    let inRing = 1;
    for (let d = 0; d < D; d++) {
      const x = c[d] as number;
      inOuter &= outer[x] as number;
      inRing &= ring[x] as number;
    }
    return r0 + r1 * inOuter + r2 * inRing;
  };
  const custom = options.reward;
  const reward = custom === undefined ? banded : (c: ArrayLike<number>): number => checkedCustomReward(custom, Array.from(c));

  const check = (states: Rows<Int32Array>): void => {
    if (states.width !== D) throw new RangeError(`hypergrid: states have width ${states.width}, expected ndim ${D}`);
  };

  const env: Hypergrid = {
    [EnvironmentTypeId]: EnvironmentTypeId,
    name: 'hypergrid',
    ndim: D,
    height: H,
    r0,
    r1,
    r2,
    numActions: A,
    numBackwardActions: D,
    featureSize: D * H,
    maxTrajectoryLength: D * (H - 1) + 1,
    reward,
    initialStates: (n) => ({ data: new Int32Array(n * D), width: D, n }),
    batchSize: (s) => s.n,
    select: (s, idx) => selectRows(s, idx),
    concat: (batches) => concatRows(batches, empty),
    forwardMask(s) {
      check(s);
      const m = new Uint8Array(s.n * A);
      for (let i = 0; i < s.n; i++) {
        for (let d = 0; d < D; d++) m[i * A + d] = (s.data[i * D + d] as number) < H - 1 ? 1 : 0;
        m[i * A + stop] = 1;
      }
      return m;
    },
    backwardMask(s) {
      check(s);
      const m = new Uint8Array(s.n * D);
      for (let k = 0; k < s.n * D; k++) m[k] = (s.data[k] as number) > 0 ? 1 : 0;
      return m;
    },
    step(s, actions) {
      check(s);
      const data = s.data.slice(0, s.n * D);
      for (let i = 0; i < s.n; i++) {
        const a = actions[i] as number;
        if (!(a >= 0 && a < D) || (data[i * D + a] as number) >= H - 1) {
          throw new RangeError(`hypergrid.step: action ${a} is not allowed at state ${env.stateKey(s, i)}`);
        }
        data[i * D + a] = (data[i * D + a] as number) + 1;
      }
      return { data, width: D, n: s.n };
    },
    backwardStep(s, actions) {
      check(s);
      const data = s.data.slice(0, s.n * D);
      for (let i = 0; i < s.n; i++) {
        const a = actions[i] as number;
        if (!(a >= 0 && a < D) || (data[i * D + a] as number) <= 0) {
          throw new RangeError(`hypergrid.backwardStep: action ${a} is not allowed at state ${env.stateKey(s, i)}`);
        }
        data[i * D + a] = (data[i * D + a] as number) - 1;
      }
      return { data, width: D, n: s.n };
    },
    // Incrementing coordinate d is undone by decrementing it, so action indices coincide.
    inverseForward: (_s, actions) => Int32Array.from(actions),
    inverseBackward: (_s, actions) => Int32Array.from(actions),
    isInitial(s) {
      const out = new Uint8Array(s.n);
      for (let i = 0; i < s.n; i++) {
        let zero = 1;
        for (let d = 0; d < D; d++) if (s.data[i * D + d] !== 0) zero = 0;
        out[i] = zero;
      }
      return out;
    },
    logReward(s) {
      check(s);
      const out = new Float64Array(s.n);
      for (let i = 0; i < s.n; i++) out[i] = Math.log(reward(s.data.subarray(i * D, (i + 1) * D)));
      return out;
    },
    features(s) {
      check(s);
      const F = D * H;
      const out = new Float32Array(s.n * F);
      for (let i = 0; i < s.n; i++) {
        for (let d = 0; d < D; d++) out[i * F + d * H + (s.data[i * D + d] as number)] = 1;
      }
      return out;
    },
    stateKey: (s, i) => Array.prototype.join.call(s.data.subarray(i * D, (i + 1) * D), ','),
    enumerate() {
      const total = H ** D;
      if (total > MAX_ENUMERABLE_STATES) {
        throw new RangeError(`hypergrid: ${H}^${D} = ${total} states is too many to enumerate (limit ${MAX_ENUMERABLE_STATES})`);
      }
      const data = new Int32Array(total * D);
      for (let i = 0; i < total; i++) {
        let r = i;
        // Last coordinate varies fastest, so the order matches the keys' lexicographic order.
        for (let d = D - 1; d >= 0; d--) {
          data[i * D + d] = r % H;
          r = Math.floor(r / H);
        }
      }
      return { data, width: D, n: total };
    },
    trueLogZ() {
      if (custom !== undefined) {
        const all = env.enumerate?.() as Rows<Int32Array>;
        return logSumExp(Array.from({ length: all.n }, (_, i) => Math.log(reward(all.data.subarray(i * D, (i + 1) * D)))));
      }
      // Each indicator is a product over dimensions, so Σ_x R(x) has a closed form.
      let nOuter = 0;
      let nRing = 0;
      for (let x = 0; x < H; x++) {
        nOuter += outer[x] as number;
        nRing += ring[x] as number;
      }
      const terms = [Math.log(r0) + D * Math.log(H)];
      if (r1 > 0 && nOuter > 0) terms.push(Math.log(r1) + D * Math.log(nOuter));
      if (r2 > 0 && nRing > 0) terms.push(Math.log(r2) + D * Math.log(nRing));
      return logSumExp(terms);
    },
  };
  return env;
}
