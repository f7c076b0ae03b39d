// The wasm backend of both pages, with tfjs's .wasm files from this build (Vite `?url` assets) rather
// than from a CDN.
import { wasm } from '@gflownet/backend-wasm';
import { useBackend } from '@gflownet/core';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Makes the wasm backend, loaded from this site's assets, the active tfjs backend. */
export async function useWasmBackend(): Promise<void> {
  await useBackend(
    wasm({
      wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlainUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl },
    }),
  );
}
