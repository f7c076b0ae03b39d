/**
 * A small, fast, seedable random generator (sfc32) whose whole state is four 32-bit words, so a
 * run can be checkpointed and resumed exactly. Not cryptographic.
 */
export interface RandomState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** Seeded generator of uniform floats, integers, normals and categorical draws. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Creates a generator from an integer seed (any safe integer; equal seeds give equal streams). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Random: seed must be a safe integer, got ${seed}`);
    }
    // splitmix32 spreads small seeds over the whole state before sfc32 starts.
    let s = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
    // Small negative seeds fold onto small non-negative ones above (-1 → 0); a salt keeps them apart.
    if (seed < 0) s = (s ^ 0x5bd1e995) >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Restores a generator from {@link Random.getState}. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  /** The next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Draws an index from unnormalised non-negative weights `w[offset .. offset + n)`.
   * Entries with weight 0 are never drawn.
   */
  categorical(w: ArrayLike<number>, offset = 0, n: number = w.length - offset): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += w[offset + i] as number;
    let u = this.next() * total;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const wi = w[offset + i] as number;
      if (wi <= 0) continue;
      last = i;
      u -= wi;
      if (u < 0) return i;
    }
    // Rounding can leave u a hair above zero: return the last positive entry.
    if (last < 0) throw new RangeError('Random.categorical: all weights are zero');
    return last;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i] as T;
      xs[i] = xs[j] as T;
      xs[j] = t;
    }
    return xs;
  }

  /** The full state, for checkpoints. */
  getState(): RandomState {
    return { a: this.a, b: this.b, c: this.c, d: this.d };
  }

  /** Replaces the state with one from {@link Random.getState}. */
  setState(state: RandomState): void {
    for (const k of ['a', 'b', 'c', 'd'] as const) {
      const v = state[k];
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new RangeError(`Random.setState: field "${k}" must be a 32-bit unsigned integer`);
      }
    }
    this.a = state.a;
    this.b = state.b;
    this.c = state.c;
    this.d = state.d;
  }
}
