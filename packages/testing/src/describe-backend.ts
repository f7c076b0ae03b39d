import type { Backend } from '@gflownet/core';
import { assertGradientsRegistered, dense, expandRows, MASKED_LOGIT, maskedLogSoftmax, pickEntries, Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Options of {@link describeBackend}. */
export interface DescribeBackendOptions {
  /** Skip the suite with this reason, shown in its title (e.g. the backend's native package is not installed). */
  readonly skip?: string;
  /** Absolute tolerance against the reference (default: `1e-5`). */
  readonly atol?: number;
  /** Relative tolerance against the reference (default: `1e-4`). */
  readonly rtol?: number;
  /** Name of the registered tfjs reference backend (default: `cpu`). */
  readonly reference?: string;
  /** Seed of the random inputs (default: `0`). */
  readonly seed?: number;
}

/** A check: builds named outputs from host inputs on the current backend. Runs inside `tidy`. */
type Build = () => Record<string, tf.Tensor>;

function randn(random: Random, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => random.normal() * scale);
}

/** Two-sided ops and gradients every part of the library relies on, with the inputs they see there. */
function checks(seed: number): Record<string, Build> {
  const r = new Random(seed);
  const x = randn(r, 6 * 5);
  const w = randn(r, 5 * 4, 0.5);
  const b = randn(r, 4, 0.1);
  const w2 = randn(r, 4 * 3, 0.5);
  const logits = randn(r, 6 * 4, 3);
  const mask = Uint8Array.from({ length: 24 }, (_, i) => (i % 4 === 3 || (i * 7) % 5 !== 0 ? 1 : 0));
  mask.fill(0, 20, 24); // a fully masked row (padding), which must stay finite
  const onehot = new Float32Array(24);
  for (let i = 0; i < 6; i++) onehot[i * 4 + ((i * 3) % 4)] = 1;
  const v = randn(r, 12);
  const wideW = randn(r, 5 * 40, 0.3);
  const wideB = randn(r, 40, 0.1);
  const wideV = randn(r, 40);
  const t2 = (a: Float32Array, s: [number, number]): tf.Tensor2D => tf.tensor2d(a, s);
  const grads = (f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): Record<string, tf.Tensor> => {
    const { value, grads: gs } = tf.valueAndGrads(f)(xs);
    return Object.fromEntries([['value', value], ...gs.map((g, i) => [`d${i}`, g] as const)]);
  };
  return {
    'matMul and its gradients (plain and transposed)': () => ({
      ...grads((a, c) => tf.sum(tf.square(tf.matMul(a, c))), t2(x, [6, 5]), t2(w, [5, 4])),
      ta: tf.matMul(t2(x, [6, 5]), t2(x, [6, 5]), true, false),
      tb: tf.matMul(t2(x, [6, 5]), t2(x, [6, 5]), false, true),
    }),
    'dense customGrad layer (relu, linear) of estimator-mlp and its gradients': () =>
      grads(
        (a, w1, b1, w2_) => tf.sum(tf.mul(dense(dense(a as tf.Tensor2D, w1 as tf.Tensor2D, b1 as tf.Tensor1D, 'relu'), w2_ as tf.Tensor2D, tf.zeros([3]), 'linear'), tf.tensor2d(v.subarray(0, 3), [1, 3]))),
        t2(x, [6, 5]),
        t2(w, [5, 4]),
        tf.tensor1d(b),
        t2(w2, [4, 3]),
      ),
    'dense with a wide output on two rows ((W · gᵀ)ᵀ input gradient) and without an input gradient': () => {
      const wide = t2(wideW, [5, 40]);
      const bias = tf.tensor1d(wideB);
      const weights = t2(wideV, [1, 40]);
      const rows = t2(x.subarray(0, 10), [2, 5]);
      const wideOut = grads((a, c, d) => tf.sum(tf.mul(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, 'relu'), weights)), rows, wide, bias);
      const noInput = grads((a, c) => tf.sum(tf.mul(dense(a as tf.Tensor2D, c as tf.Tensor2D, bias, 'linear', { inputGradient: false }), weights)), rows, wide);
      return { ...wideOut, noInputDx: noInput.d0 as tf.Tensor, noInputDw: noInput.d1 as tf.Tensor };
    },
    'fused matMul with bias and relu, and its gradients': () =>
      grads((a, c, d) => tf.sum(tf.square(tf.fused.matMul({ a: a as tf.Tensor2D, b: c as tf.Tensor2D, bias: d, activation: 'relu' }))), t2(x, [6, 5]), t2(w, [5, 4]), tf.tensor1d(b)),
    'logSoftmax, softmax, logSumExp and their gradients': () => ({
      ...grads((a) => tf.sum(tf.mul(tf.logSoftmax(a), t2(onehot, [6, 4]))), t2(logits, [6, 4])),
      softmax: grads((a) => tf.sum(tf.square(tf.softmax(a))), t2(logits, [6, 4])).d0 as tf.Tensor,
      lse: grads((a) => tf.sum(tf.logSumExp(a, 1)), t2(logits, [6, 4])).d0 as tf.Tensor,
    }),
    'masked log-softmax (-1e9 fill, a fully masked row) with a one-hot multiply-and-sum': () => {
      const out = grads((a) => tf.sum(tf.mul(maskedLogSoftmax(a as tf.Tensor2D, mask), t2(onehot, [6, 4]))), t2(logits, [6, 4]));
      return { ...out, masked: maskedLogSoftmax(t2(logits, [6, 4]), mask) };
    },
    'log-softmax stays finite and shift-invariant with huge logits': () => {
      const huge = Float32Array.from([1e4, 0, -1e4, 3e3, 1e30, 1e30 - 1, -1e30, 0, MASKED_LOGIT, 5, MASKED_LOGIT, 7]);
      return grads((a) => tf.sum(tf.mul(tf.logSoftmax(a), tf.tensor2d([1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0], [3, 4]))), tf.tensor2d(huge, [3, 4]));
    },
    'sum, mean, square, abs, minimum, maximum, neg, exp, div (huber and balance losses) and their gradients': () =>
      grads(
        (a, c) => tf.add(tf.mean(tf.add(tf.mul(0.5, tf.square(tf.minimum(tf.abs(a), 1))), tf.sub(tf.abs(a), tf.minimum(tf.abs(a), 1)))), tf.sum(tf.div(tf.exp(tf.neg(c)), tf.maximum(tf.abs(c), 0.5)))),
        tf.tensor1d(v.map((u) => 2 * u)),
        tf.tensor1d(v),
      ),
    'gather forward and the expandRows and pickEntries gradients of core': () => {
      const index = Int32Array.from([2, 0, 0, 1, 2, 2, 1]);
      const picks = Int32Array.from([11, -1, 0, 5, 11, 3]);
      return {
        gather: tf.gather(t2(x, [6, 5]), tf.tensor1d([5, 0, 3, 3], 'int32')),
        ...grads((a) => tf.sum(tf.square(expandRows(a as tf.Tensor2D, index))), t2(w2, [3, 4])),
        pick: grads((a) => tf.sum(tf.mul(pickEntries(a as tf.Tensor1D, picks), tf.range(1, 7))), tf.tensor1d(v)).d0 as tf.Tensor,
      };
    },
    'reshape, transpose, slice, concat, split, stack, pad and their gradients': () =>
      grads((a) => {
        const m = tf.reshape(a, [3, 4]);
        const parts = tf.split(tf.transpose(m), [1, 3]);
        const s = tf.concat([tf.slice(m, [1, 0], [2, 3]), tf.transpose(parts[1] as tf.Tensor)]);
        return tf.sum(tf.mul(tf.stack([tf.pad(s, [[0, 1], [1, 0]]), tf.pad(s, [[1, 0], [0, 1]])]), tf.reshape(tf.range(0, 48), [2, 6, 4])));
      }, tf.tensor1d(v)),
    'step, relu, where, cumsum (exclusive, reverse), fill and addN': () => ({
      step: tf.step(tf.tensor1d([-2, -0, 0, 1e-30, 3])),
      ...grads(
        (a) => tf.addN([tf.sum(tf.relu(a)), tf.sum(tf.where(tf.tensor1d(Array.from(v, (u) => u > 0), 'bool'), tf.square(a), tf.fill([12], 0.5))), tf.sum(tf.square(tf.cumsum(a, 0, true, true))), tf.sum(tf.cumsum(a))]),
        tf.tensor1d(v),
      ),
    }),
  };
}

