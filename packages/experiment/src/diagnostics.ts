import type { ExactEvaluation } from '@gflownet/core';

/** JSD above which a run's distribution is called far from its target in warnings. */
const FAR_JSD = 0.05;
/** A distribution whose effective support is below this fraction of the target's has collapsed. */
const COLLAPSE_FRACTION = 0.25;
/** Fewer distinct states than this fraction of samples counts as collapse where nothing is exact. */
const DISTINCT_FRACTION = 0.02;

/** exp(entropy): the number of equally likely states with the same entropy. */
function effectiveSupport(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v > 0) h -= v * Math.log(v);
  }
  return Math.exp(h);
}

/** What {@link runWarnings} looks at. */
export interface RunOutcome {
  readonly exact: ExactEvaluation | null;
  readonly logZ: number | null;
  readonly trueLogZ: number | null;
  readonly history: readonly { readonly logZ: number | null }[];
  /** Keys of terminal states sampled from the trained policy, where nothing is exact. */
  readonly sampledKeys?: readonly string[];
}

/**
 * Warnings about a finished run whose numbers are finite but wrong in a way a user should hear of:
 * the policy collapsed onto a handful of states, or log Z ran away from its true value.
 */
export function runWarnings(outcome: RunOutcome): string[] {
  const out: string[] = [];
  const { exact } = outcome;
  if (exact && exact.jsd > FAR_JSD) {
    const learned = effectiveSupport(exact.distribution);
    const target = effectiveSupport(exact.target.probs);
    if (learned < COLLAPSE_FRACTION * target) {
      out.push(
        `collapse: the learned distribution covers about ${learned.toFixed(1)} states where the target covers ${target.toFixed(1)} (JSD ${exact.jsd.toPrecision(3)}); try exploration (--sampler off-policy), a lower --lr, or a --logz-init near log Z`,
      );
    }
  }
  if (!exact && outcome.sampledKeys && outcome.sampledKeys.length >= 50) {
    const distinct = new Set(outcome.sampledKeys).size;
    if (distinct < Math.max(2, DISTINCT_FRACTION * outcome.sampledKeys.length)) {
      out.push(`collapse: ${outcome.sampledKeys.length} samples from the trained policy hold only ${distinct} distinct states; try exploration or a lower --lr`);
    }
  }
  const { logZ, trueLogZ } = outcome;
  // Running away: far from the truth at the end, and no nearer than half-way through (a run too short to
  // have moved log Z, with fewer than four evaluations, is not judged).
  const mid = outcome.history[Math.floor(outcome.history.length / 2)]?.logZ;
  if (logZ !== null && trueLogZ !== null && exact && exact.jsd > FAR_JSD && outcome.history.length >= 4 && mid !== null && mid !== undefined) {
    const gap = Math.abs(logZ - trueLogZ);
    if (gap > Math.max(5, 0.5 * Math.abs(trueLogZ)) && gap >= Math.abs(mid - trueLogZ)) {
      out.push(`log Z ran away: learned ${logZ.toPrecision(4)} against the true ${trueLogZ.toPrecision(4)}; start it nearer (--logz-init) or use a relative reward`);
    }
  }
  return out;
}
