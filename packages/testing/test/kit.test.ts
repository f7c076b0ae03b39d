import type { Environment } from '@gflownet/core';
import { logSumExp, maskedLogSoftmaxRows } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import { checkBackwardActions } from '../src/describe-environment.js';
import type { SubsetStates } from '../src/index.js';
import { describeEnvironment, subsetEnvironment, tabularProblem } from '../src/index.js';

describeEnvironment('subsets of 3 items', () => subsetEnvironment());
describeEnvironment('subsets of 4 items, s0 cannot stop', () => subsetEnvironment({ items: 4, stopAtInitial: false, rewards: Array.from({ length: 16 }, (_, m) => 0.5 + (m % 5)) }));
describeEnvironment('subsets of 1 item', () => subsetEnvironment({ items: 1 }));

describe('tabularProblem on subsets of 3 items', () => {
  it('lists the 16 trajectories and the exact log Z', async () => {
    const p = await tabularProblem(subsetEnvironment());
    // Σ_k C(3, k) k! trajectories; Z = Σ_m (1 + m) = 36.
    expect(p.paths.length).toBe(16);
    expect(p.logZ).toBeCloseTo(Math.log(36), 12);
    const batch = p.exactBatch();
    expect(batch.numRows).toBe(1 + 3 * 2 + 6 * 3 + 6 * 4);
    expect(batch.behaviour.onPolicy).toBe(false);
  });

  it('balances every edge for any P_B, with zero divergences and F(s0) = Z', async () => {
    const p = await tabularProblem(subsetEnvironment());
    const g = p.graph;
    const A = 4;
    const K = 3;
    for (const backward of [undefined, Float64Array.from({ length: 8 * K }, (_, i) => Math.sin(3 * i))]) {
      const t = p.balancedTables(backward);
      expect(t.logZ).toBeCloseTo(p.logZ, 12);
      const logPF = maskedLogSoftmaxRows(t.forward, g.forwardMasks, 8, A);
      const logPB = maskedLogSoftmaxRows(backward ?? new Float64Array(8 * K), p.backwardMasks, 8, K);
      // Detailed balance on each edge s → s ∪ {i}: F(s) P_F(i | s) = F(s') P_B(i | s'), and F(x) P_F(stop | x) = R(x).
      for (let s = 0; s < 8; s++) {
        expect((t.flow[s] as number) + (logPF[s * A + 3] as number)).toBeCloseTo(Math.log(1 + s), 12);
        for (let i = 0; i < 3; i++) if (!((s >> i) & 1)) {
          const c = s | (1 << i);
          expect((t.flow[s] as number) + (logPF[s * A + i] as number)).toBeCloseTo((t.flow[c] as number) + (logPB[c * K + i] as number), 12);
        }
      }
      const d = p.divergences(t);
      expect(Math.abs(d.reverseKL)).toBeLessThan(1e-12);
      expect(Math.abs(d.forwardKL)).toBeLessThan(1e-12);
      expect(d.meanScore).toBeCloseTo(-p.logZ, 12);
      expect(logSumExp([0, 1, 2, 3, 4, 5, 6, 7].map((s) => (t.flow[s] as number) + (logPF[s * A + 3] as number)))).toBeCloseTo(p.logZ, 12);
    }
  });
});

describe('checkBackwardActions catches broken environments', () => {
  const env = subsetEnvironment();
  const states = env.enumerate?.() as SubsetStates;

  it('passes the correct environment', () => {
    expect(() => checkBackwardActions(env, states)).not.toThrow();
  });

  it('fails when backwardStep modifies its input', () => {
    const mutating: Environment<SubsetStates> = {
      ...env,
      backwardStep(s, actions) {
        const out = env.backwardStep(s, actions);
        s.masks.fill(0);
        return out;
      },
    };
    expect(() => checkBackwardActions(mutating, states)).toThrow(/backwardStep must not modify its input/);
  });

  it('fails when step modifies its input', () => {
    const mutating: Environment<SubsetStates> = {
      ...env,
      step(s, actions) {
        const out = env.step(s, actions);
        s.masks.fill(7);
        return out;
      },
    };
    expect(() => checkBackwardActions(mutating, states)).toThrow(/step must not modify its input/);
  });

  it('fails when inverseBackward gives the wrong forward action', () => {
    const wrong: Environment<SubsetStates> = { ...env, inverseBackward: (_s, actions) => Int32Array.from(actions, (a) => (a + 1) % 3) };
    expect(() => checkBackwardActions(wrong, states)).toThrow(/forward action \d is masked at the parent|must return s/);
  });

  it('fails when a backward action leads to a state that does not step back', () => {
    // Removing item i also removes item 0: the "parent" cannot reach the state in one step.
    const lossy: Environment<SubsetStates> = { ...env, backwardStep: (s, actions) => ({ masks: Int32Array.from(s.masks, (m, k) => m & ~(1 << (actions[k] as number)) & ~1) }) };
    expect(() => checkBackwardActions(lossy, states)).toThrow(/must return s/);
  });
});
