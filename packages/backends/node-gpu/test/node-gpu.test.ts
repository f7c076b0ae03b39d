import { isBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nodeGpu, nodeGpuAvailable } from '../src/index.js';

const probe = await nodeGpuAvailable();

describe('backend-node-gpu (always runs)', () => {
  it('is a branded backend named "tensorflow"', () => {
    const b = nodeGpu();
    expect(isBackend(b)).toBe(true);
    expect(b.name).toBe('tensorflow');
  });
});

describe.skipIf(probe.available)('backend-node-gpu without @tensorflow/tfjs-node-gpu (skipped: it is installed here)', () => {
  it('register() rejects with the install command', async () => {
    await expect(nodeGpu().register()).rejects.toThrow(
      '@gflownet/backend-node-gpu needs @tensorflow/tfjs-node-gpu, which is not installed. Install it next to your app: npm install @tensorflow/tfjs-node-gpu',
    );
  });
});

describe.skipIf(!probe.available)(`backend-node-gpu with @tensorflow/tfjs-node-gpu (skipped: ${probe.available ? '' : probe.reason})`, () => {
  it('registers the tensorflow backend and runs a matMul', async () => {
    const previous = tf.getBackend();
    await nodeGpu().register();
    expect(await tf.setBackend('tensorflow')).toBe(true);
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    expect(Array.from(y)).toEqual([3, 3, 3, 3]);
    await tf.setBackend(previous);
  });
});
