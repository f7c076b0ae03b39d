import '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '@gflownet/core';
import { BackendTypeId } from '@gflownet/core';

/**
 * The tfjs WebAssembly backend (XNNPACK, SIMD where the runtime has it): the fastest backend that
 * installs everywhere, and the default of the `gfn` command. Pair it with the MLP estimator, whose
 * dense layers avoid wasm's slow transposed matMul in gradients.
 *
 * @example
 * await useBackend(wasm());
 */
export function wasm(): Backend {
  return {
    [BackendTypeId]: BackendTypeId,
    name: 'wasm',
    // Importing the package registers the backend; the wasm binary loads on first use.
    register: async () => {},
  };
}
