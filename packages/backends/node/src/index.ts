import type { Backend } from '@gflownet/core';
import { BackendTypeId } from '@gflownet/core';
import { loadNativeBackend, probeNativeBackend } from './load.js';

export type { NativePackage } from './load.js';
export { isModuleNotFound, loadNativeBackend, probeNativeBackend } from './load.js';

/** The npm package this backend loads. */
export const TFJS_NODE: '@tensorflow/tfjs-node' = '@tensorflow/tfjs-node';

/** Options of {@link node}. */
export interface NodeBackendOptions {
  /**
   * Loads `@tensorflow/tfjs-node` (default: a dynamic import of it). Pass
   * `() => import('@tensorflow/tfjs-node')` when a bundler must see the import.
   */
  readonly load?: () => Promise<unknown>;
}

/**
 * The tfjs native backend on libtensorflow (CPU, multi-threaded): the fastest choice in Node for
 * large networks or batches. `@tensorflow/tfjs-node` is an optional peer dependency, imported only
 * when the backend registers; without it, `register()` throws an error that says
 * `npm install @tensorflow/tfjs-node`. The tfjs backend name is `tensorflow`.
 *
 * @example
 * await useBackend(node());
 */
export function node(options: NodeBackendOptions = {}): Backend {
  return {
    [BackendTypeId]: BackendTypeId,
    name: 'tensorflow',
    register: () => loadNativeBackend({ packageName: TFJS_NODE, requiredBy: '@gflownet/backend-node', ...(options.load ? { load: options.load } : {}) }),
  };
}

/** Whether `@tensorflow/tfjs-node` loads here; `reason` says why not. Loading it registers its backend. */
export function nodeAvailable(): Promise<{ available: true } | { available: false; reason: string }> {
  return probeNativeBackend({ packageName: TFJS_NODE, requiredBy: '@gflownet/backend-node' });
}
