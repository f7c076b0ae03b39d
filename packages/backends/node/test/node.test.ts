import { isBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isModuleNotFound, loadNativeBackend, node, nodeAvailable, TFJS_NODE } from '../src/index.js';

const probe = await nodeAvailable();

describe('backend-node when its native package is missing (always runs)', () => {
  it('says exactly what to install', async () => {
    const missing = '@tensorflow/tfjs-node-this-package-does-not-exist';
    await expect(loadNativeBackend({ packageName: missing, requiredBy: '@gflownet/backend-node' })).rejects.toThrow(
      `@gflownet/backend-node needs ${missing}, which is not installed. Install it next to your app: npm install ${missing}`,
    );
  });

  it('tells a package that fails to load apart from a missing one', async () => {
    await expect(loadNativeBackend({ packageName: TFJS_NODE, requiredBy: 'x', load: () => Promise.reject(new Error('libtensorflow.so: cannot open shared object file')) })).rejects.toThrow(
      /x: @tensorflow\/tfjs-node is installed but failed to load .*libtensorflow\.so/,
    );
  });

  it('refuses a package that registers no "tensorflow" backend with this tfjs-core', async () => {
    if (tf.engine().registryFactory.tensorflow) return;
    await expect(loadNativeBackend({ packageName: TFJS_NODE, requiredBy: 'x', load: async () => ({}) })).rejects.toThrow(/another copy of @tensorflow\/tfjs-core/);
  });

  it('recognises Node module-not-found errors for the named package only', () => {
    expect(isModuleNotFound({ code: 'ERR_MODULE_NOT_FOUND', message: "Cannot find package '@tensorflow/tfjs-node' imported from /a" }, TFJS_NODE)).toBe(true);
    expect(isModuleNotFound({ code: 'ERR_MODULE_NOT_FOUND', message: "Cannot find package 'seedrandom' imported from /a" }, TFJS_NODE)).toBe(false);
    expect(isModuleNotFound(new Error('boom'), TFJS_NODE)).toBe(false);
  });

  it('is a branded backend named "tensorflow"', () => {
    const b = node();
    expect(isBackend(b)).toBe(true);
    expect(b.name).toBe('tensorflow');
  });
});

describe.skipIf(probe.available)(`backend-node without @tensorflow/tfjs-node (skipped: it is installed here)`, () => {
  it('register() rejects with the install command', async () => {
    await expect(node().register()).rejects.toThrow('npm install @tensorflow/tfjs-node');
  });
});

describe.skipIf(!probe.available)(`backend-node with @tensorflow/tfjs-node (skipped: ${probe.available ? '' : probe.reason})`, () => {
  it('registers the tensorflow backend and runs a matMul', async () => {
    const previous = tf.getBackend();
    await node().register();
    expect(await tf.setBackend('tensorflow')).toBe(true);
    const y = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    expect(Array.from(y)).toEqual([3, 3, 3, 3]);
    await tf.setBackend(previous);
  });
});
