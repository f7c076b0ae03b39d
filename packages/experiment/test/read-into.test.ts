import { readInto } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../src/index.js';

describe('readInto (the threads’ allocation-free reads)', () => {
  it('copies float32 tensors exactly on wasm, also after its memory grew, and on cpu', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await selectBackend(backend);
      const a = tf.variable(tf.tensor1d(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3)));
      const out = new Float32Array(1003).fill(-1);
      readInto(a, out, 3);
      expect(Array.from(out.subarray(3))).toEqual(Array.from(a.dataSync()));
      expect(Array.from(out.subarray(0, 3))).toEqual([-1, -1, -1]);
      // 64 MB more: the wasm memory grows, and its old views are detached.
      const big = tf.zeros([16 * 2 ** 20]);
      const b = tf.tensor2d(Float32Array.from({ length: 12 }, (_, i) => i - 5.5), [3, 4]);
      const out2 = new Float32Array(12);
      readInto(b, out2, 0);
      expect(Array.from(out2)).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, big, b]);
    }
  });
});
