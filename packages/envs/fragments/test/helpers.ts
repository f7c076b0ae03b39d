import { existsSync } from 'node:fs';
import type { FragmentBlock } from '../src/index.js';
import { loadVocabulary } from '../src/index.js';

/** The shared reference data (read-only, outside the project). */
export const SHARED_DATA: string = new URL('../../../../../shared/data/', import.meta.url).pathname;
export const BLOCKS_105: string = `${SHARED_DATA}fragments/blocks_PDB_105.json`;
export const FRAGS_72: string = `${SHARED_DATA}fragments/frags_72.json`;
export const NCI_QED: string = `${SHARED_DATA}qed/NCI_200_qed.csv`;

export const HAVE_105: boolean = existsSync(BLOCKS_105);
export const HAVE_QED: boolean = existsSync(NCI_QED);
export const HAVE_72: boolean = existsSync(FRAGS_72);
if (!HAVE_105) console.warn(`[env-fragments tests] ${BLOCKS_105} is absent: the 105-block vocabulary tests are SKIPPED`);
if (!HAVE_72) console.warn(`[env-fragments tests] ${FRAGS_72} is absent: the 72-fragment format test is SKIPPED`);
if (!HAVE_QED) console.warn(`[env-fragments tests] ${NCI_QED} is absent: the QED reference-value test is SKIPPED`);

let blocks105: Promise<FragmentBlock[]> | undefined;
/** The original 105-block vocabulary (only call when {@link HAVE_105}). */
export function vocabulary105(): Promise<FragmentBlock[]> {
  blocks105 ??= loadVocabulary(BLOCKS_105);
  return blocks105;
}

/** A tiny vocabulary (3 types) whose state space is small enough to enumerate. */
export const TINY_BLOCKS: readonly FragmentBlock[] = [
  { name: 'benzene', smiles: 'c1ccccc1', stems: [0, 2] },
  { name: 'amide_C', smiles: 'NC=O', stems: [1, 0] },
  { name: 'amide_N', smiles: 'NC=O', stems: [0, 1] },
  { name: 'methyl', smiles: 'C', stems: [0] },
];
