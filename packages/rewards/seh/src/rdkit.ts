import type { MainModule, Mol } from '@rdkit/rdkit';

/** The RDKit MinimalLib module (WebAssembly). */
export type RDKitModule = MainModule;
/** An RDKit molecule handle; must be released with `delete()`. */
export type RDKitMol = Mol;

let loading: Promise<RDKitModule> | undefined;

/**
 * Loads RDKit's WebAssembly build once (the first call starts it, later calls share the promise).
 * The same approach as `@gflownet/env-fragments`; pass that package's module to {@link sehProxy}
 * instead to share one RDKit instance.
 */
export function loadRDKit(): Promise<RDKitModule> {
  loading ??= (async () => {
    const imported = (await import('@rdkit/rdkit')) as unknown as { default?: unknown };
    const init = (typeof imported.default === 'function' ? imported.default : imported) as (options?: unknown) => Promise<RDKitModule>;
    try {
      return await init();
    } catch (err) {
      loading = undefined;
      throw new Error(`cannot load RDKit (@rdkit/rdkit): ${(err as Error).message}`);
    }
  })();
  return loading;
}
