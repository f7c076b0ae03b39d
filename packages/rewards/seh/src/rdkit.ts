import type { MainModule, Mol } from '@rdkit/rdkit';
import { rdkitScript } from '#rdkit-script';

/** The RDKit MinimalLib module (WebAssembly). */
export type RDKitModule = MainModule;
/** An RDKit molecule handle; must be released with `delete()`. */
export type RDKitMol = Mol;
/** RDKit's `initRDKitModule` (the default export of `@rdkit/rdkit`, or the global its script defines). */
export type InitRDKitModule = (moduleArg?: object) => Promise<RDKitModule>;

/** Where {@link loadRDKit} finds RDKit's JavaScript and its WebAssembly binary (`RDKit_minimal.js`, `RDKit_minimal.wasm`). */
export interface RDKitLoadOptions {
  /**
   * Browser only: the URL of `RDKit_minimal.js` (from `@rdkit/rdkit/dist`, served by the page or a CDN),
   * loaded with a script tag (`importScripts` in a classic worker) unless the page already defines
   * `initRDKitModule`. The wasm binary is then looked for beside it. Node always uses the installed `@rdkit/rdkit`.
   */
  readonly scriptUrl?: string | URL;
  /** RDKit's init function itself, e.g. `import initRDKitModule from '@rdkit/rdkit'` in a bundler that handles it. */
  readonly initRDKitModule?: InitRDKitModule;
  /** The URL of `RDKit_minimal.wasm` (in Node a path or a file: URL, read from disk). */
  readonly wasmUrl?: string | URL;
  /** The bytes of `RDKit_minimal.wasm` (nothing is fetched). */
  readonly wasmBinary?: ArrayBuffer | ArrayBufferView<ArrayBuffer>;
  /** Emscripten's `locateFile(file, scriptDirectory)` hook: the URL (Node: path) of each file RDKit asks for. */
  readonly locateFile?: (file: string, scriptDirectory: string) => string;
}

const OPTION_NAMES = ['scriptUrl', 'initRDKitModule', 'wasmUrl', 'wasmBinary', 'locateFile'] as const;

let loading: Promise<RDKitModule> | undefined;
let loadedWith: RDKitLoadOptions | undefined;
let memory: WebAssembly.Memory | undefined;

/** A URL option as a string (URL objects equal by href). */
const asText = (value: unknown): unknown => (value instanceof URL ? value.href : value);

/**
 * Emscripten's module argument for `options`; `besideScript` locates files next to a script loaded from
 * `scriptUrl`. `fail` rejects the load when `wasmBinary` cannot be instantiated.
 */
function moduleArgument(options: RDKitLoadOptions, besideScript: ((file: string) => string) | undefined, fail: (error: unknown) => void): Record<string, unknown> {
  const { locateFile, wasmUrl, wasmBinary } = options;
  const arg: Record<string, unknown> = {};
  if (locateFile) arg.locateFile = locateFile;
  else if (wasmUrl !== undefined) arg.locateFile = (file: string, directory: string) => (file.endsWith('.wasm') ? asText(wasmUrl) : directory + file);
  else if (besideScript) arg.locateFile = besideScript;
  if (wasmBinary) {
    // This Emscripten build ignores `Module.wasmBinary`; `instantiateWasm` is its hook for given bytes.
    arg.instantiateWasm = (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => {
      WebAssembly.instantiate(wasmBinary, imports).then((result) => done(result.instance), fail);
      return {};
    };
  }
  return arg;
}

/** Records the linear memory of an instantiated module (for {@link rdkitMemoryBytes}). */
function observeMemory<T>(result: T): T {
  const instance = (result as { instance?: WebAssembly.Instance }).instance ?? (result as unknown as WebAssembly.Instance);
  const exported = Object.values(instance?.exports ?? {}).find((x) => x instanceof WebAssembly.Memory);
  if (exported && !memory) memory = exported as WebAssembly.Memory;
  return result;
}

async function load(options: RDKitLoadOptions): Promise<RDKitModule> {
  const script = options.initRDKitModule ? { init: options.initRDKitModule, locateFile: undefined } : await rdkitScript(options.scriptUrl);
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Watch RDKit's own instantiation so that its linear memory can be reported.
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = ((...args: Parameters<typeof instantiate>) => instantiate(...args).then(observeMemory)) as typeof instantiate;
  if (instantiateStreaming) WebAssembly.instantiateStreaming = (...args) => instantiateStreaming(...args).then(observeMemory);
  try {
    return await Promise.race([script.init(moduleArgument(options, script.locateFile, fail)), failed]);
  } finally {
    WebAssembly.instantiate = instantiate;
    if (instantiateStreaming) WebAssembly.instantiateStreaming = instantiateStreaming;
  }
}

/**
 * Loads RDKit's WebAssembly build once: the first call starts it, later calls share the same module.
 * In Node it comes from the installed `@rdkit/rdkit`; in a browser from `scriptUrl`, a page-defined
 * `initRDKitModule` or `options.initRDKitModule` (nothing of RDKit is bundled, so any bundler works). The
 * options apply to the first call; asking for different ones once RDKit is loaded throws. A failed load
 * can be retried.
 *
 * @example
 * const rdkit = await loadRDKit(); // Node
 * const rdkit = await loadRDKit({ scriptUrl: 'https://unpkg.com/@rdkit/rdkit@2026.9.1/dist/RDKit_minimal.js' }); // browser
 */
export function loadRDKit(options: RDKitLoadOptions = {}): Promise<RDKitModule> {
  const asked = OPTION_NAMES.filter((name) => options[name] !== undefined);
  if (loading && loadedWith && asked.some((name) => asText(options[name]) !== asText(loadedWith?.[name])))
    throw new RangeError(`loadRDKit: RDKit is already loaded with other options (${asked.join(', ')}); they apply to the first call only`);
  if (!loading) {
    loadedWith = options;
    loading = load(options).catch((err: unknown) => {
      loading = undefined;
      loadedWith = undefined;
      throw new Error(`cannot load RDKit (@rdkit/rdkit): ${(err as Error).message ?? String(err)}`);
    });
  }
  return loading;
}

/** Bytes of RDKit's WebAssembly linear memory (grows, never shrinks), or undefined before loading or where it cannot be observed. */
export function rdkitMemoryBytes(): number | undefined {
  return memory?.buffer.byteLength;
}
