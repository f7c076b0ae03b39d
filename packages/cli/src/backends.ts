import { cpu } from '@gflownet/backend-cpu';
import { wasm } from '@gflownet/backend-wasm';
import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Backends the CLI can select with `--backend`. `wasm` is the faster one and the default. */
export const BACKENDS = ['wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Selects the backend for the rest of the process and returns its tfjs name. */
export async function selectBackend(name: BackendName): Promise<string> {
  // Production mode silences tfjs' console banners (e.g. the cpu backend's tfjs-node advert).
  tf.env().set('PROD', true);
  await useBackend(name === 'cpu' ? cpu() : wasm());
  return tf.getBackend();
}
