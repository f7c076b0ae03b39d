import { maskedLogSoftmaxRows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dagGnnPolicy } from '../src/index.js';

/** Features of DAG states as the DAG environment lays them out: A (i→j at i·d + j), then C (C[a·d + b] = 1 iff b ⇝ a). */
function dagFeatures(d: number, graphs: readonly (readonly [number, number])[][]): Float32Array {
  const W = 2 * d * d;
  const out = new Float32Array(graphs.length * W);
  graphs.forEach((edges, g) => {
    const reach = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => a === b));
    for (const [i, j] of edges) ((out[g * W + i * d + j] = 1), ((reach[i] as boolean[])[j] = true));
    for (let k = 0; k < d; k++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) if (reach[a]?.[k] && reach[k]?.[b]) (reach[a] as boolean[])[b] = true;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) if (reach[b]?.[a]) out[g * W + d * d + a * d + b] = 1;
  });
  return out;
}

/** The environment's validity rule, written independently: edge k valid iff A[k] = 0 and C[k] = 0; stop always. */
function envMask(features: Float32Array, n: number, d: number): Uint8Array {
  const D2 = d * d;
  const out = new Uint8Array(n * (D2 + 1));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < D2; k++) out[i * (D2 + 1) + k] = features[i * 2 * D2 + k] || features[i * 2 * D2 + D2 + k] ? 0 : 1;
    out[i * (D2 + 1) + D2] = 1;
  }
  return out;
}

const d = 3;
const A = d * d + 1;
// Empty; 0→1; chain 0→1→2; a complete DAG (only stop valid); 2→0.
const graphs: [number, number][][] = [[], [[0, 1]], [[0, 1], [1, 2]], [[0, 1], [1, 2], [0, 2]], [[2, 0]]];
const features = dagFeatures(d, graphs);
const n = graphs.length;
const tiny = { numVariables: d, embedding: 6, heads: 2, keySize: 3, seed: 2 } as const;

describe('dagGnnPolicy: contract and shapes', () => {
  it('has the paper architecture by default and the DAG environment sizes', () => {
    const policy = dagGnnPolicy({ numVariables: 4 });
    expect([policy.featureSize, policy.numActions, policy.numBackwardActions]).toEqual([32, 17, 16]);
    expect([policy.embedding, policy.blocks, policy.heads, policy.keySize, policy.backward, policy.hasFlow]).toEqual([128, 2, 4, 32, 'uniform', false]);
    const shapes = policy.parameters().forward.map((v) => v.shape);
    expect(shapes[0]).toEqual([4, 128]); // node embeddings
    expect(shapes[1]).toEqual([1, 128]); // edge embedding
    expect(shapes).toContainEqual([128, 384]); // query/key/value projection
    expect(shapes.at(-1)).toEqual([]); // temperature
    expect(policy.parameters().backward).toEqual([]);
    const logits = policy.forwardLogits(dagFeatures(4, [[], [[1, 3]]]), 2);
    expect(logits.length).toBe(2 * 17);
    policy.dispose();
  });

  it('samples with the log-probabilities it trains with, is reproducible from its seed, and chunks', () => {
    const a = dagGnnPolicy(tiny);
    const b = dagGnnPolicy({ ...tiny, chunk: 2 });
    const c = dagGnnPolicy({ ...tiny, seed: 3 });
    const sampled = a.forwardLogits(features, n);
    const trained = tf.tidy(() => a.apply(tf.tensor2d(features, [n, 2 * d * d])).forwardLogits.dataSync());
    const chunked = b.forwardLogits(features, n);
    const other = c.forwardLogits(features, n);
    const mask = envMask(features, n, d);
    let differs = false;
    for (let k = 0; k < n * A; k++) {
      if (!mask[k]) continue;
      expect(trained[k]).toBeCloseTo(sampled[k] as number, 5);
      expect(chunked[k]).toBeCloseTo(sampled[k] as number, 5);
      if (Math.abs((other[k] as number) - (sampled[k] as number)) > 1e-3) differs = true;
    }
    expect(differs).toBe(true);
    for (const p of [a, b, c]) p.dispose();
  });

  it('rejects bad options and features of the wrong width', () => {
    expect(() => dagGnnPolicy({ numVariables: 1 })).toThrow(/numVariables must be an integer ≥ 2/);
    expect(() => dagGnnPolicy({ numVariables: 3, heads: 0 })).toThrow(/heads must be an integer ≥ 1/);
    expect(() => dagGnnPolicy({ numVariables: 3, backward: 'learned' as 'uniform' })).toThrow(/backward must be "uniform"/);
    const p = dagGnnPolicy(tiny);
    expect(() => p.forwardLogits(new Float32Array(5), 1)).toThrow(/expected 1×18 features/);
    expect(() =>
      tf.tidy(() => {
        p.apply(tf.zeros([1, 5]) as tf.Tensor2D);
      }),
    ).toThrow(/features have width 5, expected 2·d² = 18/);
    p.dispose();
  });
});

