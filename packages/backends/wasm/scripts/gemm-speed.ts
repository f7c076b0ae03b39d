// GFLOP/s of a matMul on the wasm backend (one thread) with each GEMM kernel, for the shapes the MLPs
// and the fragments' output layer multiply; the best of 5 runs of 20 products. From the package folder:
//   pnpm --filter @gflownet/backend-wasm gemm-speed
import { useBackend } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { GEMM_KERNELS, useGemmKernel } from '../src/gemm/kernel.js';
import { wasm } from '../src/index.js';

const SHAPES: [number, number, number][] = [[2048, 256, 256], [256, 7000, 256], [7000, 256, 256], [256, 256, 256], [45, 256, 3151], [16, 32, 256]];

await useBackend(wasm({ gemm: 'xnnpack' }));
const seconds = (f: () => void): number => {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) f();
    best = Math.min(best, (performance.now() - t0) / 20 / 1000);
  }
  return best;
};
process.stdout.write(`| M × K × N | ${GEMM_KERNELS.join(' | ')} |\n|---|${GEMM_KERNELS.map(() => '---|').join('')}\n`);
for (const [m, k, n] of SHAPES) {
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const cells: string[] = [];
  for (const kind of GEMM_KERNELS) {
    await useGemmKernel(kind);
    const s = seconds(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    });
    cells.push((2 * m * k * n / s / 1e9).toFixed(1));
  }
  process.stdout.write(`| ${m} × ${k} × ${n} | ${cells.join(' | ')} |\n`);
  tf.dispose([a, b]);
}
