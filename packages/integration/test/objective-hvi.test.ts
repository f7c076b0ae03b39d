import type { Rows } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import type { EnumeratedTrajectories } from './support/objectives-kit/index.js';
import { enumerateTrajectories, exactSolution, smokeTrain, tabularPolicy } from './support/objectives-kit/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Baseline, HviKind, ImportanceWeighting } from '@gflownet/objective-hvi';
import { detach, hviLoss, hviObjective } from '@gflownet/objective-hvi';
import type { Tables } from './support/hvi-divergences.js';
import { klBackward, klForward, maxAbsDiff, numericGradient } from './support/hvi-divergences.js';

const KINDS: HviKind[] = ['rkl', 'fkl', 'ws', 'rws'];

describe('detach', () => {
  it('keeps the value and blocks the gradient', () => {
    const [value, grad] = tf.tidy(() => {
      const x = tf.tensor1d([1, -2, 3]);
      const f = (v: tf.Tensor): tf.Scalar => tf.sum(tf.add(tf.square(v), tf.mul(detach(v), v)));
      return [Array.from(detach(x).dataSync()), Array.from(tf.grad(f)(x).dataSync())];
    });
    expect(value).toEqual([1, -2, 3]);
    expect(grad).toEqual([2 * 1 + 1, 2 * -2 - 2, 2 * 3 + 3]); // d/dv (v² + c·v) with c = v held constant
  });
});

describe('hviLoss (pure): hand-computed values and gradients', () => {
  const logPF = [-1.0, -2.0, -0.5];
  const logPB = [-0.3, -0.7, 0];
  const logR = [0.2, -0.4, 0.9];
  const logBehaviour = [-1.5, -1.0, -0.9];
  const logZ = 0.6;
  const c = logPF.map((v, i) => v - (logR[i] as number) - (logPB[i] as number));
  const softmax = (x: number[]): number[] => {
    const m = Math.max(...x);
    const e = x.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };

  function expected(kind: HviKind, baseline: Baseline, offPolicy: boolean, iw: ImportanceWeighting) {
    const B = 3;
    const logRho = logPF.map((v, i) => (offPolicy ? v - (logBehaviour[i] as number) : 0));
    const v = !offPolicy ? [1 / B, 1 / B, 1 / B] : iw === 'plain' ? logRho.map((r) => Math.exp(r) / B) : softmax(logRho);
    const w = softmax(logRho.map((r, i) => r - (c[i] as number)));
    const vSum = v.reduce((a, b) => a + b, 0);
    const cBar = v.reduce((s, vi, i) => s + vi * (c[i] as number), 0) / vSum;
    const b = baseline === 'none' ? 0 : baseline === 'local' ? cBar : -logZ;
    const revF = logPF.map((_, i) => (v[i] as number) * ((c[i] as number) - b)); // d/dlogPF of Σ v logPF (c − b)
    const revB = v.map((vi) => -vi); // d/dlogPB of −Σ v logPB
    const fwdF = w.map((wi) => -wi);
    const fwdB = w.map((wi, i) => -wi * ((c[i] as number) - b));
    const [gF, gB] = kind === 'rkl' ? [revF, revB] : kind === 'fkl' ? [fwdF, fwdB] : kind === 'ws' ? [fwdF, revB] : [revF, fwdB];
    const value = logPF.reduce((s, x, i) => s + x * (gF[i] as number), 0) + logPB.reduce((s, x, i) => s + x * (gB[i] as number), 0) + (logZ + cBar) ** 2;
    return { value, gF, gB, gZ: 2 * (logZ + cBar) };
  }

  for (const kind of KINDS) {
    for (const baseline of ['none', 'local', 'global'] as const) {
      for (const [offPolicy, iw] of [[false, 'plain'], [true, 'plain'], [true, 'self-normalized']] as const) {
        it(`${kind}, baseline ${baseline}, ${offPolicy ? `off-policy (${iw})` : 'on-policy'}`, () => {
          const e = expected(kind, baseline, offPolicy, iw);
          const f = (pf: tf.Tensor, pb: tf.Tensor, z: tf.Tensor): tf.Scalar =>
            hviLoss(kind, {
              logPF: pf as tf.Tensor1D,
              logPB: pb as tf.Tensor1D,
              logR: tf.tensor1d(logR),
              logZ: z as tf.Scalar,
              baseline,
              importanceWeighting: iw,
              ...(offPolicy ? { logBehaviour: tf.tensor1d(logBehaviour) } : {}),
            });
          const out = tf.tidy(() => {
            const args = [tf.tensor1d(logPF), tf.tensor1d(logPB), tf.scalar(logZ)] as const;
            const { value, grads } = tf.valueAndGrads(f)([...args]);
            return { value: value.dataSync()[0] as number, grads: grads.map((g) => Array.from(g.dataSync())) };
          });
          expect(out.value).toBeCloseTo(e.value, 5);
          expect(maxAbsDiff(out.grads[0] as number[], e.gF)).toBeLessThan(1e-5);
          expect(maxAbsDiff(out.grads[1] as number[], e.gB)).toBeLessThan(1e-5);
          expect(out.grads[2]?.[0]).toBeCloseTo(e.gZ, 5);
        });
      }
    }
  }

  it('rejects bad inputs with clear messages', () => {
    const base = { logPF: tf.tensor1d(logPF), logPB: tf.tensor1d(logPB), logR: tf.tensor1d(logR) };
    expect(() => hviLoss('rkl', base)).toThrow(/global baseline needs logZ/);
    expect(() => hviLoss('rkl', { ...base, logR: tf.tensor1d([1, 2]), baseline: 'local' })).toThrow(/shapes differ/);
    expect(() => hviLoss('kl' as HviKind, { ...base, baseline: 'none' })).toThrow(/unknown objective/);
    expect(() => hviObjective('kl' as HviKind)).toThrow(/unknown objective/);
  });
});

