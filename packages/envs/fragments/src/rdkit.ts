import type { RDKitModule, RDKitMol } from '@gflownet/reward-seh/rdkit';

// One loader for both packages (`@gflownet/reward-seh/rdkit`, which pulls in none of the proxy's
// weights): the fragment environment and the sEH proxy share one RDKit instance and its load options.
export type { InitRDKitModule, RDKitLoadOptions, RDKitModule, RDKitMol } from '@gflownet/reward-seh/rdkit';
export { loadRDKit, rdkitMemoryBytes } from '@gflownet/reward-seh/rdkit';

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
