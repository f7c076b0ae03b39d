import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ParameterGroup, Policy, PolicyHeads, PolicyOutputs, TrajectoryRows } from '../src/index.js';
import { maskBias, maskedLogSoftmaxRows, packTrajectories, pickEntries, PolicyTypeId, trajectoryTensors, uniqueRows } from '../src/index.js';

const F = 3;
const A = 3; // two moves and stop
const K = 2;

/** A linear policy: logits = features · W, one matrix per head. */
function linearPolicy(): Policy & { wf: tf.Variable; wb: tf.Variable; wl: tf.Variable } {
  const wf = tf.variable(tf.tensor2d([0.3, -0.2, 0.5, 1.1, 0.4, -0.7, -0.6, 0.9, 0.2], [F, A]));
  const wb = tf.variable(tf.tensor2d([0.8, -0.3, -0.5, 0.6, 0.1, 0.7], [F, K]));
  const wl = tf.variable(tf.tensor2d([0.5, -1, 0.25], [F, 1]));
  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: F,
    numActions: A,
    numBackwardActions: K,
    backward: 'learned',
    hasFlow: true,
    wf,
    wb,
    wl,
    apply(x: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs {
      return {
        forwardLogits: tf.matMul(x, wf),
        ...(heads.backward ? { backwardLogits: tf.matMul(x, wb) } : {}),
        ...(heads.flow ? { logFlow: tf.reshape(tf.matMul(x, wl), [x.shape[0]]) as tf.Tensor1D } : {}),
      };
    },
    forwardLogits: () => {
      throw new Error('not used');
    },
    parameters: (): Record<ParameterGroup, tf.Variable[]> => ({ forward: [wf], backward: [wb], flow: [wl] }),
    dispose: () => tf.dispose([wf, wb, wl]),
  };
}

const row = (features: number[], fm: number[], a: number, bm: number[], b: number) => ({ features, fm, a, bm, b });
// Three trajectories sharing s0 and one later state; the last row of trajectory 2 has the features of
// a visited state but a different forward mask (stop forbidden), so it must not share its log-probs.
const trajectories = [
  [row([1, 0, 0], [1, 1, 1], 0, [0, 0], -1), row([0, 1, 0], [1, 1, 1], 1, [1, 0], 0), row([0, 0, 1], [1, 0, 1], 2, [1, 1], 1)],
  [row([1, 0, 0], [1, 1, 1], 1, [0, 0], -1), row([0, 1, 1], [0, 1, 1], 2, [0, 1], 1)],
  [row([1, 0, 0], [1, 1, 1], 0, [0, 0], -1), row([0, 1, 0], [1, 1, 0], 1, [1, 0], 0), row([0, 0, 1], [1, 0, 1], 2, [1, 1], 0)],
];
const logRewards = [0.5, -1, 2];
const batch = packTrajectories(
  { featureSize: F, numActions: A, numBackwardActions: K },
  trajectories.map(
    (rows): TrajectoryRows => ({
      features: Float32Array.from(rows.flatMap((r) => r.features)),
      forwardMasks: Uint8Array.from(rows.flatMap((r) => r.fm)),
      forwardActions: Int32Array.from(rows.map((r) => r.a)),
      backwardMasks: Uint8Array.from(rows.flatMap((r) => r.bm)),
      backwardActions: Int32Array.from(rows.map((r) => r.b)),
      behaviourLogProbs: new Float64Array(rows.length),
    }),
  ),
  logRewards,
  null,
  true,
);

/** The same quantities without deduplication or gathers: every row on its own, one-hot selection. */
function naive(policy: ReturnType<typeof linearPolicy>): { logPF: tf.Tensor1D; logPB: tf.Tensor1D; logPStop: tf.Tensor1D; logFlow: tf.Tensor1D } {
  const N = batch.numRows;
  const x = tf.tensor2d(batch.features, [N, F]);
  const out = policy.apply(x, { backward: true, flow: true });
  const lpF = tf.logSoftmax(tf.add(out.forwardLogits, tf.tensor2d(maskBias(batch.forwardMasks), [N, A])));
  const lpB = tf.logSoftmax(tf.add(out.backwardLogits as tf.Tensor2D, tf.tensor2d(maskBias(batch.backwardMasks), [N, K])));
  const onehot = (actions: Int32Array, k: number) => tf.cast(tf.oneHot(tf.tensor1d(actions, 'int32'), k), 'float32');
  return {
    logPF: tf.sum(tf.mul(lpF, onehot(batch.forwardActions, A)), 1) as tf.Tensor1D,
    logPB: tf.sum(tf.mul(lpB, onehot(batch.backwardActions, K)), 1) as tf.Tensor1D,
    logPStop: tf.sum(tf.mul(lpF, onehot(new Int32Array(N).fill(A - 1), A)), 1) as tf.Tensor1D,
    logFlow: out.logFlow as tf.Tensor1D,
  };
}

