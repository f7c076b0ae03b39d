/**
 * Distances between discrete distributions given as aligned probability vectors (same support order).
 * All use the natural log. Inputs need not be exactly normalised; they are used as given.
 */

function checkAligned(p: ArrayLike<number>, q: ArrayLike<number>, what: string): void {
  if (p.length !== q.length) throw new RangeError(`${what}: distributions have different lengths (${p.length} and ${q.length})`);
}

/** Kullback–Leibler divergence KL(p‖q) = Σ p log(p/q); `Infinity` when q = 0 where p > 0. */
export function kl(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkAligned(p, q, 'kl');
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi <= 0) continue;
    const qi = q[i] as number;
    if (qi <= 0) return Number.POSITIVE_INFINITY;
    s += pi * Math.log(pi / qi);
  }
  return s;
}

/** Jensen–Shannon divergence ½KL(p‖m) + ½KL(q‖m), m = (p+q)/2; in [0, log 2]. */
export function jsd(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkAligned(p, q, 'jsd');
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    const m = 0.5 * (pi + qi);
    if (pi > 0) s += 0.5 * pi * Math.log(pi / m);
    if (qi > 0) s += 0.5 * qi * Math.log(qi / m);
  }
  return Math.max(0, s);
}

/** L1 distance Σ |p − q| (in [0, 2]). */
export function l1(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkAligned(p, q, 'l1');
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs((p[i] as number) - (q[i] as number));
  return s;
}

/** Total variation distance ½ Σ |p − q| (in [0, 1]). */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  return 0.5 * l1(p, q);
}