describe('dagGnnPolicy: the sigmoid-stop policy and its mask', () => {
  it('gives invalid actions −1e9-like log-probabilities, sums to 1, and a consumer mask changes nothing', () => {
    const p = dagGnnPolicy(tiny);
    const logits = p.forwardLogits(features, n);
    const mask = envMask(features, n, d);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let a = 0; a < A; a++) {
        const v = logits[i * A + a] as number;
        if (mask[i * A + a]) total += Math.exp(v);
        else expect(v).toBeLessThanOrEqual(-1e9);
      }
      expect(total).toBeCloseTo(1, 5);
    }
    // The complete DAG can only stop: log-probability 0.
    expect(Math.abs(logits[3 * A + A - 1] as number)).toBeLessThan(1e-6);
    const again = maskedLogSoftmaxRows(logits, mask, n, A);
    for (let k = 0; k < n * A; k++) if (mask[k]) expect(again[k]).toBeCloseTo(logits[k] as number, 5);
    p.dispose();
  });

  it('keeps P(stop) = σ(s) and renormalises the edges alone when fewer edges are valid', () => {
    // The network reads the graph from A only; the mask comes from A and C. Same A, a closure that
    // forbids two more edges: P(stop) must not move, and the surviving edges keep their ratios.
    const p = dagGnnPolicy(tiny);
    const base = dagFeatures(d, [[[0, 1]]]);
    const narrowed = Float32Array.from(base);
    narrowed[9 + 0 * d + 2] = 1; // forbid 0→2
    narrowed[9 + 2 * d + 1] = 1; // forbid 2→1
    const both = Float32Array.from([...base, ...narrowed]);
    const lp = p.forwardLogits(both, 2);
    const m = envMask(both, 2, d);
    expect(lp[A - 1]).toBeCloseTo(lp[A + A - 1] as number, 5);
    const pStop = Math.exp(lp[A - 1] as number);
    let kept = 0;
    for (let k = 0; k < A - 1; k++) if (m[A + k]) kept += Math.exp(lp[k] as number);
    for (let k = 0; k < A - 1; k++) {
      if (!m[A + k]) continue;
      const want = ((1 - pStop) * Math.exp(lp[k] as number)) / kept;
      expect(Math.exp(lp[A + k] as number)).toBeCloseTo(want, 5);
    }
    p.dispose();
  });
});

describe('dagGnnPolicy: gradients and memory', () => {
  it('matches central finite differences for parameters of every part of the network', () => {
    const p = dagGnnPolicy({ ...tiny, flow: true });
    const mask = envMask(features, n, d);
    const weights = tf.tensor2d(Float32Array.from({ length: n * A }, (_, k) => (mask[k] ? Math.sin(2 * k + 1) : 0)), [n, A]);
    const flowWeights = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => Math.cos(i)));
    const x = tf.tensor2d(features, [n, 2 * d * d]);
    const loss = (): tf.Scalar =>
      tf.tidy(() => {
        const out = p.apply(x, { flow: true });
        return tf.add(tf.sum(tf.mul(out.forwardLogits, weights)), tf.sum(tf.mul(out.logFlow as tf.Tensor1D, flowWeights))) as tf.Scalar;
      });
    const variables = [...p.parameters().forward, ...p.parameters().flow];
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss, variables);
    const g = variables.map((v) => (grads[v.name] as tf.Tensor).dataSync());
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // Small steps: hundreds of ReLU units (the edge MLP runs on every pair of every state) sit near
    // their kink, and a step of 1e-2 crosses some. A step passes if either of two small sizes agrees
    // (the smaller one crosses fewer kinks, the larger one has less float32 rounding).
    const steps = [1e-3, 3e-4];
    let checked = 0;
    variables.forEach((v, vi) => {
      const base = v.dataSync().slice() as Float32Array;
      for (const idx of new Set([0, Math.floor(base.length / 2), base.length - 1])) {
        const at = (delta: number): number => {
          const b = base.slice();
          b[idx] = (b[idx] as number) + delta;
          const t = tf.tensor(b, v.shape);
          v.assign(t);
          t.dispose();
          const l = loss();
          const out = l.dataSync()[0] as number;
          l.dispose();
          return out;
        };
        const analytic = g[vi]?.[idx] as number;
        const errors = steps.map((h) => {
          const fd = (at(h) - at(-h)) / (2 * h);
          return Math.abs(analytic - fd) / (3e-3 + 2e-2 * Math.abs(fd));
        });
        at(0);
        expect(Math.min(...errors), `parameter ${vi} [${idx}]: ${analytic}, relative errors ${errors.join(', ')}`).toBeLessThanOrEqual(1);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(60);
    tf.dispose([weights, flowWeights, x]);
    p.dispose();
  });

  it('leaks no tensor and releases every variable on dispose', () => {
    const start = tf.memory().numTensors;
    const p = dagGnnPolicy({ ...tiny, flow: true });
    const held = tf.memory().numTensors;
    expect(held - start).toBe(p.parameters().forward.length + p.parameters().flow.length);
    p.forwardLogits(features, n);
    tf.tidy(() => {
      p.apply(tf.tensor2d(features, [n, 2 * d * d]), { flow: true });
    });
    const out = p.apply(tf.tensor2d(features, [n, 2 * d * d]));
    out.forwardLogits.dispose();
    // The input tensor above is the caller's; everything else the policy made is released.
    expect(tf.memory().numTensors).toBe(held + 1);
    p.dispose();
    expect(tf.memory().numTensors).toBe(start + 1);
  });
});
