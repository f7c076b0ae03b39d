import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { wasm, wasmThreads } from '../src/index.js';

describe('backend-wasm', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects bad options with a clear message', () => {
    expect(() => wasm({ threads: 0 })).toThrow('wasm: threads must be an integer from 1 to 64, got 0');
    expect(() => wasm({ threads: 1.5 })).toThrow(/threads must be an integer/);
  });

  it('registers, runs on one thread by default, and refuses other options later in the process', async () => {
    await useBackend(wasm());
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmThreads()).toBe(1);
    await expect(wasm({ threads: 2 }).register()).rejects.toThrow(/already initialised with threads 1/);
  });

  it('gives tf.gather a gradient (wasm ships no UnsortedSegmentSum) equal to the cpu one', async () => {
    const run = async (backend: string): Promise<number[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d([2, 0, 2, 2], 'int32')), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]))))(x);
        return Array.from(g.dataSync());
      });
    };
    const expected = await run('cpu');
    expect(expected).toEqual([3, 4, 0, 0, 13, 16]);
    expect(await run('wasm')).toEqual(expected);
  });
});
