import type { FragmentBlock } from './vocabulary.js';

/**
 * The package's own default vocabulary, written for this project: 48 blocks over 33 common
 * medicinal-chemistry fragments (rings, linkers, small substituents). Same semantics as the
 * original 105-block file: `stems[0]` is the atom bonded when the block is attached to a molecule,
 * `stems.slice(1)` become new free stems, and a first block gets all of `stems`. An atom listed
 * twice carries two stems (e.g. a carbonyl or ether linker). Ring fragments have one block per
 * attachment atom, so each atom can be the one that attaches.
 */
export const DEFAULT_BLOCKS: readonly FragmentBlock[] = [
  // Aromatic rings.
  { name: 'benzene_0', smiles: 'c1ccccc1', stems: [0, 1, 2, 3] },
  { name: 'pyridine_C4', smiles: 'c1ccncc1', stems: [0, 1, 2] },
  { name: 'pyridine_C3', smiles: 'c1ccncc1', stems: [1, 0, 2] },
  { name: 'pyridine_C2', smiles: 'c1ccncc1', stems: [2, 0, 1] },
  { name: 'pyrimidine_C5', smiles: 'c1cncnc1', stems: [0, 3] },
  { name: 'pyrimidine_C2', smiles: 'c1cncnc1', stems: [3, 0] },
  { name: 'thiophene_C2', smiles: 'c1ccsc1', stems: [4, 2] },
  { name: 'thiophene_C3', smiles: 'c1ccsc1', stems: [1, 4] },
  { name: 'furan_C2', smiles: 'c1ccoc1', stems: [4, 2] },
  { name: 'pyrazole_N1', smiles: 'c1cn[nH]c1', stems: [3, 0] },
  { name: 'pyrazole_C4', smiles: 'c1cn[nH]c1', stems: [0, 3] },
  { name: 'imidazole_N1', smiles: 'c1c[nH]cn1', stems: [2, 0] },
  { name: 'imidazole_C4', smiles: 'c1c[nH]cn1', stems: [0, 2] },
  { name: 'indole_C5', smiles: 'c1cc2cc[nH]c2cc1', stems: [0, 5] },
  { name: 'indole_N1', smiles: 'c1cc2cc[nH]c2cc1', stems: [5, 0] },
  // Saturated rings.
  { name: 'piperidine_N', smiles: 'C1CCNCC1', stems: [3, 0] },
  { name: 'piperidine_C4', smiles: 'C1CCNCC1', stems: [0, 3] },
  { name: 'piperazine_N1', smiles: 'C1CNCCN1', stems: [2, 5] },
  { name: 'morpholine_N', smiles: 'C1COCCN1', stems: [5] },
  { name: 'pyrrolidine_N', smiles: 'C1CCNC1', stems: [3, 1] },
  { name: 'pyrrolidine_C3', smiles: 'C1CCNC1', stems: [1, 3] },
  { name: 'cyclohexane', smiles: 'C1CCCCC1', stems: [0, 3] },
  { name: 'cyclopropane', smiles: 'C1CC1', stems: [0] },
  { name: 'oxetane', smiles: 'C1COC1', stems: [0] },
  { name: 'tetrahydropyran_C4', smiles: 'C1CCOCC1', stems: [0] },
  // Linkers (two stems on one atom where the atom bridges).
  { name: 'methylene', smiles: 'C', stems: [0, 0] },
  { name: 'ethylene', smiles: 'CC', stems: [0, 1] },
  { name: 'ether', smiles: 'O', stems: [0, 0] },
  { name: 'amine_NH', smiles: 'N', stems: [0, 0] },
  { name: 'carbonyl', smiles: 'C=O', stems: [0, 0] },
  { name: 'amide_C', smiles: 'NC=O', stems: [1, 0] },
  { name: 'amide_N', smiles: 'NC=O', stems: [0, 1] },
  { name: 'sulfonyl', smiles: 'O=S=O', stems: [1, 1] },
  { name: 'sulfonamide_S', smiles: 'NS(=O)=O', stems: [1, 0] },
  { name: 'sulfonamide_N', smiles: 'NS(=O)=O', stems: [0, 1] },
  { name: 'urea', smiles: 'NC(=O)N', stems: [0, 3] },
  // Substituents (one stem: they end a branch).
  { name: 'methyl', smiles: 'C', stems: [0] },
  { name: 'hydroxyl', smiles: 'O', stems: [0] },
  { name: 'amino', smiles: 'N', stems: [0] },
  { name: 'methoxy', smiles: 'CO', stems: [1] },
  { name: 'fluoro', smiles: 'F', stems: [0] },
  { name: 'chloro', smiles: 'Cl', stems: [0] },
  { name: 'trifluoromethyl', smiles: 'FC(F)F', stems: [1] },
  { name: 'nitrile', smiles: 'C#N', stems: [0] },
  { name: 'carboxamide', smiles: 'NC=O', stems: [1] },
  { name: 'carboxylic_acid', smiles: 'OC=O', stems: [1] },
  { name: 'acetyl', smiles: 'CC=O', stems: [1] },
  { name: 'isopropyl', smiles: 'CC(C)C', stems: [1] },
];
