import type { GemmKernel } from '@gflownet/backend-wasm';
import type { BackendName } from '@gflownet/experiment';
import { BACKENDS, selectBackend } from '@gflownet/experiment';

/** Backends `gfn bench` measures, as the CLI's `--backend` names them (the experiment layer's list). */
export const BENCH_BACKENDS: typeof BACKENDS = BACKENDS;
export type BenchBackendName = BackendName;

/**
 * Selects the backend for the rest of the process and returns its tfjs name; throws (with what to
 * install) when it cannot load here, e.g. `node` without `@tensorflow/tfjs-node`.
 */
export function selectBenchBackend(name: BenchBackendName, wasmThreads: number, wasmGemm?: GemmKernel): Promise<string> {
  return selectBackend(name, { wasmThreads, ...(wasmGemm ? { wasmGemm } : {}) });
}
