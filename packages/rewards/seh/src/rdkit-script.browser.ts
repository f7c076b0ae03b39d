// What `#rdkit-script` resolves to outside Node (package.json `imports`). RDKit's Emscripten glue has
// `require("node:fs")` in its Node branch, which a default browser bundle (esbuild) cannot resolve, so
// browsers run RDKit_minimal.js as the classic script it is, from a URL, and nothing of it is bundled.
import type { MainModule } from '@rdkit/rdkit';

type InitRDKitModule = (moduleArg?: object) => Promise<MainModule>;

/** The `initRDKitModule` RDKit_minimal.js defines as a global, if it has run. */
function globalInit(): InitRDKitModule | undefined {
  const init = (globalThis as { initRDKitModule?: unknown }).initRDKitModule;
  return typeof init === 'function' ? (init as InitRDKitModule) : undefined;
}

/** Runs a classic script: a script tag in a page, `importScripts` in a classic worker. */
function runScript(url: string): Promise<void> {
  const scope = globalThis as { document?: Document; importScripts?: (...urls: string[]) => void };
  const page = scope.document;
  if (page) {
    return new Promise((resolve, reject) => {
      const script = page.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`cannot load the script ${url}`));
      page.head.append(script);
    });
  }
  if (typeof scope.importScripts === 'function') return Promise.resolve(scope.importScripts(url));
  return Promise.reject(new Error(`cannot run the script ${url} here (no document, no importScripts; in a module worker pass initRDKitModule)`));
}

/** RDKit's init function and, for a script loaded here, where its files are (beside it). */
export interface RDKitScript {
  readonly init: InitRDKitModule;
  readonly locateFile?: (file: string) => string;
}

/** Browser: RDKit's init function from the page (a global `initRDKitModule`) or from the script at `scriptUrl`. */
export async function rdkitScript(scriptUrl?: string | URL): Promise<RDKitScript> {
  const existing = globalInit();
  if (existing) return { init: existing };
  if (scriptUrl === undefined)
    throw new Error(
      'in a browser, pass loadRDKit({ scriptUrl }) (the URL of RDKit_minimal.js of @rdkit/rdkit/dist, RDKit_minimal.wasm beside it), load that script with a script tag first, or pass initRDKitModule',
    );
  const url = new URL(scriptUrl, globalThis.location?.href).href;
  await runScript(url);
  const init = globalInit();
  if (!init) throw new Error(`the script ${url} did not define initRDKitModule (is it RDKit_minimal.js?)`);
  // In a worker Emscripten would look beside the worker's own script instead.
  return { init, locateFile: (file) => new URL(file, url).href };
}
