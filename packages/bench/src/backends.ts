import { cpu } from '@gflownet/backend-cpu';
import { node } from '@gflownet/backend-node';
import { nodeGpu } from '@gflownet/backend-node-gpu';
import { wasm } from '@gflownet/backend-wasm';
import type { Backend } from '@gflownet/core';
import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Backends `gfn bench` measures, as the CLI's `--backend` names them. */
export const BENCH_BACKENDS = ['wasm', 'cpu', 'node', 'node-gpu'] as const;
export type BenchBackendName = (typeof BENCH_BACKENDS)[number];

function backendFor(name: BenchBackendName, wasmThreads: number): Backend {
  switch (name) {
    case 'cpu':
      return cpu();
    case 'node':
      return node();
    case 'node-gpu':
      return nodeGpu();
    default:
      return wasm({ threads: wasmThreads });
  }
}

/**
 * Selects the backend for the rest of the process and returns its tfjs name; throws (with what to
 * install) when it cannot load here, e.g. `node` without `@tensorflow/tfjs-node`.
 */
export async function selectBenchBackend(name: BenchBackendName, wasmThreads: number): Promise<string> {
  // Production mode silences tfjs' console banners (e.g. the cpu backend's tfjs-node advert).
  tf.env().set('PROD', true);
  await useBackend(backendFor(name, wasmThreads));
  return tf.getBackend();
}
