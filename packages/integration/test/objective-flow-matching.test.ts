import { logSumExp } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { enumerateTrajectories, exactSolution, smokeTrain, tabularPolicy } from './support/objectives-kit/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flowMatching, flowMatchingObjective, replayStates } from '@gflownet/objective-flow-matching';

// Three states: the first has no parents (s0, skipped), the second two, the third one.
const logInflows = [
  [0, 0],
  [0.2, -0.5],
  [1.0, 7],
];
const incomingMask = Uint8Array.from([0, 0, 1, 1, 1, 0]);
const logOutflows = [
  [0.1, 0.3, -0.2],
  [-1.0, 0.4, 0.0],
  [0.5, 5, 0.9],
];
const outgoingMask = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0, 1]);
const logSinkFlows = [0.9, -0.3];
const logR = [0.4, -0.1];

function value(inflows = logInflows, sinks = logSinkFlows, leafWeight = 1, loss: 'squared' | 'huber' = 'squared'): number {
  return tf.tidy(
    () =>
      flowMatching({
        logInflows: tf.tensor2d(inflows),
        incomingMask,
        logOutflows: tf.tensor2d(logOutflows),
        outgoingMask,
        logSinkFlows: tf.tensor1d(sinks),
        logR: tf.tensor1d(logR),
        leafWeight,
        loss,
      }).dataSync()[0] as number,
  );
}

describe('flowMatching (pure)', () => {
  it('matches hand-computed values', () => {
    const r1 = Math.log(Math.exp(0.2) + Math.exp(-0.5)) - Math.log(Math.exp(-1) + Math.exp(0.4) + Math.exp(0));
    const r2 = 1.0 - Math.log(Math.exp(0.5) + Math.exp(0.9));
    const leaves = [0.9 - 0.4, -0.3 + 0.1];
    expect(value()).toBeCloseTo((r1 ** 2 + r2 ** 2 + leaves[0]! ** 2 + leaves[1]! ** 2) / 4, 5);
    expect(value(logInflows, logSinkFlows, 3)).toBeCloseTo((r1 ** 2 + r2 ** 2 + 3 * (leaves[0]! ** 2 + leaves[1]! ** 2)) / 8, 5);
    const huber = (v: number): number => (Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5);
    expect(value(logInflows, logSinkFlows, 1, 'huber')).toBeCloseTo((huber(r1) + huber(r2) + huber(leaves[0]!) + huber(leaves[1]!)) / 4, 5);
  });

  it('has gradients that agree with finite differences', () => {
    const x = [...logInflows.flat(), ...logSinkFlows];
    const f = (v: number[]): number => value([v.slice(0, 2), v.slice(2, 4), v.slice(4, 6)], v.slice(6, 8));
    const analytic = tf.tidy(() =>
      Array.from(
        tf.grad((v: tf.Tensor) => {
          const [a, b] = tf.split(v as tf.Tensor1D, [6, 2]) as [tf.Tensor1D, tf.Tensor1D];
          return flowMatching({ logInflows: tf.reshape(a, [3, 2]) as tf.Tensor2D, incomingMask, logOutflows: tf.tensor2d(logOutflows), outgoingMask, logSinkFlows: b, logR: tf.tensor1d(logR) });
        })(tf.tensor1d(x)).dataSync(),
      ),
    );
    x.forEach((_, i) => {
      const up = [...x];
      const down = [...x];
      up[i] = (up[i] as number) + 1e-2;
      down[i] = (down[i] as number) - 1e-2;
      expect(Math.abs((f(up) - f(down)) / 2e-2 - (analytic[i] as number))).toBeLessThan(2e-3);
    });
    // Masked entries get no gradient.
    expect(Math.abs(analytic[0] as number)).toBe(0);
    expect(Math.abs(analytic[5] as number)).toBe(0);
  });

  it('rejects bad inputs with clear messages', () => {
    expect(() => flowMatching({ logInflows: tf.tensor2d(logInflows), incomingMask: new Uint8Array(5), logOutflows: tf.tensor2d(logOutflows), outgoingMask })).toThrow(/incomingMask has 5 entries/);
    expect(() => flowMatching({ logInflows: tf.tensor2d(logInflows), incomingMask, logOutflows: tf.tensor2d(logOutflows), outgoingMask, logR: tf.tensor1d(logR) })).toThrow(/both/);
  });
});

