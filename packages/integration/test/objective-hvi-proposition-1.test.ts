// Proposition 1 of Malkin et al. (2023), checked exactly on hypergrid 2-D H=3 by enumerating all 19
// complete trajectories, with tabular P_F (θ) and P_B (φ) logits and an arbitrary Z:
//   (8) E_{τ~P_F}[∇_θ L_TB(τ)] = 2 ∇_θ D_KL(P_F‖P_B)
//   (7) E_{τ~P_B}[∇_φ L_TB(τ)] = 2 ∇_φ D_KL(P_B‖P_F),  P_B(τ) = R(x) P_B(τ|x) / Ẑ
//   (9) E_{τ~P_F}[∇_φ L_TB(τ)] = ∇_φ [D_log²(P_B‖P_F) + 2 (log Z − log Ẑ) D_KL(P_F‖P_B)]
// The left sides use the analytic TB gradient 2r(τ)∇log P_F(τ) (−2r(τ)∇log P_B(τ|x)) in float64, the
// right sides central differences of the exact divergences in float64; both agree to 1e-6. Then the
// gradients of our tfjs trajectoryBalance objective are checked against the float64 ones to float32 precision.
import { hypergrid } from '@gflownet/env-hypergrid';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import type { EnumeratedTrajectories } from './support/objectives-kit/index.js';
import { enumerateTrajectories, exactSolution, tabularPolicy } from './support/objectives-kit/index.js';
import type { Rows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from './support/hvi-divergences.js';
import {
  gradLogPB,
  gradLogPF,
  klBackward,
  klForward,
  logPBPaths,
  logPFPaths,
  logSquaredDivergence,
  logTargetPaths,
  maxAbsDiff,
  numericGradient,
  trueLogZ,
} from './support/hvi-divergences.js';

const env = hypergrid({ ndim: 2, height: 3 });
const S = 9;
const A = 3;
const K = 2;
const theta = Array.from({ length: S * A }, (_, i) => 0.8 * Math.sin(1.7 * i + 0.3));
const phi = Array.from({ length: S * K }, (_, i) => 0.9 * Math.cos(2.3 * i + 0.1));

let all: EnumeratedTrajectories<Rows<Int32Array>>;
let t: Tables;

beforeAll(async () => {
  all = await enumerateTrajectories(env);
  const exact = await exactSolution(env);
  const g = exact.graph;
  t = {
    A,
    K,
    forwardMasks: g.forwardMasks,
    backwardMasks: env.backwardMask(g.states as Rows<Int32Array>),
    logR: all.paths.map((p) => exact.logR[p.states[p.states.length - 1] as number] as number),
    paths: all.paths,
  };
});

/** E_{weights}[∇ L_TB(τ)] for θ and φ, from the analytic per-trajectory TB gradient (float64). */
function expectedTbGradient(weights: number[], logZ: number): { theta: Float64Array; phi: Float64Array } {
  const lf = logPFPaths(t, theta);
  const lb = logPBPaths(t, phi);
  const gTheta = new Float64Array(S * A);
  const gPhi = new Float64Array(S * K);
  all.paths.forEach((p, i) => {
    const r = logZ + (lf[i] as number) - (t.logR[i] as number) - (lb[i] as number);
    const w = weights[i] as number;
    gradLogPF(t, theta, p, S * A).forEach((v, j) => {
      gTheta[j] = (gTheta[j] as number) + w * 2 * r * v;
    });
    gradLogPB(t, phi, p, S * K).forEach((v, j) => {
      gPhi[j] = (gPhi[j] as number) - w * 2 * r * v;
    });
  });
  return { theta: gTheta, phi: gPhi };
}

describe('Proposition 1 on hypergrid 2-D H=3 (all 19 trajectories)', () => {
  it('enumerates distributions that sum to one', () => {
    expect(all.paths).toHaveLength(19);
    expect(logPFPaths(t, theta).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    expect(logTargetPaths(t, phi).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
  });

  for (const logZ of [0.3, -2, 5]) {
    it(`(8) E_PF[∇θ L_TB] = 2 ∇θ KL(P_F‖P_B) for log Z = ${logZ}`, () => {
      const pf = logPFPaths(t, theta).map(Math.exp);
      const lhs = expectedTbGradient(pf, logZ).theta;
      const rhs = numericGradient((x) => 2 * klForward(t, x, phi), theta);
      expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-6);
      expect(Math.max(...rhs.map(Math.abs))).toBeGreaterThan(1e-2); // not trivially zero
    });

    it(`(7) E_PB[∇φ L_TB] = 2 ∇φ KL(P_B‖P_F) for log Z = ${logZ}`, () => {
      const target = logTargetPaths(t, phi).map(Math.exp);
      const lhs = expectedTbGradient(target, logZ).phi;
      const rhs = numericGradient((x) => 2 * klBackward(t, theta, x), phi);
      expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-6);
      expect(Math.max(...rhs.map(Math.abs))).toBeGreaterThan(1e-2);
    });

    it(`(9) E_PF[∇φ L_TB] = ∇φ [D_log² + 2(log Z − log Ẑ) KL(P_F‖P_B)] for log Z = ${logZ}`, () => {
      const pf = logPFPaths(t, theta).map(Math.exp);
      const lhs = expectedTbGradient(pf, logZ).phi;
      const kappa = logZ - trueLogZ(t);
      const rhs = numericGradient((x) => logSquaredDivergence(t, theta, x) + 2 * kappa * klForward(t, theta, x), phi);
      expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-6);
    });
  }

  it("our tfjs TB objective's gradients match the float64 ones per trajectory, and so in expectation", () => {
    const logZValue = 0.3;
    const policy = tabularPolicy(env, { backward: 'learned', forward: theta, backwardLogits: phi });
    const logZ = tf.variable(tf.scalar(logZValue));
    const objective = trajectoryBalanceObjective();
    const pf = logPFPaths(t, theta).map(Math.exp);
    const target = logTargetPaths(t, phi).map(Math.exp);
    const lf = logPFPaths(t, theta);
    const lb = logPBPaths(t, phi);
    const sumTheta = { pf: new Float64Array(S * A) };
    const sumPhi = { target: new Float64Array(S * K) };
    all.paths.forEach((p, i) => {
      const { value, grads } = tf.variableGrads(() => objective.loss({ policy, batch: all.subBatch([i]), logZ }), [policy.forwardTable, policy.backwardTable as tf.Variable]);
      const gTheta = grads[policy.forwardTable.name]?.dataSync() as Float32Array;
      const gPhi = grads[(policy.backwardTable as tf.Variable).name]?.dataSync() as Float32Array;
      const r = logZValue + (lf[i] as number) - (t.logR[i] as number) - (lb[i] as number);
      expect((value.dataSync()[0] as number) / (r * r)).toBeCloseTo(1, 5);
      const jsTheta = gradLogPF(t, theta, p, S * A).map((v) => 2 * r * v);
      const jsPhi = gradLogPB(t, phi, p, S * K).map((v) => -2 * r * v);
      expect(maxAbsDiff(gTheta, jsTheta)).toBeLessThan(1e-5 * Math.max(1, Math.abs(r)));
      expect(maxAbsDiff(gPhi, jsPhi)).toBeLessThan(1e-5 * Math.max(1, Math.abs(r)));
      gTheta.forEach((v, j) => {
        sumTheta.pf[j] = (sumTheta.pf[j] as number) + (pf[i] as number) * v;
      });
      gPhi.forEach((v, j) => {
        sumPhi.target[j] = (sumPhi.target[j] as number) + (target[i] as number) * v;
      });
      value.dispose();
      tf.dispose(grads);
    });
    expect(maxAbsDiff(sumTheta.pf, numericGradient((x) => 2 * klForward(t, x, phi), theta))).toBeLessThan(1e-5);
    expect(maxAbsDiff(sumPhi.target, numericGradient((x) => 2 * klBackward(t, theta, x), phi))).toBeLessThan(1e-5);
    policy.dispose();
    logZ.dispose();
  });
});
