import type { RDKitModule } from './rdkit.js';
import { withMolecule } from './rdkit.js';
import { tokenizeSmiles } from './smiles.js';

/**
 * Checks every block's SMILES with RDKit: it must parse and sanitise (`C1CC(`, `[Zz]C` and the
 * unkekulisable `c1cccc1` do not), and RDKit must number its atoms as written (an explicit `[H]` is
 * merged into its neighbour, which would shift the attachment atoms). Without this check such blocks
 * are accepted and every molecule containing them gets the floor reward. Throws a RangeError naming
 * `source`, the block and its SMILES.
 */
export function checkVocabularyChemistry(rdkit: RDKitModule, blocks: readonly { readonly name: string; readonly smiles: string }[], source = 'input'): void {
  const checked = new Set<string>();
  blocks.forEach((block, b) => {
    if (checked.has(block.smiles)) return;
    checked.add(block.smiles);
    const where = `fragment vocabulary ${source}: block ${b} ("${block.name}")`;
    let written: number;
    try {
      written = tokenizeSmiles(block.smiles).numAtoms;
    } catch (err) {
      throw new RangeError(`${where}: ${(err as Error).message}`);
    }
    const atoms = withMolecule(rdkit, block.smiles, (mol) => (mol ? (JSON.parse(mol.get_json()) as { molecules: { atoms: unknown[] }[] }).molecules[0]?.atoms.length : null));
    if (atoms === null || atoms === undefined) throw new RangeError(`${where}: RDKit cannot parse SMILES "${block.smiles}"`);
    if (atoms !== written) throw new RangeError(`${where}: RDKit reads ${atoms} atoms in "${block.smiles}", not the ${written} written (explicit [H] atoms are not supported)`);
  });
}
