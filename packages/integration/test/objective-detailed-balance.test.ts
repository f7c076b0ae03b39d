import { hypergrid } from '@gflownet/env-hypergrid';
import { enumerateTrajectories, exactSolution, smokeTrain, tabularPolicy } from './support/objectives-kit/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  detailedBalance,
  detailedBalanceObjective,
  modifiedDetailedBalance,
  modifiedDetailedBalanceObjective,
} from '@gflownet/objective-detailed-balance';

const huber = (v: number): number => (Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5);
const t1 = (xs: number[]): tf.Tensor1D => tf.tensor1d(xs);

/** Central finite differences of `f` at `x` (float32 through tfjs, so a coarse step). */
function numericGrad(f: (x: number[]) => number, x: number[], h = 1e-2): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

describe('detailedBalance (pure)', () => {
  const logFSource = [0.3, -0.2, 1.1];
  const logPF = [-0.7, -1.5, -0.1];
  const logFTarget = [0.1, 0.4, -0.3];
  const logPB = [-0.4, 0, -0.9];
  // r = logFSource + logPF − logFTarget − logPB
  const r: [number, number, number] = [0.3 - 0.7 - 0.1 + 0.4, -0.2 - 1.5 - 0.4 - 0, 1.1 - 0.1 + 0.3 + 0.9];
  const value = (inputs: number[][], loss?: 'squared' | 'huber', mask?: number[]): number =>
    tf.tidy(() =>
      detailedBalance({
        logFSource: t1(inputs[0] as number[]),
        logPF: t1(inputs[1] as number[]),
        logFTarget: t1(inputs[2] as number[]),
        logPB: t1(inputs[3] as number[]),
        ...(loss ? { loss } : {}),
        ...(mask ? { mask: t1(mask) } : {}),
      }).dataSync()[0] as number,
    );

  it('matches hand-computed values (squared, huber, masked)', () => {
    const all = [logFSource, logPF, logFTarget, logPB];
    expect(value(all)).toBeCloseTo((r[0] ** 2 + r[1] ** 2 + r[2] ** 2) / 3, 5);
    expect(value(all, 'huber')).toBeCloseTo((huber(r[0]) + huber(r[1]) + huber(r[2])) / 3, 5);
    expect(value(all, 'squared', [1, 0, 1])).toBeCloseTo((r[0] ** 2 + r[2] ** 2) / 2, 5);
  });

  it('has gradients that agree with finite differences', () => {
    const x = [...logFSource, ...logPF, ...logFTarget, ...logPB];
    const split = (v: number[]): number[][] => [v.slice(0, 3), v.slice(3, 6), v.slice(6, 9), v.slice(9, 12)];
    for (const loss of ['squared', 'huber'] as const) {
      const f = (v: number[]): number => value(split(v), loss, [1, 1, 0.5]);
      const analytic = tf.tidy(() => {
        const g = tf.grad((v: tf.Tensor) => {
          const parts = tf.split(v as tf.Tensor1D, 4) as tf.Tensor1D[];
          return detailedBalance({ logFSource: parts[0] as tf.Tensor1D, logPF: parts[1] as tf.Tensor1D, logFTarget: parts[2] as tf.Tensor1D, logPB: parts[3] as tf.Tensor1D, loss, mask: t1([1, 1, 0.5]) });
        })(t1(x));
        return Array.from(g.dataSync());
      });
      numericGrad(f, x).forEach((n, i) => expect(Math.abs(n - (analytic[i] as number))).toBeLessThan(2e-3));
    }
  });

  it('rejects mismatched shapes with a clear message', () => {
    expect(() => tf.tidy(() => detailedBalance({ logFSource: t1([1, 2]), logPF: t1([1]), logFTarget: t1([1, 2]), logPB: t1([1, 2]) }))).toThrow(/shapes differ/);
  });
});

