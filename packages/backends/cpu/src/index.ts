import '@tensorflow/tfjs-backend-cpu';
import type { Backend } from '@gflownet/core';
import { BackendTypeId } from '@gflownet/core';

/**
 * The tfjs cpu backend (pure JavaScript). Slow for training; it is the reference for numerics and the
 * backend the test suites run on.
 *
 * @example
 * await useBackend(cpu());
 */
export function cpu(): Backend {
  return {
    [BackendTypeId]: BackendTypeId,
    name: 'cpu',
    // Importing the package registers the backend; nothing else to do.
    register: async () => {},
  };
}
