import type { Random } from '@gflownet/core';
import type { Item } from './items.js';

/** Indices of `n` draws: without replacement when n ≤ size (Floyd's algorithm), else with replacement. */
export function uniformIndices(size: number, n: number, random: Random): number[] {
  if (n > size) return Array.from({ length: n }, () => random.int(size));
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = size - n; j < size; j++) {
    const t = random.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}

/** The first index whose cumulative value exceeds `u` (binary search on a non-decreasing array). */
export function searchCumulative(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `n` draws with replacement, P(i) ∝ exp(logR_i / temperature), by binary search on the cumulative sum. */
export function rewardIndices(items: readonly Item[], n: number, temperature: number, random: Random): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const it of items) max = Math.max(max, it.logReward / temperature);
  const cum = new Float64Array(items.length);
  let total = 0;
  items.forEach((it, i) => {
    total += Math.exp(it.logReward / temperature - max);
    cum[i] = total;
  });
  return Array.from({ length: n }, () => searchCumulative(cum, random.next() * total));
}
