import * as tf from '@tensorflow/tfjs-core';
import { enableRelaxedSimd } from '#node-threads';
import { GEMM_MODULES } from './binary.js';

/**
 * Which code multiplies matrices on the wasm backend: tfjs's own (`xnnpack`), or this package's
 * register-tiled kernels (`simd`: the same values as XNNPACK, bit for bit, faster; `fma`: fused
 * multiply-adds through relaxed SIMD, faster still where the CPU has FMA, values within float
 * rounding of the others and dependent on the CPU).
 */
export type GemmKernel = 'xnnpack' | 'simd' | 'fma';

export const GEMM_KERNELS: readonly ['xnnpack', 'simd', 'fma'] = ['xnnpack', 'simd', 'fma'];

/** The default: this package's kernels, which give XNNPACK's values faster. */
export const DEFAULT_GEMM: GemmKernel = 'simd';

/** What the kernels need of tfjs-backend-wasm's backend object (4.x). */
interface WasmBackendLike {
  readonly wasm: { readonly asm?: { readonly memory?: WebAssembly.Memory }; readonly wasmMemory?: WebAssembly.Memory };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

type Gemm = (a: number, b: number, c: number, bias: number, m: number, k: number, n: number, flags: number) => void;
type Transpose = (src: number, dst: number, m: number, n: number) => void;

/** The kernels this package replaces on wasm (tfjs's are kept for what these do not cover). */
const REPLACED = [tf.BatchMatMul, tf._FusedMatMul, tf.Transpose];

const originals = new Map<string, tf.KernelConfig>();
let active: GemmKernel = 'xnnpack';

function memoryOf(backend: WasmBackendLike): WebAssembly.Memory {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('wasm: this tfjs-backend-wasm does not expose its memory; use gemm "xnnpack"');
  return memory;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

async function compile(kind: 'simd' | 'fma', shared: boolean): Promise<WebAssembly.Module> {
  const bytes = decode(GEMM_MODULES[`${kind}${shared ? '-shared' : ''}`]);
  if (kind === 'fma' && !WebAssembly.validate(bytes) && !((await enableRelaxedSimd()) && WebAssembly.validate(bytes))) {
    throw new Error('wasm: gemm "fma" needs WebAssembly relaxed SIMD, which this runtime does not compile; use gemm "simd"');
  }
  return WebAssembly.compile(bytes);
}

/** Where a tensor's values start in tfjs's wasm memory (never a guess: a wrong offset would write anywhere). */
function offsetOf(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const offset = backend.dataIdMap.get(t.dataId)?.memoryOffset;
  if (offset === undefined) throw new Error('wasm: a tensor of this product has no data on the wasm backend');
  return offset;
}

/** The product's sizes when this package's kernel can compute it (float32, no transposes, no batch), else undefined. */
function plainSizes(a: tf.TensorInfo, b: tf.TensorInfo, attrs: tf.NamedAttrMap): { m: number; k: number; n: number } | undefined {
  if (attrs.transposeA === true || attrs.transposeB === true || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || a.shape.length !== b.shape.length) return undefined;
  if (a.shape.slice(0, -2).some((d) => d !== 1) || b.shape.slice(0, -2).some((d) => d !== 1)) return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  return k === k2 ? { m, k, n } : undefined;
}

/** A 2-D transpose of 4-byte values in blocks of 4×4 (tfjs's walks the output one value at a time). */
function transposeFunc(transpose: Transpose): tf.KernelFunc {
  const original = originals.get(tf.Transpose) as tf.KernelConfig;
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const perm = (args.attrs as { perm: number[] }).perm;
    if (x.shape.length !== 2 || perm[0] !== 1 || perm[1] !== 0 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const [m, n] = x.shape as [number, number];
    const out = backend.makeOutput([n, m], x.dtype);
    if (m * n > 0) transpose(offsetOf(backend, x), offsetOf(backend, out), m, n);
    return out;
  };
}

function kernelFunc(name: string, gemm: Gemm): tf.KernelFunc {
  const original = originals.get(name) as tf.KernelConfig;
  return (args) => {
    const { inputs, attrs = {} } = args;
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const sizes = a && b ? plainSizes(a, b, attrs) : undefined;
    const activation = (attrs.activation as string | undefined) ?? 'linear';
    // A bias of the output's width, [n] or [1, n]; no other broadcast.
    const biasFits = !bias || (bias.dtype === 'float32' && bias.shape.at(-1) === sizes?.n && bias.shape.reduce((p, d) => p * d, 1) === sizes?.n);
    const fusable = name === tf.BatchMatMul || ((activation === 'linear' || activation === 'relu') && !preluActivationWeights && biasFits);
    if (!sizes || !fusable || !a || !b) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...a.shape.slice(0, -1), sizes.n], 'float32');
    if (sizes.m * sizes.n === 0) return out;
    const flags = (bias ? 1 : 0) | (activation === 'relu' ? 2 : 0);
    gemm(offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), bias ? offsetOf(backend, bias) : 0, sizes.m, sizes.k, sizes.n, flags);
    return out;
  };
}

/**
 * Makes `kind` multiply matrices on the initialised wasm backend: replaces the `BatchMatMul` and
 * `_FusedMatMul` kernels with this package's wherever it applies (float32, no transpose flags, no
 * batch, bias of the output's width, linear or ReLU), and `Transpose` for 2-D tensors of 4-byte values
 * (the dense layers' gradients transpose explicitly); tfjs's otherwise. `xnnpack` restores tfjs's.
 */
export async function useGemmKernel(kind: GemmKernel): Promise<void> {
  if (kind === active) return;
  for (const name of REPLACED) {
    if (!originals.has(name)) originals.set(name, tf.getKernel(name, 'wasm') as tf.KernelConfig);
  }
  let exports: { gemm: Gemm; transpose: Transpose } | undefined;
  if (kind !== 'xnnpack') {
    const memory = memoryOf(tf.findBackend('wasm') as unknown as WasmBackendLike);
    const module = await compile(kind, typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer);
    exports = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as { gemm: Gemm; transpose: Transpose };
  }
  for (const name of REPLACED) {
    const original = originals.get(name) as tf.KernelConfig;
    tf.unregisterKernel(name, 'wasm');
    if (!exports) tf.registerKernel(original);
    else tf.registerKernel({ ...original, kernelFunc: name === tf.Transpose ? transposeFunc(exports.transpose) : kernelFunc(name, exports.gemm) });
  }
  active = kind;
}

/** The kernel now multiplying matrices on wasm (the `gemm` option of `wasm()`). */
export function gemmKernel(): GemmKernel {
  return active;
}
