import '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '@gflownet/core';
import { BackendTypeId } from '@gflownet/core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { GemmKernel } from './gemm/kernel.js';
import { DEFAULT_GEMM, GEMM_KERNELS, useGemmKernel } from './gemm/kernel.js';
import { registerWasmGatherGradient } from './segment-sum.js';

export type { GemmKernel } from './gemm/kernel.js';
export { DEFAULT_GEMM, GEMM_KERNELS, gemmKernel } from './gemm/kernel.js';

/** Options of {@link wasm}. */
export interface WasmOptions {
  /**
   * Threads of the XNNPACK pool (default: `1`). Experimental: more than one loads the threaded SIMD
   * binary (under Node through a small shim; tfjs disables threads in Node as shipped). On a 2-core
   * machine 2 threads sped up large matMuls but slowed small ones, collapsed when another process held
   * a core, and two of four long Node runs hung in the thread pool: measure
   * (`gfn bench --wasm-threads 2`) and avoid it for unattended runs. Browsers need cross-origin
   * isolation (COOP/COEP headers) for threads.
   */
  readonly threads?: number;
  /** Use the SIMD binary where the runtime supports it (default: `true`); `false` is for measuring only. */
  readonly simd?: boolean;
  /**
   * Where the `.wasm` files are served from (browsers with bundlers; see tfjs-backend-wasm's
   * `setWasmPaths`): a folder prefix, or the URL of each binary (e.g. from a bundler's asset imports).
   */
  readonly wasmPaths?: string | WasmFileMap;
  /**
   * Which code multiplies matrices (default: `'simd'`; `'xnnpack'` with `threads` > 1, since this package's
   * kernels use one thread): `'xnnpack'`, tfjs's own; `'simd'`, this package's
   * register-tiled kernels, equal to XNNPACK's values bit for bit and faster on the MLPs' layers;
   * `'fma'`: fused multiply-adds through relaxed SIMD (Node 20: enabled through a V8 flag at start-up;
   * Chrome 114+), faster again, values within float rounding and dependent on the CPU. Either applies
   * where it can (float32, no transpose flags, no batch, linear or ReLU) and leaves the rest to tfjs.
   */
  readonly gemm?: GemmKernel;
}

/** The URL of each tfjs-backend-wasm binary, by file name (all three are required, as `setWasmPaths` asks). */
export interface WasmFileMap {
  readonly 'tfjs-backend-wasm.wasm': string;
  readonly 'tfjs-backend-wasm-simd.wasm': string;
  readonly 'tfjs-backend-wasm-threaded-simd.wasm': string;
}

let configured: { threads: number; simd: boolean; gemm: GemmKernel } | undefined;

/** Thread count the wasm backend runs with (`undefined` until a {@link wasm} backend has registered it). */
export function wasmThreads(): number | undefined {
  return configured ? getThreadsCount() : undefined;
}

async function initialise(threads: number, simd: boolean): Promise<void> {
  tf.env().set('WASM_HAS_SIMD_SUPPORT', simd && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true);
  if (threads === 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await tf.setBackend('wasm');
    return;
  }
  // tfjs only loads the threaded binary together with SIMD.
  if (!simd) throw new RangeError('wasm: threads > 1 needs simd: true (tfjs ships no threaded binary without SIMD)');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (!isNode) {
    await tf.setBackend('wasm');
    return;
  }
  // `#node-threads` is the Node shim under the `node` condition and a stub elsewhere (package.json
  // `imports`), so browser bundles never pull in node:fs, node:module, node:os or node:path.
  const { withNodeThreads } = await import('#node-threads');
  await withNodeThreads(threads, () => tf.setBackend('wasm'));
}

/**
 * The tfjs WebAssembly backend (XNNPACK, SIMD where the runtime has it): the fastest backend that
 * installs everywhere, and the default of the `gfn` command. Pair it with the MLP estimator, whose
 * dense layers avoid wasm's slow transposed matMul in gradients. Registering it also adds the
 * `UnsortedSegmentSum` kernel wasm lacks, so `tf.gather` has a gradient.
 *
 * The options apply when the backend is first initialised in the process; asking for different
 * ones later throws.
 *
 * @example
 * await useBackend(wasm());
 * await useBackend(wasm({ threads: 2 }));
 */
export function wasm(options: WasmOptions = {}): Backend {
  const threads = options.threads ?? 1;
  const simd = options.simd ?? true;
  // This package's kernels run on one thread: a threaded XNNPACK pool keeps its own by default.
  const gemm = options.gemm ?? (threads > 1 ? 'xnnpack' : DEFAULT_GEMM);
  if (!(GEMM_KERNELS as readonly string[]).includes(gemm)) throw new RangeError(`wasm: gemm must be one of ${GEMM_KERNELS.join(', ')}, got ${String(gemm)}`);
  if (gemm !== 'xnnpack' && !simd) throw new RangeError(`wasm: gemm "${gemm}" needs simd: true`);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`wasm: threads must be an integer from 1 to 64, got ${threads}`);
  }
  return {
    [BackendTypeId]: BackendTypeId,
    name: 'wasm',
    register: async () => {
      if (configured) {
        if (configured.threads !== threads || configured.simd !== simd || configured.gemm !== gemm) {
          throw new Error(
            `wasm: the backend is already initialised with threads ${configured.threads}, simd ${configured.simd}, gemm ${configured.gemm}; options cannot change within a process (asked for threads ${threads}, simd ${simd}, gemm ${gemm})`,
          );
        }
        return;
      }
      if (options.wasmPaths !== undefined) setWasmPaths(typeof options.wasmPaths === 'string' ? options.wasmPaths : { ...options.wasmPaths });
      const previous = tf.getBackend();
      await initialise(threads, simd);
      registerWasmGatherGradient();
      await useGemmKernel(gemm);
      configured = { threads, simd, gemm };
      if (getThreadsCount() !== threads) {
        throw new Error(`wasm: asked for ${threads} threads, the backend started with ${getThreadsCount()}`);
      }
      // useBackend selects the backend itself; leave the caller's current choice untouched here.
      if (previous && previous !== 'wasm') await tf.setBackend(previous);
    },
  };
}