describe('trajectoryTensors', () => {
  it('deduplicates rows by features and masks together', () => {
    const u = uniqueRows(batch.features, batch.numRows, F, { data: batch.forwardMasks, width: A }, { data: batch.backwardMasks, width: K });
    // s0 ×3, (0,1,0) ×2 with different forward masks, (0,0,1) ×2 equal, (0,1,1) ×1.
    expect(u.numUnique).toBe(5);
    expect(Array.from(u.index)).toEqual([0, 1, 2, 0, 3, 0, 4, 2]);
    expect(Array.from(u.firstRow)).toEqual([0, 1, 2, 4, 6]);
    expect(uniqueRows(batch.features, batch.numRows, F).numUnique).toBe(4);
  });

  it('matches per-row masked log-softmax on the host, with 0 for log P_B at s0', () => {
    const policy = linearPolicy();
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => {
      const t = trajectoryTensors(policy, batch, { flow: true });
      return [t.logPF, t.logPB, t.logPStop, t.logFlow as tf.Tensor1D, t.perTrajectory(t.logPF), t.logR].map((x) => Array.from(x.dataSync()));
    });
    expect(tf.memory().numTensors).toBe(before);
    const [logPF, logPB, logPStop, logFlow, perTraj, logR] = got as number[][];
    const wf = policy.wf.dataSync();
    const wb = policy.wb.dataSync();
    for (let r = 0; r < batch.numRows; r++) {
      const f = batch.features.subarray(r * F, r * F + F);
      const lf = Array.from({ length: A }, (_, a) => f.reduce((s, v, i) => s + v * (wf[i * A + a] as number), 0));
      const lb = Array.from({ length: K }, (_, a) => f.reduce((s, v, i) => s + v * (wb[i * K + a] as number), 0));
      const pf = maskedLogSoftmaxRows(lf, batch.forwardMasks.subarray(r * A, r * A + A), 1, A);
      const pb = maskedLogSoftmaxRows(lb, batch.backwardMasks.subarray(r * K, r * K + K), 1, K);
      expect(logPF?.[r]).toBeCloseTo(pf[batch.forwardActions[r] as number] as number, 5);
      const b = batch.backwardActions[r] as number;
      expect(logPB?.[r]).toBeCloseTo(b < 0 ? 0 : (pb[b] as number), 5);
      if (batch.forwardMasks[r * A + A - 1]) expect(logPStop?.[r]).toBeCloseTo(pf[A - 1] as number, 5);
      else expect(logPStop?.[r]).toBeLessThan(-1e8);
      expect(logFlow?.[r]).toBeCloseTo((f[0] as number) * 0.5 - (f[1] as number) + (f[2] as number) * 0.25, 5);
    }
    expect(perTraj?.[0]).toBeCloseTo((logPF?.[0] as number) + (logPF?.[1] as number) + (logPF?.[2] as number), 5);
    expect(logR).toEqual(logRewards.map((v) => Math.fround(v)));
    policy.dispose();
  });

  it('has the gradients of the naive per-row computation', () => {
    const policy = linearPolicy();
    const vars = [policy.wf, policy.wb, policy.wl];
    const coeff = tf.tensor1d([0.7, -1.3, 0.4]);
    const objective = (t: { logPF: tf.Tensor1D; logPB: tf.Tensor1D; logPStop: tf.Tensor1D; logFlow: tf.Tensor1D }, per: (x: tf.Tensor1D) => tf.Tensor1D) =>
      tf.addN([tf.sum(tf.mul(per(tf.sub(t.logPF, t.logPB)), coeff)), tf.sum(tf.mul(tf.maximum(t.logPStop, -50), 0.3)), tf.sum(tf.square(t.logFlow))]) as tf.Scalar;
    const fast = tf.variableGrads(() => {
      const t = trajectoryTensors(policy, batch, { flow: true });
      return objective({ logPF: t.logPF, logPB: t.logPB, logPStop: t.logPStop, logFlow: t.logFlow as tf.Tensor1D }, t.perTrajectory);
    }, vars);
    const slow = tf.variableGrads(() => {
      const seg = tf.tensor2d(Float32Array.from({ length: 3 * batch.numRows }, (_, i) => (batch.trajectoryOfRow[i % batch.numRows] === Math.floor(i / batch.numRows) ? 1 : 0)), [3, batch.numRows]);
      return objective(naive(policy), (x) => tf.reshape(tf.matMul(seg, tf.reshape(x, [batch.numRows, 1])), [3]) as tf.Tensor1D);
    }, vars);
    expect(fast.value.dataSync()[0]).toBeCloseTo(slow.value.dataSync()[0] as number, 4);
    for (const v of vars) {
      const a = (fast.grads[v.name] as tf.Tensor).dataSync();
      const b = (slow.grads[v.name] as tf.Tensor).dataSync();
      for (let i = 0; i < b.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 4);
    }
    tf.dispose([fast.value, slow.value, coeff, ...Object.values(fast.grads), ...Object.values(slow.grads)]);
    policy.dispose();
  });

  it('picks entries with −1 as 0 and sums the gradient of repeated picks', () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const index = Int32Array.from([3, -1, 0, 3]);
    expect(Array.from(pickEntries(x, index).dataSync())).toEqual([4, 0, 1, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pickEntries(t as tf.Tensor1D, index), tf.tensor1d([1, 10, 100, 1000]))))(x);
    expect(Array.from(g.dataSync())).toEqual([100, 0, 0, 1001]);
    expect(() => pickEntries(x, Int32Array.from([4]))).toThrow(/index\[0\] = 4 is outside \[0, 4\)/);
    tf.dispose([x, g]);
  });
});
