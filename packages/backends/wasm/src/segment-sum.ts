import * as tf from '@tensorflow/tfjs-core';

interface WasmLikeBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

/**
 * Registers an `UnsortedSegmentSum` kernel for the wasm backend, which ships none; `tf.gather`'s
 * gradient needs it. One pass on host memory (wasm tensors live in the same process), so it is
 * cheap at the sizes gradients of gathers have here. Idempotent.
 */
export function registerWasmGatherGradient(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm')) return;
  tf.registerKernel({
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const b = backend as unknown as WasmLikeBackend;
      const values = b.readSync(x.dataId);
      const ids = b.readSync(segmentIds.dataId);
      const n = segmentIds.shape.reduce((p, d) => p * d, 1);
      const inner = n === 0 ? 0 : values.length / n;
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
      for (let i = 0; i < n; i++) {
        const s = ids[i] as number;
        if (s < 0 || s >= numSegments) continue;
        const o = s * inner;
        const p = i * inner;
        for (let k = 0; k < inner; k++) out[o + k] = (out[o + k] as number) + (values[p + k] as number);
      }
      return b.makeOutput(outShape, x.dtype, undefined, out);
    },
  });
}