function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): { index: number; excess: number } {
  let worst = { index: -1, excess: 0 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst.index < 0 || !(excess <= worst.excess))) worst = { index: i, excess };
  }
  return worst;
}

/** Runs `build` on `backendName` and returns its outputs on the host. */
async function evaluate(backendName: string, build: Build): Promise<Record<string, { shape: number[]; values: Float32Array }>> {
  await tf.setBackend(backendName);
  return tf.tidy(() => {
    const out = build();
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { shape: t.shape, values: Float32Array.from(t.dataSync() as ArrayLike<number>) }]));
  });
}

/**
 * The backend conformance kit: registers a vitest suite that runs every op and gradient the
 * library relies on (plain, transposed and fused matMul, the MLP estimator's `dense` layer,
 * masked log-softmax with the −1e9 fill, one-hot selection, reductions and the regression losses,
 * gather and core's `expandRows` and `pickEntries` gradients, shape ops, Adam) on `backend` and on the cpu reference,
 * compares them within tolerance, and checks that nothing leaks (`tf.memory().numTensors` unchanged).
 * Pass a factory when making the backend may throw (a missing native package).
 *
 * @example
 * describeBackend('wasm', () => wasm());
 */
export function describeBackend(name: string, backend: Backend | (() => Backend | Promise<Backend>), options: DescribeBackendOptions = {}): void {
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-4;
  const reference = options.reference ?? 'cpu';
  const title = `backend conformance: ${name}`;
  if (options.skip !== undefined) {
    describe.skip(`${title} (skipped: ${options.skip})`, () => {
      it('runs every op and gradient against the reference', () => {});
    });
    return;
  }
  describe(title, () => {
    let tfName = '';
    let previous = '';
    let isTest = false;
    beforeAll(async () => {
      // tfjs's IS_TEST kernel-leak check counts the tensors a customGrad op saves for its gradient as
      // leaks on some backends (wasm); this kit counts tensors, bytes and the wasm heap itself.
      isTest = tf.env().getBool('IS_TEST');
      tf.env().set('IS_TEST', false);
      assertGradientsRegistered();
      if (!tf.engine().registryFactory[reference]) {
        throw new Error(`describeBackend: the reference backend "${reference}" is not registered; import "@tensorflow/tfjs-backend-cpu" in your test setup`);
      }
      previous = tf.getBackend();
      const b = typeof backend === 'function' ? await backend() : backend;
      await b.register();
      tfName = b.name;
      if (!(await tf.setBackend(tfName))) throw new Error(`describeBackend: tfjs backend "${tfName}" failed to initialise`);
    });
    afterAll(async () => {
      tf.env().set('IS_TEST', isTest);
      if (previous) await tf.setBackend(previous);
    });

    for (const [label, build] of Object.entries(checks(options.seed ?? 0))) {
      it(`${label} match ${reference}`, async () => {
        const expected = await evaluate(reference, build);
        await tf.setBackend(tfName);
        const before = tf.memory().numTensors;
        const actual = await evaluate(tfName, build);
        expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
        for (const [k, e] of Object.entries(expected)) {
          const a = actual[k];
          expect(a?.shape, `${k}: shape`).toEqual(e.shape);
          expect(e.values.every(Number.isFinite), `${k}: the reference is not finite`).toBe(true);
          const worst = maxError(a?.values ?? [], e.values, atol, rtol);
          expect(worst.index, `${k}[${worst.index}] = ${a?.values[worst.index]}, ${reference} gives ${e.values[worst.index]}`).toBe(-1);
        }
      });
    }

    it(`Adam updates of tf.train.adam match ${reference} over 5 steps`, async () => {
      const run = async (backendName: string): Promise<Float32Array> => {
        await tf.setBackend(backendName);
        const random = new Random(options.seed ?? 0);
        const wv = tf.variable(tf.tensor2d(randn(random, 20), [5, 4]));
        const xt = tf.tensor2d(randn(random, 15), [3, 5]);
        const opt = tf.train.adam(0.1, 0.9, 0.999, 1e-8);
        const step = (): void => {
          opt.minimize(() => tf.sum(tf.square(tf.sub(tf.matMul(xt, wv), 1))) as tf.Scalar, false, [wv]);
        };
        step();
        const after1 = tf.memory().numTensors;
        for (let s = 0; s < 4; s++) step();
        expect(tf.memory().numTensors, `tensors leaked per Adam step on ${backendName}`).toBe(after1);
        const out = Float32Array.from(wv.dataSync());
        opt.dispose();
        tf.dispose([wv, xt]);
        return out;
      };
      const expected = await run(reference);
      const actual = await run(tfName);
      const worst = maxError(actual, expected, atol * 10, rtol * 10);
      expect(worst.index, `w[${worst.index}] = ${actual[worst.index]}, ${reference} gives ${expected[worst.index]}`).toBe(-1);
    });

    it('variables assign and read back exactly; repeated training steps leak nothing', async () => {
      await tf.setBackend(tfName);
      const random = new Random(1);
      const values = randn(random, 64 * 32);
      const wv = tf.variable(tf.zeros([64, 32]) as tf.Tensor2D);
      const fresh = tf.tensor2d(values, [64, 32]);
      wv.assign(fresh);
      fresh.dispose();
      expect(Array.from(wv.dataSync())).toEqual(Array.from(values));
      const xt = tf.tensor2d(randn(random, 8 * 64), [8, 64]);
      const b1 = tf.variable(tf.zeros([32]) as tf.Tensor1D);
      const step = (): void => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.logSumExp(dense(xt, wv, b1, 'relu'), 1)) as tf.Scalar, [wv, b1]);
        tf.tidy(() => {
          wv.assign(tf.sub(wv, tf.mul(grads[wv.name] as tf.Tensor, 0.01)));
          b1.assign(tf.sub(b1, tf.mul(grads[b1.name] as tf.Tensor, 0.01)));
        });
        value.dispose();
        tf.dispose(grads);
      };
      const heap = (): number | undefined => (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length;
      for (let s = 0; s < 5; s++) step();
      const { numTensors, numBytes } = tf.memory();
      const heapBefore = heap();
      for (let s = 0; s < 50; s++) step();
      expect(tf.memory().numTensors, 'tensors after 50 more steps').toBe(numTensors);
      expect(tf.memory().numBytes, 'bytes after 50 more steps').toBe(numBytes);
      expect(heap(), 'wasm heap size after 50 more steps').toBe(heapBefore);
      tf.dispose([wv, b1, xt]);
    });
  });
}
