import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

// The pthread worker's branch that loads the module from a Blob, in tfjs-backend-wasm 4.x.
const LOAD_BRANCH =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

let workerPath: string | undefined;

/** Writes (once per process) the worker script, patched to load the threaded module from its file. */
function prepareWorker(): string {
  if (workerPath) return workerPath;
  const require = createRequire(import.meta.url);
  const outDir = join(dirname(dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))), 'wasm-out');
  const factoryPath = join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  if (!wasmWorkerContents.includes(LOAD_BRANCH)) {
    throw new Error(
      '@gflownet/backend-wasm: the Node threads shim does not recognise this version of @tensorflow/tfjs-backend-wasm; use wasm({ threads: 1 })',
    );
  }
  // tfjs escapes newlines the same way before it builds its Blob (they sit inside string literals).
  const source = wasmWorkerContents.replace(LOAD_BRANCH, `importScripts(${JSON.stringify(factoryPath)});`).replace(/\n/g, '\\n');
  workerPath = join(mkdtempSync(join(os.tmpdir(), 'gflownet-wasm-')), 'tfjs-wasm-worker.cjs');
  writeFileSync(workerPath, source);
  return workerPath;
}

/**
 * Runs `init` (which initialises tfjs-wasm) so that the multi-threaded binary starts under Node.
 * tfjs turns threads off in Node because Emscripten starts each pthread worker from a `blob:` URL,
 * which Node's `Worker` refuses (ERR_WORKER_PATH), and the worker then loads the module from a
 * Blob as well. While `init` runs, `URL.createObjectURL` hands out a worker file written to the
 * temporary directory instead, and `os.cpus()` reports enough cores for the requested pool (the
 * binary caps its pool at half the cores it sees).
 */
export async function withNodeThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const path = prepareWorker();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  const real = cpus();
  URL.createObjectURL = () => path;
  os.cpus = () => Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length] as os.CpuInfo);
  try {
    return await init();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/**
 * Lets V8 compile relaxed SIMD (the `fma` GEMM), which Node 20 keeps behind
 * `--experimental-wasm-relaxed-simd`; set before the first such module is compiled. Returns whether it
 * could (always here, in Node).
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}
