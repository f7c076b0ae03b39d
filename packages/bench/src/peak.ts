import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

/** The peak's matMul: [M, K] × [K, N], the size of the MLPs' hidden layers at a large batch. */
export const PEAK_SHAPE: readonly [number, number, number] = [4096, 256, 256];

/** A measured peak: GFLOP/s of one plain (flag-free) matMul of {@link PEAK_SHAPE}. */
export interface MatMulPeak {
  readonly backend: string;
  /** Threads of the wasm backend; null for other backends. */
  readonly threads: number | null;
  readonly gflopsPerSecond: number;
  readonly shape: string;
  /** The peak is the fastest of this many runs. */
  readonly repeats: number;
}

/**
 * GFLOP/s of `matMul` on the current backend: the fastest of `repeats` runs after two warm-ups
 * (the best run is the one least disturbed by other processes). `shape` defaults to {@link PEAK_SHAPE}.
 */
export function matMulGflops(repeats = 5, shape: readonly [number, number, number] = PEAK_SHAPE): number {
  const [M, K, N] = shape;
  const a = tf.randomUniform([M, K]) as tf.Tensor2D;
  const b = tf.randomUniform([K, N]) as tf.Tensor2D;
  try {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < repeats + 2; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      c.dataSync();
      const seconds = (performance.now() - t0) / 1000;
      c.dispose();
      if (i >= 2) best = Math.min(best, seconds);
    }
    return (2 * M * K * N) / best / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** {@link MatMulPeak} of the backend the process runs on now (`threads`: the wasm backend's). */
export function currentPeak(threads: number | null, repeats = 5): MatMulPeak {
  return { backend: tf.getBackend(), threads, gflopsPerSecond: matMulGflops(repeats), shape: PEAK_SHAPE.join('×'), repeats };
}

/**
 * The peak of `backend` (with `threads` wasm threads), measured in a child process: the thread count
 * of the wasm backend is fixed once per process, and the measured process keeps its heap and JIT
 * state untouched by the large matMul. A string says why it could not be measured.
 */
export function peakInChild(backend: string, threads: number): MatMulPeak | string {
  const entry = fileURLToPath(new URL('./peak-main.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, entry, backend, String(threads)], { encoding: 'utf8', timeout: 300_000 });
  const line = child.stdout?.split('\n').find((l) => l.startsWith('{'));
  const what = backend === 'wasm' ? `wasm with ${threads} thread${threads === 1 ? '' : 's'}` : backend;
  if (child.status !== 0 || !line) return `peak of ${what} not measured: ${(child.stderr || child.error?.message || 'no output').trim().split('\n')[0]}`;
  return JSON.parse(line) as MatMulPeak;
}