describe('modifiedDetailedBalance (pure)', () => {
  const logRSource = [0.2, -1.0];
  const logRTarget = [0.5, 0.3];
  const logPF = [-0.6, -1.2];
  const logPB = [-0.7, 0];
  const logPStopSource = [-1.1, -0.4];
  const logPStopTarget = [-0.9, -2.0];
  // r = logRTarget + logPB + logPStopSource − logRSource − logPF − logPStopTarget
  const r: [number, number] = [0.5 - 0.7 - 1.1 - 0.2 + 0.6 + 0.9, 0.3 + 0 - 0.4 + 1.0 + 1.2 + 2.0];
  const all = [logRSource, logRTarget, logPF, logPB, logPStopSource, logPStopTarget];
  const value = (v: number[][], loss?: 'squared' | 'huber'): number =>
    tf.tidy(() => {
      const [a, b, c, d, e, f] = v.map(t1) as tf.Tensor1D[];
      return modifiedDetailedBalance({ logRSource: a!, logRTarget: b!, logPF: c!, logPB: d!, logPStopSource: e!, logPStopTarget: f!, ...(loss ? { loss } : {}) }).dataSync()[0] as number;
    });

  it('matches hand-computed values (squared and huber)', () => {
    expect(value(all)).toBeCloseTo((r[0] ** 2 + r[1] ** 2) / 2, 5);
    expect(value(all, 'huber')).toBeCloseTo((huber(r[0]) + huber(r[1])) / 2, 5);
  });

  it('has gradients that agree with finite differences', () => {
    const x = all.flat();
    const split = (v: number[]): number[][] => [0, 1, 2, 3, 4, 5].map((k) => v.slice(2 * k, 2 * k + 2));
    const analytic = tf.tidy(() =>
      Array.from(
        tf.grad((v: tf.Tensor) => {
          const [a, b, c, d, e, f] = tf.split(v as tf.Tensor1D, 6) as tf.Tensor1D[];
          return modifiedDetailedBalance({ logRSource: a!, logRTarget: b!, logPF: c!, logPB: d!, logPStopSource: e!, logPStopTarget: f!, loss: 'huber' });
        })(t1(x)).dataSync(),
      ),
    );
    numericGrad((v) => value(split(v), 'huber'), x).forEach((n, i) => expect(Math.abs(n - (analytic[i] as number))).toBeLessThan(2e-3));
  });
});

