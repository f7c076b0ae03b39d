// What `#rdkit-script` resolves to under the `node` condition (package.json `imports`): RDKit's init
// function from the installed @rdkit/rdkit, whose Emscripten glue reads the wasm binary with node:fs.
import type { MainModule } from '@rdkit/rdkit';

/** RDKit's init function and, where the platform decides it, where its files are. */
export interface RDKitScript {
  readonly init: (moduleArg?: object) => Promise<MainModule>;
  readonly locateFile?: (file: string) => string;
}

/** Node: the default export of `@rdkit/rdkit`, which finds its wasm itself (a script URL is a browser option, not used here). */
export async function rdkitScript(_scriptUrl?: string | URL): Promise<RDKitScript> {
  const imported = (await import('@rdkit/rdkit')) as unknown as { default?: unknown };
  return { init: (typeof imported.default === 'function' ? imported.default : imported) as RDKitScript['init'] };
}
