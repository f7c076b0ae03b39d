import { cpu } from '@gflownet/backend-cpu';
import { node } from '@gflownet/backend-node';
import { nodeGpu } from '@gflownet/backend-node-gpu';
import type { GemmKernel } from '@gflownet/backend-wasm';
import { wasm } from '@gflownet/backend-wasm';
import type { Backend } from '@gflownet/core';
import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES } from './config.js';

/**
 * Backends the CLI can select with `--backend`. `wasm` is the default (fastest of those that install
 * everywhere); `node` and `node-gpu` load `@tensorflow/tfjs-node(-gpu)` at run time and say what to
 * install when it is missing.
 */
export const BACKENDS = BACKEND_NAMES;
export type BackendName = (typeof BACKENDS)[number];

/** Settings of {@link selectBackend}. */
export interface BackendSettings {
  /** Threads of the wasm backend (default: 1). */
  readonly wasmThreads?: number;
  /** What multiplies matrices on the wasm backend (default: the backend's). */
  readonly wasmGemm?: GemmKernel;
}

function backendFor(name: BackendName, settings: BackendSettings): Backend {
  switch (name) {
    case 'cpu':
      return cpu();
    case 'node':
      return node();
    case 'node-gpu':
      return nodeGpu();
    default:
      return wasm({ threads: settings.wasmThreads ?? 1, ...(settings.wasmGemm ? { gemm: settings.wasmGemm } : {}) });
  }
}

/** Selects the backend for the rest of the process and returns its tfjs name. */
export async function selectBackend(name: BackendName, settings: BackendSettings = {}): Promise<string> {
  if (!BACKENDS.includes(name)) throw new Error(`unknown backend "${String(name)}" (available: ${BACKENDS.join(', ')})`);
  // Production mode silences tfjs' console banners (e.g. the cpu backend's tfjs-node advert).
  tf.env().set('PROD', true);
  await useBackend(backendFor(name, settings));
  return tf.getBackend();
}