// On the batch of all 19 trajectories of hypergrid 2-D H=3 with a behaviour that picks each trajectory
// with probability 1/19, the importance weights make each estimator exact: the gradients of the
// surrogate equal the gradients of the divergences, computed by float64 finite differences.
describe('HVI objectives on every trajectory of hypergrid 2-D H=3: exact gradients', () => {
  const env = hypergrid({ ndim: 2, height: 3 });
  const S = 9;
  const theta = Array.from({ length: S * 3 }, (_, i) => 0.7 * Math.sin(1.3 * i + 0.2));
  const phi = Array.from({ length: S * 2 }, (_, i) => 0.8 * Math.cos(1.9 * i));
  let all: EnumeratedTrajectories<Rows<Int32Array>>;
  let t: Tables;
  beforeAll(async () => {
    all = await enumerateTrajectories(env);
    const exact = await exactSolution(env);
    t = {
      A: 3,
      K: 2,
      forwardMasks: exact.graph.forwardMasks,
      backwardMasks: env.backwardMask(exact.graph.states as Rows<Int32Array>),
      logR: all.paths.map((p) => exact.logR[p.states[p.states.length - 1] as number] as number),
      paths: all.paths,
    };
  });

  const gradients = (kind: HviKind, baseline: Baseline, iw: ImportanceWeighting, th = theta, ph = phi, z = 0.4) => {
    const policy = tabularPolicy(env, { backward: 'learned', forward: th, backwardLogits: ph });
    const logZ = tf.variable(tf.scalar(z));
    const batch = all.subBatch(all.paths.map((_, k) => k), all.paths.map(() => -Math.log(all.paths.length)));
    const { value, grads } = tf.variableGrads(() => hviObjective(kind, { baseline, importanceWeighting: iw }).loss({ policy, batch, logZ }));
    const out = {
      theta: Array.from(grads[policy.forwardTable.name]?.dataSync() ?? []),
      phi: Array.from(grads[policy.backwardTable?.name ?? '']?.dataSync() ?? []),
      logZ: grads[logZ.name]?.dataSync()[0] as number,
    };
    value.dispose();
    tf.dispose(grads);
    policy.dispose();
    logZ.dispose();
    return out;
  };

  const reverse = { theta: () => numericGradient((x) => klForward(t, x, phi), theta), phi: () => numericGradient((x) => klForward(t, theta, x), phi) };
  const forward = { theta: () => numericGradient((x) => klBackward(t, x, phi), theta), phi: () => numericGradient((x) => klBackward(t, theta, x), phi) };
  const expectedOf: Record<HviKind, { theta: () => number[]; phi: () => number[] }> = {
    rkl: reverse,
    fkl: forward,
    ws: { theta: forward.theta, phi: reverse.phi },
    rws: { theta: reverse.theta, phi: forward.phi },
  };

  for (const kind of KINDS) {
    for (const [baseline, iw] of [['global', 'plain'], ['local', 'self-normalized'], ['none', 'plain']] as const) {
      it(`${kind} (baseline ${baseline}, ${iw} weights): P_F by ${kind === 'rkl' || kind === 'rws' ? 'reverse' : 'forward'} KL, P_B by ${kind === 'rkl' || kind === 'ws' ? 'reverse' : 'forward'} KL`, () => {
        const g = gradients(kind, baseline, iw);
        expect(maxAbsDiff(g.theta, expectedOf[kind].theta())).toBeLessThan(2e-5);
        expect(maxAbsDiff(g.phi, expectedOf[kind].phi())).toBeLessThan(2e-5);
      });
    }
  }

  it('have zero policy gradients at the exactly balanced solution, and log Z = log Ẑ is stationary', async () => {
    const exact = await exactSolution(env, phi);
    for (const kind of KINDS) {
      const g = gradients(kind, 'global', 'plain', Array.from(exact.edgeLogits), phi, exact.logZ);
      expect(Math.max(...g.theta.map(Math.abs), ...g.phi.map(Math.abs))).toBeLessThan(2e-5);
      expect(Math.abs(g.logZ)).toBeLessThan(2e-5);
    }
  });

  it('say clearly when an off-policy batch has no behaviour log-probabilities', () => {
    const policy = tabularPolicy(env);
    const logZ = tf.variable(tf.scalar(0));
    const batch = all.subBatch([0, 1], [Number.NaN, -1]);
    expect(() => hviObjective('rkl').loss({ policy, batch, logZ })).toThrow(/trajectory 0 has no behaviour log-probability/);
    policy.dispose();
    logZ.dispose();
  });

  it('leak no tensors', () => {
    const policy = tabularPolicy(env);
    const logZ = tf.variable(tf.scalar(0));
    const before = tf.memory().numTensors;
    for (const kind of KINDS) {
      const { value, grads } = tf.variableGrads(() => hviObjective(kind).loss({ policy, batch: all.batch, logZ }));
      value.dispose();
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    logZ.dispose();
  });
});

describe('HVI smoke training (hypergrid 8×8, hidden 32, 200 iterations, cpu)', () => {
  for (const kind of KINDS) {
    it(`${kind} lowers the exact JSD substantially`, async () => {
      const { initialJsd, finalJsd } = await smokeTrain(hviObjective(kind));
      expect(finalJsd).toBeLessThan(initialJsd / 3);
    });
  }
});
