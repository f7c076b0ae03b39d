// What `#node-threads` resolves to outside Node (package.json `imports`): browsers start tfjs's
// thread pool themselves, so bundlers never meet the Node shim and its node:fs / node:os imports.

/** Outside Node there is nothing to shim; reaching this means the runtime was misdetected. */
export async function withNodeThreads<T>(_threads: number, _init: () => Promise<T>): Promise<T> {
  throw new Error('@gflownet/backend-wasm: the Node threads shim was called outside Node (the bundle took the browser entry)');
}

/** Browsers decide relaxed SIMD themselves (Chrome 114+ and Firefox have it; Safari does not yet). */
export async function enableRelaxedSimd(): Promise<boolean> {
  return false;
}
