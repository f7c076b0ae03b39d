import type { BehaviourTransform } from '@gflownet/core';
import type { Schedule } from './schedule.js';
import { asSchedule } from './schedule.js';

/** Options of {@link exploration}: each a constant or a {@link Schedule} over training iterations. */
export interface ExplorationOptions {
  /** Probability ε of taking a uniformly random valid action (default: `0`). In [0, 1]. */
  readonly epsilon?: number | Schedule;
  /** Temperature τ dividing the logits (default: `1`). Positive; τ > 1 flattens the policy. */
  readonly temperature?: number | Schedule;
  /** Bias b subtracted from the stop action's logit (default: `0`); b > 0 makes trajectories longer. */
  readonly exitBias?: number | Schedule;
}

/** The exploration parameters in force at one iteration. */
export interface ExplorationValues {
  readonly epsilon: number;
  readonly temperature: number;
  readonly exitBias: number;
}

/** A {@link BehaviourTransform} that also reports its parameters at an iteration. */
export interface Exploration extends BehaviourTransform {
  values(iteration: number): ExplorationValues;
}

/**
 * Exploration on top of the current forward policy. At every step, with logits ℓ of the valid
 * actions (the policy's log-probabilities, which differ from its logits by a constant per row):
 *
 *   q = softmax((ℓ − b·1[a = stop]) / τ) over the valid actions,
 *   π(a) = (1 − ε)·q(a) + ε / #valid,
 *
 * i.e. the exit bias and the temperature act on the logits (bias first, as torchgfn's `sf_bias`),
 * then ε mixes with the uniform distribution over valid actions (stop included). The behaviour
 * log-probability recorded for each sampled action is log π(a), the mixture's density, never one
 * component's. At an iteration where ε = 0, τ = 1 and b = 0 the behaviour is the policy itself and
 * batches are marked on-policy.
 *
 * @example
 * // The paper's hypergrid exploration: exit bias 1 annealed to 0 with a cosine over the first fifth of training.
 * const behaviour = exploration({ exitBias: schedule({ kind: 'cosine', initial: 1, final: 0, iterations: 400 }) });
 * const batch = await sampleForward(env, policy, 16, random, { behaviour, iteration });
 */
export function exploration(options: ExplorationOptions = {}): Exploration {
  const epsilon = asSchedule(options.epsilon ?? 0);
  const temperature = asSchedule(options.temperature ?? 1);
  const exitBias = asSchedule(options.exitBias ?? 0);
  const values = (iteration: number): ExplorationValues => {
    const v = { epsilon: epsilon(iteration), temperature: temperature(iteration), exitBias: exitBias(iteration) };
    if (!(v.epsilon >= 0 && v.epsilon <= 1)) throw new RangeError(`exploration: epsilon must be in [0, 1], got ${v.epsilon} at iteration ${iteration}`);
    if (!(v.temperature > 0 && Number.isFinite(v.temperature))) {
      throw new RangeError(`exploration: temperature must be a positive finite number, got ${v.temperature} at iteration ${iteration}`);
    }
    if (!Number.isFinite(v.exitBias)) throw new RangeError(`exploration: exit bias must be finite, got ${v.exitBias} at iteration ${iteration}`);
    return v;
  };
  return {
    values,
    isOnPolicy(iteration: number): boolean {
      const v = values(iteration);
      return v.epsilon === 0 && v.temperature === 1 && v.exitBias === 0;
    },
    apply(logProbs, mask, n, numActions, iteration, out) {
      const { epsilon: eps, temperature: tau, exitBias: bias } = values(iteration);
      const stop = numActions - 1;
      for (let i = 0; i < n; i++) {
        const o = i * numActions;
        let max = Number.NEGATIVE_INFINITY;
        let valid = 0;
        for (let a = 0; a < numActions; a++) {
          if (!mask[o + a]) {
            out[o + a] = 0;
            continue;
          }
          valid++;
          const z = ((logProbs[o + a] as number) - (a === stop ? bias : 0)) / tau;
          out[o + a] = z;
          if (z > max) max = z;
        }
        if (valid === 0) throw new RangeError(`exploration: row ${i} has no valid action`);
        let sum = 0;
        for (let a = 0; a < numActions; a++) {
          if (!mask[o + a]) continue;
          const e = Math.exp((out[o + a] as number) - max);
          out[o + a] = e;
          sum += e;
        }
        for (let a = 0; a < numActions; a++) {
          if (mask[o + a]) out[o + a] = (1 - eps) * ((out[o + a] as number) / sum) + eps / valid;
        }
      }
    },
  };
}
