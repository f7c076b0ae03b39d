import type { Backend } from '@gflownet/core';
import { BackendTypeId } from '@gflownet/core';
import { loadNativeBackend, probeNativeBackend } from '@gflownet/backend-node';

/** The npm package this backend loads. */
export const TFJS_NODE_GPU: '@tensorflow/tfjs-node-gpu' = '@tensorflow/tfjs-node-gpu';

/** Options of {@link nodeGpu}. */
export interface NodeGpuBackendOptions {
  /**
   * Loads `@tensorflow/tfjs-node-gpu` (default: a dynamic import of it). Pass
   * `() => import('@tensorflow/tfjs-node-gpu')` when a bundler must see the import.
   */
  readonly load?: () => Promise<unknown>;
}

/**
 * The tfjs native backend on libtensorflow with CUDA (Linux, NVIDIA GPU): worth it for large
 * networks and batches, where kernels dominate; small GFlowNet steps are dispatch-bound and often
 * run faster on `@gflownet/backend-node` or wasm. `@tensorflow/tfjs-node-gpu` is an optional peer
 * dependency, imported only when the backend registers; without it, `register()` throws an error
 * that says `npm install @tensorflow/tfjs-node-gpu`. The tfjs backend name is `tensorflow` (the
 * same as tfjs-node's: use one of the two per process).
 *
 * @example
 * await useBackend(nodeGpu());
 */
export function nodeGpu(options: NodeGpuBackendOptions = {}): Backend {
  return {
    [BackendTypeId]: BackendTypeId,
    name: 'tensorflow',
    register: () =>
      loadNativeBackend({ packageName: TFJS_NODE_GPU, requiredBy: '@gflownet/backend-node-gpu', ...(options.load ? { load: options.load } : {}) }),
  };
}

/** Whether `@tensorflow/tfjs-node-gpu` loads here; `reason` says why not. Loading it registers its backend. */
export function nodeGpuAvailable(): Promise<{ available: true } | { available: false; reason: string }> {
  return probeNativeBackend({ packageName: TFJS_NODE_GPU, requiredBy: '@gflownet/backend-node-gpu' });
}
