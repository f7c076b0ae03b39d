import { hypergrid } from '@gflownet/env-hypergrid';
import { detailedBalanceObjective } from '@gflownet/objective-detailed-balance';
import { trajectoryBalance, trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { enumerateTrajectories, exactSolution, smokeTrain, tabularPolicy } from './support/objectives-kit/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { SubTrajectoryWeighting } from '@gflownet/objective-subtrajectory-balance';
import { padRows, subTrajectoryBalance, subTrajectoryBalanceObjective } from '@gflownet/objective-subtrajectory-balance';

// Two trajectories, T = 3: the first has L = 2 transitions, the second L = 3. Padding is arbitrary.
const logF = [
  [0.5, -0.3, 1.2, 9],
  [0.5, 0.8, -0.6, 0.1],
];
const logPF = [
  [-0.4, -1.1, 7],
  [-0.9, -0.2, -1.3],
];
const logPB = [
  [-0.2, 0, 5],
  [-0.7, -0.5, 0],
];
const lengths = [2, 3];

/** SubTB by its definition, with explicit loops (float64). */
function direct(lambda: number, weighting: SubTrajectoryWeighting, ell: (r: number) => number = (r) => r * r): number {
  let total = 0;
  let pairs = 0;
  const per: number[] = [];
  lengths.forEach((L, b) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < L; i++) {
      for (let j = i + 1; j <= L; j++) {
        let r = (logF[b]?.[i] as number) - (logF[b]?.[j] as number);
        for (let k = i; k < j; k++) r += (logPF[b]?.[k] as number) - (logPB[b]?.[k] as number);
        const w = weighting === 'geometric-within' ? lambda ** (j - i) : 1;
        num += w * ell(r);
        den += w;
        total += ell(r);
        pairs++;
      }
    }
    per.push(num / den);
  });
  return weighting === 'equal' ? total / pairs : per.reduce((s, v) => s + v, 0) / per.length;
}

const run = (lambda: number, weighting: SubTrajectoryWeighting = 'geometric-within', loss: 'squared' | 'huber' = 'squared', f = logF): number =>
  tf.tidy(() => subTrajectoryBalance({ logF: tf.tensor2d(f), logPF: tf.tensor2d(logPF), logPB: tf.tensor2d(logPB), lengths, lambda, weighting, loss }).dataSync()[0] as number);

describe('subTrajectoryBalance (pure)', () => {
  it('matches a hand-worked value', () => {
    // Trajectory 1 (L = 2): r01 = u0 − u1 + pf0 − pb0 = 0.5 + 0.3 − 0.4 + 0.2 = 0.6,
    // r12 = −0.3 − 1.2 − 1.1 − 0 = −2.6, r02 = r01 + r12 = −2.0; with λ = 0.5 the weights are λ, λ, λ².
    const t1 = (0.5 * 0.36 + 0.5 * 6.76 + 0.25 * 4) / (0.5 + 0.5 + 0.25);
    const only1 = tf.tidy(
      () =>
        subTrajectoryBalance({ logF: tf.tensor2d([logF[0] as number[]]), logPF: tf.tensor2d([logPF[0] as number[]]), logPB: tf.tensor2d([logPB[0] as number[]]), lengths: [2], lambda: 0.5 }).dataSync()[0] as number,
    );
    expect(only1).toBeCloseTo(t1, 5);
  });

  it('matches the definition for every weighting and both regression losses', () => {
    const huber = (v: number): number => (Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5);
    for (const lambda of [0.9, 0.3, 2]) expect(run(lambda)).toBeCloseTo(direct(lambda, 'geometric-within'), 5);
    expect(run(0.9, 'equal-within')).toBeCloseTo(direct(1, 'equal-within'), 5);
    expect(run(0.9, 'equal')).toBeCloseTo(direct(1, 'equal'), 5);
    expect(run(0.9, 'geometric-within', 'huber')).toBeCloseTo(direct(0.9, 'geometric-within', huber), 5);
  });

  it('tends to per-trajectory DB as λ → 0 and to TB as λ → ∞', () => {
    // Per-trajectory mean of the DB residuals, then the mean over trajectories.
    const db = lengths.map((L, b) => {
      let s = 0;
      for (let k = 0; k < L; k++) s += ((logF[b]?.[k] as number) + (logPF[b]?.[k] as number) - (logF[b]?.[k + 1] as number) - (logPB[b]?.[k] as number)) ** 2;
      return s / L;
    });
    const dbMean = (db[0]! + db[1]!) / 2;
    const tb = tf.tidy(() => {
      const sum = (rows: number[][]) => lengths.map((L, b) => (rows[b] as number[]).slice(0, L).reduce((s, v) => s + v, 0));
      return trajectoryBalance({
        logZ: tf.scalar(0.5),
        logPF: tf.tensor1d(sum(logPF)),
        logPB: tf.tensor1d(sum(logPB)),
        logR: tf.tensor1d([logF[0]?.[2] as number, logF[1]?.[3] as number]),
      }).dataSync()[0] as number;
    });
    expect(run(0)).toBeCloseTo(dbMean, 5);
    expect(run(1e-6)).toBeCloseTo(dbMean, 4);
    expect(run(Number.POSITIVE_INFINITY)).toBeCloseTo(tb, 5);
    expect(run(1e6)).toBeCloseTo(tb, 4);
  });

  it('ignores the padding', () => {
    const f = logF.map((r) => [...r]);
    (f[0] as number[])[3] = -123;
    expect(run(0.9, 'geometric-within', 'squared', f)).toBeCloseTo(run(0.9), 6);
  });

  it('has gradients that agree with finite differences', () => {
    const x = logF.flat();
    const f = (v: number[]): number => run(0.7, 'geometric-within', 'huber', [v.slice(0, 4), v.slice(4, 8)]);
    const analytic = tf.tidy(() =>
      Array.from(
        tf.grad((v: tf.Tensor) =>
          subTrajectoryBalance({ logF: tf.reshape(v, [2, 4]) as tf.Tensor2D, logPF: tf.tensor2d(logPF), logPB: tf.tensor2d(logPB), lengths, lambda: 0.7, loss: 'huber' }),
        )(tf.tensor1d(x)).dataSync(),
      ),
    );
    x.forEach((_, i) => {
      const up = [...x];
      const down = [...x];
      up[i] = (up[i] as number) + 1e-2;
      down[i] = (down[i] as number) - 1e-2;
      expect(Math.abs((f(up) - f(down)) / 2e-2 - (analytic[i] as number))).toBeLessThan(2e-3);
    });
  });

  it('rejects bad inputs with clear messages', () => {
    expect(() => run(-1)).toThrow(/lambda must be ≥ 0/);
    expect(() =>
      tf.tidy(() => subTrajectoryBalance({ logF: tf.tensor2d(logF), logPF: tf.tensor2d(logPF), logPB: tf.tensor2d(logPB), lengths: [2, 4] })),
    ).toThrow(/lengths\[1\] = 4/);
    expect(() => tf.tidy(() => subTrajectoryBalance({ logF: tf.tensor2d(logPF), logPF: tf.tensor2d(logPF), logPB: tf.tensor2d(logPB), lengths }))).toThrow(/shapes differ/);
  });
});

