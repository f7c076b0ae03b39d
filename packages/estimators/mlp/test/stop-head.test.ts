import { maskedLogSoftmaxRows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mlpPolicy, sigmoidStopLogProbs } from '../src/index.js';

/** Float64 reference of the sigmoid-stop policy, written from its definition (probabilities, then logs). */
function reference(logits: ArrayLike<number>, mask: ArrayLike<number>, n: number, A: number): Float64Array {
  const out = new Float64Array(n * A).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const o = i * A;
    const s = logits[o + A - 1] as number;
    // log σ(s) and log(1 − σ(s)) in log space, so that σ(40) does not round to 1.
    const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    const logStop = -softplus(-s);
    const logRest = -softplus(s);
    let z = 0;
    let any = false;
    for (let a = 0; a < A - 1; a++) if (mask[o + a]) ((z += Math.exp(logits[o + a] as number)), (any = true));
    const stopValid = mask[o + A - 1] === 1;
    for (let a = 0; a < A - 1; a++) if (mask[o + a]) out[o + a] = (stopValid ? logRest : 0) + Math.log(Math.exp(logits[o + a] as number) / z);
    if (stopValid) out[o + A - 1] = any ? logStop : 0;
  }
  return out;
}

const A = 5;
// Rows: all valid; some invalid; stop invalid; only stop valid; a large stop logit.
const mask = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1]);
const logits = Float32Array.from([0.3, -1.2, 2.0, 0.1, 0.4, 5.0, -0.7, 9.0, 1.1, -2.5, 0.2, 0.9, -3.0, 0.5, 1.7, 1.0, 2.0, 3.0, 4.0, -0.8, 0.1, 7.0, -0.4, 0.6, 40.0]);
const n = mask.length / A;

function run(l: Float32Array): Float32Array {
  return tf.tidy(() => sigmoidStopLogProbs(tf.tensor2d(l, [n, A]), tf.tensor2d(Float32Array.from(mask), [n, A])).dataSync() as Float32Array);
}

describe('sigmoidStopLogProbs', () => {
  it('matches the definition: P(stop) = σ(s), the rest (1 − σ)·softmax over valid actions, special rows', () => {
    const got = run(logits);
    const want = reference(logits, mask, n, A);
    for (let k = 0; k < n * A; k++) {
      if (mask[k]) expect(got[k]).toBeCloseTo(want[k] as number, 5);
      else expect(got[k]).toBeLessThanOrEqual(-1e9);
    }
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let a = 0; a < A; a++) if (mask[i * A + a]) total += Math.exp(got[i * A + a] as number);
      expect(total).toBeCloseTo(1, 6);
    }
    expect(Math.exp(got[A - 1] as number)).toBeCloseTo(1 / (1 + Math.exp(-0.4)), 6);
    expect(Math.abs(got[3 * A + A - 1] as number)).toBe(0); // only stop is valid: log 1
    expect(got[4 * A + A - 1]).toBeCloseTo(-Math.log1p(Math.exp(-40)), 6); // log σ(40) without overflow
    expect(Number.isFinite(got[4 * A] as number)).toBe(true); // log(1 − σ(40)) ≈ −40, finite
    expect(got[4 * A] as number).toBeCloseTo(want[4 * A] as number, 4);
  });

  it('is left unchanged by the masked log-softmax every consumer applies', () => {
    const got = run(logits);
    const again = maskedLogSoftmaxRows(got, mask, n, A);
    for (let k = 0; k < n * A; k++) if (mask[k]) expect(again[k]).toBeCloseTo(got[k] as number, 5);
  });

  it('has the gradients of finite differences of the float64 reference', () => {
    const weights = Float32Array.from({ length: n * A }, (_, k) => (mask[k] ? Math.sin(3 * k + 1) : 0));
    const loss = (l: ArrayLike<number>): number => {
      const r = reference(l, mask, n, A);
      let s = 0;
      for (let k = 0; k < n * A; k++) if (mask[k]) s += (weights[k] as number) * (r[k] as number);
      return s;
    };
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(sigmoidStopLogProbs(x as tf.Tensor2D, tf.tensor2d(Float32Array.from(mask), [n, A])), tf.tensor2d(weights, [n, A]))))(
          tf.tensor2d(logits, [n, A]),
        )
        .dataSync(),
    );
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-5;
    for (let k = 0; k < n * A; k++) {
      const up = Float64Array.from(logits);
      const down = Float64Array.from(logits);
      up[k] = (up[k] as number) + h;
      down[k] = (down[k] as number) - h;
      expect(Math.abs((grad[k] as number) - (loss(up) - loss(down)) / (2 * h))).toBeLessThan(2e-4);
    }
  });
});

