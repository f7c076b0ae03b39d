import { readFileSync } from 'node:fs';
import { dense, useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_FILE, gemmBinarySource } from '../scripts/build-gemm.js';
import type { GemmKernel } from '../src/gemm/kernel.js';
import { gemmKernel, useGemmKernel } from '../src/gemm/kernel.js';
import { wasm } from '../src/index.js';

const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.37) * (1 + (i % 7)));

/** `run` on the wasm backend with each kernel (tfjs's first); the outputs as arrays. */
async function withEach(kinds: readonly GemmKernel[], run: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[][]> {
  const out: Float32Array[][] = [];
  for (const kind of kinds) {
    await useGemmKernel(kind);
    out.push(tf.tidy(() => [run()].flat().map((t) => t.dataSync() as Float32Array)));
  }
  await useGemmKernel('xnnpack');
  return out;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

// Sizes around the tiles (4 rows × 8 columns, then 4 columns, then one), the hypergrid MLP's layers at
// a large batch, and inner sizes over several blocks of k (256).
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 9, 13], [6, 3, 12], [37, 32, 256], [129, 256, 9], [1024, 256, 256], [9, 700, 13], [64, 513, 40]];

describe('the GEMM kernels of backend-wasm', () => {
  // tfjs's IS_TEST leak check counts the tensors a customGrad op (dense) saves as leaked, as in
  // @gflownet/testing's conformance kit.
  let isTest = false;
  beforeAll(async () => {
    await useBackend(wasm());
    isTest = tf.env().getBool('IS_TEST');
    tf.env().set('IS_TEST', false);
  });
  afterAll(async () => {
    tf.env().set('IS_TEST', isTest);
    await useGemmKernel('xnnpack');
    await tf.setBackend('cpu');
  });

  it('are assembled from scripts/gemm-wat.ts (src/gemm/binary.ts is what scripts/build-gemm.ts writes)', async () => {
    expect(readFileSync(BINARY_FILE, 'utf8')).toBe(await gemmBinarySource());
  });

  it('simd equals XNNPACK bit for bit, fma to float rounding: matMul, and fused with bias and ReLU', async () => {
    for (const [m, k, n] of SHAPES) {
      const a = tf.tensor2d(values(m * k, 1), [m, k]);
      const b = tf.tensor2d(values(k * n, 2), [k, n]);
      const bias = tf.tensor1d(values(n, 3));
      const [xnn, simd, fma] = await withEach(['xnnpack', 'simd', 'fma'], () => [
        tf.matMul(a, b),
        tf.fused.matMul({ a, b, bias }),
        tf.fused.matMul({ a, b, bias, activation: 'relu' }),
        tf.fused.matMul({ a, b, activation: 'relu' }),
      ]);
      (xnn as Float32Array[]).forEach((want, i) => {
        expect(bits((simd as Float32Array[])[i] as Float32Array), `simd ${m}×${k}×${n} output ${i}`).toEqual(bits(want));
        const got = (fma as Float32Array[])[i] as Float32Array;
        const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 1);
        for (let j = 0; j < want.length; j++) expect(Math.abs((got[j] as number) - (want[j] as number)) / scale).toBeLessThan(1e-5);
      });
      tf.dispose([a, b, bias]);
    }
  }, 120_000);

  it('give zeros (or the bias) for an empty inner size, where XNNPACK returns whatever its buffer held', async () => {
    const a = tf.tensor2d([], [2, 0]);
    const b = tf.tensor2d([], [0, 9]);
    const bias = tf.tensor1d(values(9, 3));
    const [simd, fma] = await withEach(['simd', 'fma'], () => [tf.matMul(a, b), tf.fused.matMul({ a, b, bias })]);
    for (const out of [simd, fma] as Float32Array[][]) {
      expect(Array.from(out[0] as Float32Array)).toEqual(new Array(18).fill(0));
      expect(Array.from(out[1] as Float32Array)).toEqual([...bias.dataSync(), ...bias.dataSync()]);
    }
    tf.dispose([a, b, bias]);
  });

  it('transpose 2-D tensors of 4-byte values as tfjs does, around the 4×4 blocks and 16-column stripes', async () => {
    for (const [m, n] of [[1, 1], [3, 5], [4, 4], [7, 9], [16, 20], [33, 17], [256, 9], [300, 256]] as [number, number][]) {
      const x = tf.tensor2d(values(m * n, m + n), [m, n]);
      const ints = tf.tensor2d(Int32Array.from({ length: m * n }, (_, i) => i - 7), [m, n], 'int32');
      const [xnn, simd] = await withEach(['xnnpack', 'simd'], () => [tf.transpose(x), tf.transpose(ints)]);
      (xnn as Float32Array[]).forEach((want, i) => expect(Array.from((simd as Float32Array[])[i] as Float32Array), `${m}×${n} output ${i}`).toEqual(Array.from(want)));
      tf.dispose([x, ints]);
    }
  });

  it('leave transposed, batched and other fused products to tfjs, and keep a dense layer\u2019s gradients exact', async () => {
    const a = tf.tensor3d(values(2 * 5 * 6, 4), [2, 5, 6]);
    const b = tf.tensor3d(values(2 * 6 * 3, 5), [2, 6, 3]);
    const x = tf.tensor2d(values(9 * 6, 6), [9, 6]);
    const w = tf.tensor2d(values(6 * 12, 7), [6, 12]);
    const bias = tf.tensor1d(values(12, 8));
    const grads = () => tf.grads((xs, ws, bs) => tf.sum(tf.square(dense(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D, 'relu'))))([x, w, bias]);
    const [xnn, simd] = await withEach(['xnnpack', 'simd'], () => [
      tf.matMul(a, b),
      tf.matMul(x, w, false, false),
      tf.matMul(w, x, true, true),
      tf.fused.matMul({ a: x, b: w, bias, activation: 'elu' }),
      tf.transpose(a, [0, 2, 1]),
      ...grads(),
    ]);
    (xnn as Float32Array[]).forEach((want, i) => expect(bits((simd as Float32Array[])[i] as Float32Array), `output ${i}`).toEqual(bits(want)));
    tf.dispose([a, b, x, w, bias]);
  });

  it('allocate nothing that stays, and switch back to tfjs\u2019s kernels', async () => {
    await useGemmKernel('simd');
    const a = tf.tensor2d(values(40 * 24, 9), [40, 24]);
    const b = tf.tensor2d(values(24 * 16, 10), [24, 16]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) tf.tidy(() => tf.fused.matMul({ a, b }).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    expect(gemmKernel()).toBe('simd');
    await useGemmKernel('xnnpack');
    expect(gemmKernel()).toBe('xnnpack');
    tf.dispose([a, b]);
  });
});
