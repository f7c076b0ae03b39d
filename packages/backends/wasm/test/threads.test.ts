import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { wasm, wasmThreads } from '../src/index.js';

// Its own test file, so its own process: the thread count is fixed when tfjs-wasm first starts.
describe('backend-wasm with 2 threads (the Node shim for the threaded binary)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('starts 2 threads and multiplies like the cpu backend', async () => {
    await useBackend(wasm({ threads: 2 }));
    expect(wasmThreads()).toBe(2);
    const a = tf.tensor2d(Float32Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i)), [64, 48]);
    const b = tf.tensor2d(Float32Array.from({ length: 48 * 40 }, (_, i) => Math.cos(i)), [48, 40]);
    const got = tf.tidy(() => tf.matMul(a, b).dataSync());
    await tf.setBackend('cpu');
    const want = tf.tidy(() => tf.matMul(a, b).dataSync());
    for (let i = 0; i < want.length; i++) expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(1e-4);
    tf.dispose([a, b]);
  });
});
