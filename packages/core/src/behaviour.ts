/**
 * Turns the current policy's log-probabilities at one step into the distribution actually sampled
 * from (exploration). `logProbs` and `out` are `[n, numActions]`; `logProbs` is `-Infinity` at
 * invalid actions and `out` must stay 0 there. Implementations write probabilities summing to 1.
 */
export interface BehaviourTransform {
  /** `false` when the transform ignores `logProbs` (e.g. uniform): the policy is then not evaluated. Default `true`. */
  readonly usesPolicy?: boolean;
  /**
   * Whether the transform is the identity at `iteration` (e.g. an annealed schedule that has reached
   * ε = 0, τ = 1, b = 0); such batches are marked on-policy. Absent means never.
   */
  isOnPolicy?(iteration: number): boolean;
  apply(logProbs: Float64Array, mask: Uint8Array, n: number, numActions: number, iteration: number, out: Float64Array): void;
}

/**
 * The uniform behaviour: every valid action (stop included) with probability 1/#valid, whatever the
 * policy. Used to prefill replay buffers; the policy is not evaluated.
 */
export function uniformBehaviour(): BehaviourTransform {
  return {
    usesPolicy: false,
    isOnPolicy: () => false,
    apply(_logProbs, mask, n, numActions, _iteration, out) {
      for (let i = 0; i < n; i++) {
        const o = i * numActions;
        let valid = 0;
        for (let a = 0; a < numActions; a++) valid += mask[o + a] ? 1 : 0;
        if (valid === 0) throw new RangeError(`uniformBehaviour: row ${i} has no valid action`);
        for (let a = 0; a < numActions; a++) out[o + a] = mask[o + a] ? 1 / valid : 0;
      }
    },
  };
}