describe('mlpPolicy with stopHead "sigmoid"', () => {
  const F = 4;
  const maskOfFeatures = (f: Float32Array, m: number): Uint8Array => {
    // A toy validity rule: action a < 3 is valid when feature a is 0; stop (3) when feature 3 is 0.
    const out = new Uint8Array(m * 4);
    for (let i = 0; i < m; i++) for (let a = 0; a < 4; a++) out[i * 4 + a] = f[i * F + a] === 0 ? 1 : 0;
    return out;
  };
  const rows = Float32Array.from([0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  const m = rows.length / F;
  const options = { featureSize: F, numActions: 4, numBackwardActions: 2, hidden: [8], backward: 'uniform' as const, seed: 5 };

  it('turns the softmax policy outputs (same seed, same weights) into the sigmoid-stop log-probabilities', () => {
    const plain = mlpPolicy(options);
    const sig = mlpPolicy({ ...options, stopHead: 'sigmoid', forwardMask: maskOfFeatures });
    expect(sig.stopHead).toBe('sigmoid');
    expect(plain.stopHead).toBe('softmax');
    const before = tf.memory().numTensors;
    const raw = plain.forwardLogits(rows, m);
    const sampled = sig.forwardLogits(rows, m);
    const trained = tf.tidy(() => sig.apply(tf.tensor2d(rows, [m, F])).forwardLogits.dataSync());
    expect(tf.memory().numTensors).toBe(before);
    const want = reference(raw, maskOfFeatures(rows, m), m, 4);
    const valid = maskOfFeatures(rows, m);
    for (let k = 0; k < m * 4; k++) {
      if (!valid[k]) continue;
      expect(sampled[k]).toBeCloseTo(want[k] as number, 5);
      expect(trained[k]).toBeCloseTo(want[k] as number, 5);
    }
    // Row 0: all valid, P(stop) = σ(raw stop output).
    expect(Math.exp(sampled[3] as number)).toBeCloseTo(1 / (1 + Math.exp(-(raw[3] as number))), 6);
    plain.dispose();
    sig.dispose();
  });

  it('trains through the head: parameter gradients match finite differences', () => {
    const sig = mlpPolicy({ ...options, stopHead: 'sigmoid', forwardMask: maskOfFeatures });
    const valid = maskOfFeatures(rows, m);
    const weights = tf.tensor2d(Float32Array.from({ length: m * 4 }, (_, k) => (valid[k] ? Math.cos(k) : 0)), [m, 4]);
    const x = tf.tensor2d(rows, [m, F]);
    const loss = (): tf.Scalar => tf.sum(tf.mul(sig.apply(x).forwardLogits, weights)) as tf.Scalar;
    const bias = sig.parameters().forward[3] as tf.Variable; // output bias, [4]
    const { grads } = tf.variableGrads(loss, [bias]);
    const g = (grads[bias.name] as tf.Tensor).dataSync();
    tf.dispose(grads);
    const b0 = bias.dataSync().slice();
    const h = 1e-2;
    for (let a = 0; a < 4; a++) {
      const at = (delta: number): number => {
        const b = b0.slice();
        b[a] = (b[a] as number) + delta;
        const t = tf.tensor1d(b);
        bias.assign(t);
        t.dispose();
        return tf.tidy(() => loss().dataSync()[0] as number);
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs((g[a] as number) - fd)).toBeLessThan(2e-3);
    }
    tf.dispose([weights, x]);
    sig.dispose();
  });

  it('rejects a sigmoid head without a mask, an unknown head and a wrong-sized mask', () => {
    expect(() => mlpPolicy({ ...options, stopHead: 'sigmoid' })).toThrow(/stopHead "sigmoid" needs forwardMask/);
    expect(() => mlpPolicy({ ...options, stopHead: 'tanh' as 'sigmoid' })).toThrow(/stopHead must be "softmax" or "sigmoid"/);
    const bad = mlpPolicy({ ...options, stopHead: 'sigmoid', forwardMask: () => new Uint8Array(3) });
    expect(() => bad.forwardLogits(rows, m)).toThrow(/forwardMask returned 3 entries/);
    bad.dispose();
  });
});