describe('padRows', () => {
  it('pads packed rows per trajectory, with the gradient flowing back to the rows', () => {
    const batch = { offsets: Int32Array.from([0, 2, 5]), numTrajectories: 2 };
    const { value, grad } = tf.tidy(() => {
      const rows = tf.tensor1d([1, 2, 3, 4, 5]);
      const g = tf.grad((r: tf.Tensor) => tf.sum(tf.mul(padRows(r as tf.Tensor1D, batch, 4), tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]]))))(rows);
      return { value: Array.from(padRows(rows, batch, 4).dataSync()), grad: Array.from(g.dataSync()) };
    });
    expect(value).toEqual([1, 2, 0, 0, 3, 4, 5, 0]);
    expect(grad).toEqual([1, 2, 5, 6, 7]);
  });
});

describe('subTrajectoryBalanceObjective on hypergrid 2-D H=3', () => {
  const env = hypergrid({ ndim: 2, height: 3 });

  it('is zero (as are TB and DB) on the exactly balanced tabular solution, for every weighting and P_B', async () => {
    const { batch } = await enumerateTrajectories(env);
    const backwardLogits = Array.from({ length: 18 }, (_, i) => Math.cos(5 * i));
    for (const pb of ['uniform', 'learned'] as const) {
      const exact = await exactSolution(env, pb === 'learned' ? backwardLogits : undefined);
      const policy = tabularPolicy(env, { backward: pb, flow: true, forward: exact.edgeLogits, backwardLogits, logFlow: exact.logF });
      const logZ = tf.variable(tf.scalar(exact.logZ));
      const objectives = [
        ...(['geometric-within', 'equal-within', 'equal'] as const).map((weighting) => subTrajectoryBalanceObjective({ weighting })),
        trajectoryBalanceObjective(),
        detailedBalanceObjective(),
      ];
      for (const o of objectives) expect(tf.tidy(() => o.loss({ policy, batch, logZ }).dataSync()[0] as number)).toBeLessThan(1e-10);
      policy.dispose();
      logZ.dispose();
    }
  });

  it('equals the DB objective at λ = 0 and the TB objective at λ = ∞ on real batches', async () => {
    const all = await enumerateTrajectories(env);
    // Trajectories of equal length (to the anti-diagonal x + y = 2), where DB's transition mean equals the per-trajectory mean.
    const same = all.paths.flatMap((p, k) => (p.states.length === 3 ? [k] : []));
    const policy = tabularPolicy(env, {
      flow: true,
      forward: Array.from({ length: 27 }, (_, i) => Math.sin(i)),
      backwardLogits: Array.from({ length: 18 }, (_, i) => Math.cos(i)),
      logFlow: Array.from({ length: 9 }, (_, i) => 0.1 * i),
    });
    const logZ = tf.variable(tf.scalar(0.7));
    const value = (o: ReturnType<typeof subTrajectoryBalanceObjective>, batch = all.batch): number => tf.tidy(() => o.loss({ policy, batch, logZ }).dataSync()[0] as number);
    const sub = all.subBatch(same);
    expect(value(subTrajectoryBalanceObjective({ lambda: 0 }), sub)).toBeCloseTo(value(detailedBalanceObjective(), sub), 5);
    expect(value(subTrajectoryBalanceObjective({ lambda: Number.POSITIVE_INFINITY }))).toBeCloseTo(value(trajectoryBalanceObjective()), 4);
    expect(value(detailedBalanceObjective(), sub)).toBeGreaterThan(0.01); // a non-trivial comparison
    policy.dispose();
    logZ.dispose();
  });

  it('leaks no tensors', async () => {
    const { batch } = await enumerateTrajectories(env);
    const policy = tabularPolicy(env, { flow: true });
    const logZ = tf.variable(tf.scalar(0));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => subTrajectoryBalanceObjective().loss({ policy, batch, logZ }));
    value.dispose();
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    logZ.dispose();
  });
});

describe('SubTB smoke training (hypergrid 8×8, hidden 32, 200 iterations, cpu)', () => {
  it('lowers the exact JSD substantially', async () => {
    const { initialJsd, finalJsd } = await smokeTrain(subTrajectoryBalanceObjective());
    expect(finalJsd).toBeLessThan(initialJsd / 3);
  });
});