describe('detailed-balance objectives on hypergrid 2-D H=3', () => {
  const env = hypergrid({ ndim: 2, height: 3 });

  it('are zero on the exactly balanced tabular solution (uniform and learned P_B)', async () => {
    const { batch } = await enumerateTrajectories(env);
    const S = 9;
    const backwardLogits = Array.from({ length: S * 2 }, (_, i) => Math.sin(3 * i));
    for (const pb of ['uniform', 'learned'] as const) {
      const exact = await exactSolution(env, pb === 'learned' ? backwardLogits : undefined);
      const policy = tabularPolicy(env, { backward: pb, flow: true, forward: exact.edgeLogits, backwardLogits, logFlow: exact.logF });
      const logZ = tf.variable(tf.scalar(exact.logZ));
      const db = tf.tidy(() => detailedBalanceObjective().loss({ policy, batch, logZ }).dataSync()[0] as number);
      const mdb = tf.tidy(() => modifiedDetailedBalanceObjective().loss({ policy, batch }).dataSync()[0] as number);
      expect(db).toBeLessThan(1e-10);
      expect(mdb).toBeLessThan(1e-10);
      // A perturbed flow breaks DB but not MDB (which has no flow).
      policy.flowTable?.assign(tf.add(policy.flowTable, 0.1) as tf.Tensor2D);
      const perturbed = tf.tidy(() => detailedBalanceObjective().loss({ policy, batch, logZ }).dataSync()[0] as number);
      expect(perturbed).toBeGreaterThan(1e-4);
      policy.dispose();
      logZ.dispose();
    }
  });

  it('rebuild each transition of the batch correctly (against a float64 host computation)', async () => {
    const { batch, paths } = await enumerateTrajectories(env);
    const S = 9;
    const fwd = Array.from({ length: S * 3 }, (_, i) => Math.cos(1.7 * i));
    const bwd = Array.from({ length: S * 2 }, (_, i) => Math.sin(2.3 * i));
    const flow = Array.from({ length: S }, (_, i) => 0.3 * i - 1);
    const policy = tabularPolicy(env, { backward: 'learned', flow: true, forward: fwd, backwardLogits: bwd, logFlow: flow });
    const exact = await exactSolution(env);
    const g = exact.graph;
    const lsm = (row: number[], mask: ArrayLike<number>, a: number): number => {
      const valid = row.filter((_, k) => mask[k]);
      const m = Math.max(...valid);
      return (row[a] as number) - m - Math.log(valid.reduce((s, v) => s + Math.exp(v - m), 0));
    };
    const bmask = env.backwardMask(g.states as never);
    const logPF = (s: number, a: number): number => lsm(fwd.slice(s * 3, s * 3 + 3), g.forwardMasks.subarray(s * 3, s * 3 + 3), a);
    const logPB = (s: number, b: number): number => lsm(bwd.slice(s * 2, s * 2 + 2), bmask.subarray(s * 2, s * 2 + 2), b);
    const logZ = 0.25;
    let dbSum = 0;
    let dbCount = 0;
    let mdbSum = 0;
    let mdbCount = 0;
    for (const p of paths) {
      const L = p.states.length;
      for (let k = 0; k < L; k++) {
        const s = p.states[k] as number;
        const fs = k === 0 ? logZ : (flow[s] as number);
        if (k === L - 1) {
          dbSum += (fs + logPF(s, 2) - (exact.logR[s] as number)) ** 2;
        } else {
          const c = p.states[k + 1] as number;
          dbSum += (fs + logPF(s, p.actions[k] as number) - (flow[c] as number) - logPB(c, p.backwardActions[k + 1] as number)) ** 2;
          const m = (exact.logR[c] as number) + logPB(c, p.backwardActions[k + 1] as number) + logPF(s, 2) - (exact.logR[s] as number) - logPF(s, p.actions[k] as number) - logPF(c, 2);
          mdbSum += m * m;
          mdbCount++;
        }
        dbCount++;
      }
    }
    const z = tf.variable(tf.scalar(logZ));
    const db = tf.tidy(() => detailedBalanceObjective().loss({ policy, batch, logZ: z }).dataSync()[0] as number);
    const mdb = tf.tidy(() => modifiedDetailedBalanceObjective().loss({ policy, batch }).dataSync()[0] as number);
    expect(db).toBeCloseTo(dbSum / dbCount, 4);
    expect(mdb).toBeCloseTo(mdbSum / mdbCount, 4);
    policy.dispose();
    z.dispose();
  });

  it('modified DB says clearly when log R of visited states is missing', async () => {
    const { batch } = await enumerateTrajectories(env);
    const policy = tabularPolicy(env);
    const { stateLogRewards: _, ...without } = batch;
    expect(() => modifiedDetailedBalanceObjective().loss({ policy, batch: without })).toThrow(/stateLogRewards/);
    const holes = { ...batch, stateLogRewards: Float64Array.from(batch.stateLogRewards ?? [], (v, r) => (r === 1 ? Number.NaN : v)) };
    expect(() => modifiedDetailedBalanceObjective().loss({ policy, batch: holes })).toThrow(/row 1 .*every state must be able to stop/);
    policy.dispose();
  });

  it('leaks no tensors', async () => {
    const { batch } = await enumerateTrajectories(env);
    const policy = tabularPolicy(env, { flow: true });
    const logZ = tf.variable(tf.scalar(0));
    const before = tf.memory().numTensors;
    for (const o of [detailedBalanceObjective(), modifiedDetailedBalanceObjective({ loss: 'huber' })]) {
      const { value, grads } = tf.variableGrads(() => o.loss({ policy, batch, logZ }));
      value.dispose();
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
    logZ.dispose();
  });
});

describe('detailed-balance smoke training (hypergrid 8×8, hidden 32, 200 iterations, cpu)', () => {
  for (const [name, make] of [['db', detailedBalanceObjective], ['mdb', modifiedDetailedBalanceObjective]] as const) {
    it(`${name} lowers the exact JSD substantially`, async () => {
      const { initialJsd, finalJsd } = await smokeTrain(make());
      expect(finalJsd).toBeLessThan(initialJsd * 0.5);
    });
  }
});
