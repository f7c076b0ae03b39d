import { SEH_WEIGHTS_BASE64, SEH_WEIGHTS_COUNT, SEH_WEIGHTS_MANIFEST } from './weights.generated.js';

/** A weight tensor of the proxy: shape (row-major) and float32 values. */
export interface WeightArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The proxy's weights by their names in seh_proxy_reduced.json (see the package README). */
export type SehWeights = Readonly<Record<string, WeightArray>>;

let decoded: SehWeights | undefined;

/** Decodes the shipped weights once (base64 → float32; `atob` exists in Node ≥ 16 and in browsers). */
export function shippedSehWeights(): SehWeights {
  if (decoded) return decoded;
  const binary = atob(SEH_WEIGHTS_BASE64);
  if (binary.length !== 4 * SEH_WEIGHTS_COUNT) throw new Error(`reward-seh: shipped weights have ${binary.length} bytes, expected ${4 * SEH_WEIGHTS_COUNT}`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const all = new Float32Array(SEH_WEIGHTS_COUNT);
  for (let i = 0; i < SEH_WEIGHTS_COUNT; i++) all[i] = view.getFloat32(4 * i, true);
  const out: Record<string, WeightArray> = {};
  for (const t of SEH_WEIGHTS_MANIFEST) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    out[t.name] = { shape: t.shape, data: all.subarray(t.offset, t.offset + size) };
  }
  decoded = out;
  return out;
}

/** The named weight, checking its shape (guards a hand-supplied weight set). */
export function weightOf(weights: SehWeights, name: string, shape: readonly number[]): WeightArray {
  const w = weights[name];
  if (!w) throw new RangeError(`reward-seh: weight ${name} is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))
    throw new RangeError(`reward-seh: weight ${name} has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (w.data.length !== size) throw new RangeError(`reward-seh: weight ${name} has ${w.data.length} values, expected ${size}`);
  return w;
}