describe('flowMatchingObjective on hypergrid 2-D H=3', () => {
  const env = hypergrid({ ndim: 2, height: 3 });

  it('is zero on the exact edge flows (for any backward policy that defines them)', async () => {
    const { batch } = await enumerateTrajectories(env);
    for (const backwardLogits of [undefined, Array.from({ length: 18 }, (_, i) => Math.sin(7 * i))]) {
      const exact = await exactSolution(env, backwardLogits);
      const policy = tabularPolicy(env, { backward: 'uniform', forward: exact.edgeLogits });
      expect(tf.tidy(() => flowMatchingObjective({ env }).loss({ policy, batch }).dataSync()[0] as number)).toBeLessThan(1e-10);
      // Normalised logits (log P_F) give the same P_F but not balanced flows.
      const normalised = tabularPolicy(env, { backward: 'uniform', forward: exact.logPF.map((v) => (Number.isFinite(v) ? v : 0)) });
      expect(tf.tidy(() => flowMatchingObjective({ env }).loss({ policy: normalised, batch }).dataSync()[0] as number)).toBeGreaterThan(1e-2);
      policy.dispose();
      normalised.dispose();
    }
  });

  it('uses every parent of every visited state (against a float64 host computation)', async () => {
    const { batch, paths } = await enumerateTrajectories(env);
    const exact = await exactSolution(env);
    const g = exact.graph;
    const logits = Array.from({ length: 27 }, (_, i) => Math.sin(1.3 * i) + 0.5);
    const policy = tabularPolicy(env, { backward: 'uniform', forward: logits });
    const parentsOf = new Map<number, [number, number][]>();
    for (let s = 0; s < 9; s++) {
      for (let e = g.edgeStart[s] as number; e < (g.edgeStart[s + 1] as number); e++) {
        const c = g.edgeChild[e] as number;
        parentsOf.set(c, [...(parentsOf.get(c) ?? []), [s, g.edgeAction[e] as number]]);
      }
    }
    let sum = 0;
    let count = 0;
    for (const p of paths) {
      p.states.forEach((s, k) => {
        if (k === 0) return;
        const inflow = logSumExp((parentsOf.get(s) ?? []).map(([q, a]) => logits[q * 3 + a] as number));
        const outflow = logSumExp([0, 1, 2].filter((a) => g.forwardMasks[s * 3 + a]).map((a) => logits[s * 3 + a] as number));
        sum += (inflow - outflow) ** 2;
        count++;
      });
      const x = p.states[p.states.length - 1] as number;
      sum += ((logits[x * 3 + 2] as number) - (exact.logR[x] as number)) ** 2;
      count++;
    }
    expect(tf.tidy(() => flowMatchingObjective({ env }).loss({ policy, batch }).dataSync()[0] as number)).toBeCloseTo(sum / count, 4);
    policy.dispose();
  });

  it('replays the batch states and refuses a batch from another environment', async () => {
    const { batch, paths } = await enumerateTrajectories(env);
    const states = replayStates(env, batch);
    const g = (await exactSolution(env)).graph;
    const keys = paths.flatMap((p) => p.states.map((s) => g.keys[s]));
    expect(Array.from({ length: batch.numRows }, (_, r) => env.stateKey(states, r))).toEqual(keys);
    const features = Float32Array.from(batch.features);
    features[batch.featureSize * 3] = 1 - (features[batch.featureSize * 3] as number);
    expect(() => replayStates(env, { ...batch, features })).toThrow(/does not come from environment "hypergrid": row 3/);
  });

  it('leaks no tensors', async () => {
    const { batch } = await enumerateTrajectories(env);
    const policy = tabularPolicy(env);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => flowMatchingObjective({ env, loss: 'huber' }).loss({ policy, batch }));
    value.dispose();
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });
});

describe('FM smoke training (hypergrid 8×8, hidden 32, 200 iterations, cpu)', () => {
  it('lowers the exact JSD substantially', async () => {
    const env = hypergrid({ ndim: 2, height: 8, r0: 0.1 });
    const { initialJsd, finalJsd } = await smokeTrain(flowMatchingObjective({ env }));
    expect(finalJsd).toBeLessThan(initialJsd / 3);
  });
});
