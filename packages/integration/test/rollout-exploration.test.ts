import { maskedLogSoftmaxRows, Random } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { describe, expect, it } from 'vitest';
import { exploration, offPolicySampler, sampleForward, schedule, uniformBehaviour } from '@gflownet/sampler-rollout';

/** The behaviour distribution written out by hand from raw logits (bias, then temperature, then ε-mix). */
function handMixture(logits: ArrayLike<number>, mask: ArrayLike<number>, eps: number, tau: number, bias: number): number[] {
  const A = logits.length;
  const valid = Array.from(mask).filter((m) => m === 1).length;
  const z = Array.from({ length: A }, (_, a) => (mask[a] ? ((logits[a] as number) - (a === A - 1 ? bias : 0)) / tau : Number.NEGATIVE_INFINITY));
  const max = Math.max(...z);
  const e = z.map((v) => (Number.isFinite(v) ? Math.exp(v - max) : 0));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v, a) => (mask[a] ? (1 - eps) * (v / sum) + eps / valid : 0));
}

describe('exploration', () => {
  const env = hypergrid({ ndim: 2, height: 4 });
  const policy = mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden: [32], seed: 5 });
  const A = env.numActions;

  it('writes a distribution that sums to one over the valid actions, zero elsewhere, equal to the hand formula', () => {
    const states = env.enumerate();
    const n = states.n;
    const mask = env.forwardMask(states);
    const logits = policy.forwardLogits(env.features(states), n);
    const logProbs = maskedLogSoftmaxRows(logits, mask, n, A);
    for (const [eps, tau, bias] of [[0, 1, 0], [0.25, 1, 0], [0, 3, 0], [0, 1, 2.5], [0.1, 0.5, -1], [1, 2, 4]] as const) {
      const out = new Float64Array(n * A);
      exploration({ epsilon: eps, temperature: tau, exitBias: bias }).apply(logProbs, mask, n, A, 0, out);
      for (let i = 0; i < n; i++) {
        const row = Array.from(out.subarray(i * A, (i + 1) * A));
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        const hand = handMixture(logits.subarray(i * A, (i + 1) * A), mask.subarray(i * A, (i + 1) * A), eps, tau, bias);
        row.forEach((v, a) => {
          if (!mask[i * A + a]) expect(v).toBe(0);
          expect(v).toBeCloseTo(hand[a] as number, 6);
        });
      }
    }
  });

  it('records the mixture log-density of the sampled action, and its sampled frequencies match', async () => {
    const eps = 0.3;
    const tau = 1.7;
    const bias = 0.8;
    const behaviour = exploration({ epsilon: eps, temperature: tau, exitBias: bias });
    const n = 4000;
    const batch = await sampleForward(env, policy, n, new Random(17), { behaviour });
    expect(batch.behaviour.onPolicy).toBe(false);
    // Every recorded value is log π(a|s) of the mixture at that row, recomputed here from raw logits.
    const logits = policy.forwardLogits(batch.features, batch.numRows);
    for (let r = 0; r < batch.numRows; r++) {
      const pi = handMixture(logits.subarray(r * A, (r + 1) * A), batch.forwardMasks.subarray(r * A, (r + 1) * A), eps, tau, bias);
      expect(batch.behaviour.logProbs[r]).toBeCloseTo(Math.log(pi[batch.forwardActions[r] as number] as number), 5);
    }
    // First actions (at s0) are drawn with the mixture's probabilities.
    const s0 = env.initialStates(1);
    const pi0 = handMixture(policy.forwardLogits(env.features(s0), 1), env.forwardMask(s0), eps, tau, bias);
    const counts = new Array(A).fill(0);
    for (let b = 0; b < n; b++) counts[batch.forwardActions[batch.offsets[b] as number] as number]++;
    pi0.forEach((p, a) => {
      const sd = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(counts[a] / n - p)).toBeLessThan(5 * sd);
    });
    // The mixture differs from both of its components, so recording a component's density would fail above.
    let offPF = 0;
    let offUniform = 0;
    for (let r = 0; r < batch.numRows; r++) {
      const m = batch.forwardMasks.subarray(r * A, (r + 1) * A);
      const a = batch.forwardActions[r] as number;
      const lr = batch.behaviour.logProbs[r] as number;
      offPF = Math.max(offPF, Math.abs(lr - Math.log(handMixture(logits.subarray(r * A, (r + 1) * A), m, 0, 1, 0)[a] as number)));
      offUniform = Math.max(offUniform, Math.abs(lr + Math.log(m.reduce((s, v) => s + v, 0))));
    }
    expect(offPF).toBeGreaterThan(0.1);
    expect(offUniform).toBeGreaterThan(0.1);
  });

  it('marks batches on-policy once an annealed schedule reaches ε = 0, τ = 1, b = 0', async () => {
    const behaviour = exploration({
      epsilon: schedule({ kind: 'linear', initial: 0.5, final: 0, iterations: 10 }),
      temperature: schedule({ kind: 'cosine', initial: 2, final: 1, iterations: 10 }),
      exitBias: schedule({ kind: 'exponential', initial: 1, final: 0, iterations: 10 }),
    });
    expect(behaviour.values(5).epsilon).toBeCloseTo(0.25, 12);
    expect(behaviour.isOnPolicy?.(5)).toBe(false);
    expect(behaviour.isOnPolicy?.(10)).toBe(true);
    const random = new Random(2);
    expect((await sampleForward(env, policy, 4, random, { behaviour, iteration: 3 })).behaviour.onPolicy).toBe(false);
    const late = await sampleForward(env, policy, 4, random, { behaviour, iteration: 10 });
    expect(late.behaviour.onPolicy).toBe(true);
    // At the neutral values the recorded density is P_F itself.
    const logits = policy.forwardLogits(late.features, late.numRows);
    const lp = maskedLogSoftmaxRows(logits, late.forwardMasks, late.numRows, A);
    for (let r = 0; r < late.numRows; r++) expect(late.behaviour.logProbs[r]).toBeCloseTo(lp[r * A + (late.forwardActions[r] as number)] as number, 5);
  });

  it('an exit bias makes trajectories longer', async () => {
    const length = async (bias: number): Promise<number> => {
      const batch = await sampleForward(env, policy, 600, new Random(3), { behaviour: exploration({ exitBias: bias }) });
      return batch.numRows / batch.numTrajectories;
    };
    expect(await length(3)).toBeGreaterThan((await length(0)) + 0.5);
  });

  it('the uniform behaviour records −log(#valid actions) at every row', async () => {
    const batch = await sampleForward(env, policy, 50, new Random(4), { behaviour: uniformBehaviour() });
    for (let r = 0; r < batch.numRows; r++) {
      let valid = 0;
      for (let a = 0; a < A; a++) valid += batch.forwardMasks[r * A + a] as number;
      expect(batch.behaviour.logProbs[r]).toBeCloseTo(-Math.log(valid), 12);
    }
  });

  it('rejects out-of-range values at the iteration they occur', () => {
    const out = new Float64Array(A);
    const lp = new Float64Array(A).fill(-Math.log(A));
    const mask = new Uint8Array(A).fill(1);
    expect(() => exploration({ epsilon: 1.5 }).apply(lp, mask, 1, A, 0, out)).toThrow(/epsilon must be in \[0, 1\]/);
    expect(() => exploration({ temperature: 0 }).apply(lp, mask, 1, A, 0, out)).toThrow(/temperature/);
    expect(() => exploration({ epsilon: (t) => t / 2 }).apply(lp, mask, 1, A, 4, out)).toThrow(/iteration 4/);
  });

  it('gives the same batches for the same seed', async () => {
    const sampler = offPolicySampler({ epsilon: 0.2, exitBias: 1 });
    const a = await sampler.sample({ env, policy, n: 8, random: new Random(9), iteration: 0 });
    const b = await sampler.sample({ env, policy, n: 8, random: new Random(9), iteration: 0 });
    const c = await sampler.sample({ env, policy, n: 8, random: new Random(10), iteration: 0 });
    expect(b.forwardActions).toEqual(a.forwardActions);
    expect(b.behaviour.logProbs).toEqual(a.behaviour.logProbs);
    expect(b.features).toEqual(a.features);
    expect(c.forwardActions).not.toEqual(a.forwardActions);
  });
});
