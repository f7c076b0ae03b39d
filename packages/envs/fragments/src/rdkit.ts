import type { MainModule, Mol } from '@rdkit/rdkit';

/** The RDKit MinimalLib module (WebAssembly). */
export type RDKitModule = MainModule;
/** An RDKit molecule handle; must be released with `delete()`. */
export type RDKitMol = Mol;

let loading: Promise<RDKitModule> | undefined;
let memory: WebAssembly.Memory | undefined;

/**
 * Loads RDKit's WebAssembly build once (lazily: the first call starts it, later calls share the
 * same promise). While it loads, `WebAssembly.instantiate` is observed so that the module's linear
 * memory can be reported by {@link rdkitMemoryBytes}.
 */
export function loadRDKit(): Promise<RDKitModule> {
  loading ??= (async () => {
    const imported = (await import('@rdkit/rdkit')) as unknown as {
      default?: unknown;
    };
    const init = (typeof imported.default === 'function' ? imported.default : imported) as (options?: unknown) => Promise<RDKitModule>;
    const original = WebAssembly.instantiate;
    const observe = <T>(result: T): T => {
      const instance = (result as { instance?: WebAssembly.Instance }).instance ?? (result as unknown as WebAssembly.Instance);
      const exported = Object.values(instance?.exports ?? {}).find((x) => x instanceof WebAssembly.Memory);
      if (exported && !memory) memory = exported as WebAssembly.Memory;
      return result;
    };
    WebAssembly.instantiate = ((...args: Parameters<typeof original>) =>
      (original as (...a: unknown[]) => Promise<unknown>)(...args).then(observe)) as typeof original;
    try {
      return await init();
    } catch (err) {
      loading = undefined;
      throw new Error(`cannot load RDKit (@rdkit/rdkit): ${(err as Error).message}`);
    } finally {
      WebAssembly.instantiate = original;
    }
  })();
  return loading;
}

/** Bytes of RDKit's WebAssembly linear memory (grows, never shrinks), or undefined before loading or where it cannot be observed. */
export function rdkitMemoryBytes(): number | undefined {
  return memory?.buffer.byteLength;
}

/** Parses `smiles`, runs `fn` on the molecule (null when RDKit cannot parse it) and always releases it. */
export function withMolecule<T>(rdkit: RDKitModule, smiles: string, fn: (mol: RDKitMol | null) => T): T {
  const mol = smiles.length > 0 ? rdkit.get_mol(smiles) : null;
  if (mol && !mol.is_valid()) {
    mol.delete();
    return fn(null);
  }
  try {
    return fn(mol);
  } finally {
    mol?.delete();
  }
}

/** RDKit's canonical SMILES of `smiles`, or null when it cannot be parsed. */
export function canonicalSmiles(rdkit: RDKitModule, smiles: string): string | null {
  return withMolecule(rdkit, smiles, (mol) => (mol ? mol.get_smiles() : null));
}

/** RDKit's canonical SMILES with `ranks[i]`, the index in it of atom `i` of the input SMILES. */
export interface RankedSmiles {
  readonly smiles: string;
  readonly ranks: Int32Array;
}

/**
 * RDKit's canonical SMILES of `smiles` and where each input atom went (read from the
 * `_smilesAtomOutputOrder` property RDKit sets when it writes a SMILES), or null when it cannot be parsed.
 */
export function canonicalSmilesWithRanks(rdkit: RDKitModule, smiles: string): RankedSmiles | null {
  return withMolecule(rdkit, smiles, (mol) => {
    if (!mol) return null;
    const canonical = mol.get_smiles();
    const order = mol.has_prop('_smilesAtomOutputOrder') ? (mol.get_prop('_smilesAtomOutputOrder').match(/\d+/g) ?? []).map(Number) : [];
    const ranks = new Int32Array(order.length).fill(-1);
    order.forEach((atom, position) => {
      if (atom < ranks.length && ranks[atom] === -1) ranks[atom] = position;
    });
    if (order.length === 0 || ranks.includes(-1)) throw new Error(`RDKit gave no atom output order for ${smiles} (_smilesAtomOutputOrder)`);
    return { smiles: canonical, ranks };
  });
}

/** Matches of a query as atom-index lists (RDKit returns `{}` when there is none). */
export function substructMatches(mol: RDKitMol, query: RDKitMol): number[][] {
  const parsed = JSON.parse(mol.get_substruct_matches(query)) as unknown;
  return Array.isArray(parsed) ? (parsed as { atoms: number[] }[]).map((m) => m.atoms) : [];
}

/** Whether a query matches at least once. */
export function hasSubstructMatch(mol: RDKitMol, query: RDKitMol): boolean {
  return mol.get_substruct_match(query) !== '{}';
}
