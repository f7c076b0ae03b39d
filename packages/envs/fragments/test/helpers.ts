import { existsSync } from 'node:fs';
import type { FragmentBlock } from '../src/index.js';
import { DEFAULT_BLOCKS, loadVocabulary } from '../src/index.js';

/** The shared reference data (read-only, outside the project): `../shared` beside the repository, else /work/shared. */
const besideRepository = new URL('../../../../../shared/data/', import.meta.url).pathname;
export const SHARED_DATA: string = [besideRepository, '/work/shared/data/'].find((p) => existsSync(p)) ?? besideRepository;
export const BLOCKS_105: string = `${SHARED_DATA}fragments/blocks_PDB_105.json`;
export const FRAGS_72: string = `${SHARED_DATA}fragments/frags_72.json`;
export const NCI_QED: string = `${SHARED_DATA}qed/NCI_200_qed.csv`;
/** The 950 held-out molecules of the original experiment (tests and evaluation only; not shipped). */
export const HELDOUT_950: string = `${SHARED_DATA}seh/heldout_some_mols_U_1k.json`;

export const HAVE_105: boolean = existsSync(BLOCKS_105);
export const HAVE_QED: boolean = existsSync(NCI_QED);
export const HAVE_72: boolean = existsSync(FRAGS_72);
export const HAVE_HELDOUT: boolean = existsSync(HELDOUT_950);
if (!HAVE_105) console.warn(`[env-fragments tests] ${BLOCKS_105} is absent: the 105-block vocabulary tests are SKIPPED`);
if (!HAVE_72) console.warn(`[env-fragments tests] ${FRAGS_72} is absent: the 72-fragment format test is SKIPPED`);
if (!HAVE_HELDOUT) console.warn(`[env-fragments tests] ${HELDOUT_950} is absent: the held-out molecule tests (stem atoms, sEH, --heldout-file) are SKIPPED`);
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

/** One held-out molecule of the original experiment (the fields the tests read). */
export interface HeldoutMolecule {
  readonly blockidxs: number[];
  readonly jbonds: number[][];
  readonly stems: number[][];
  readonly smiles: string;
  readonly stem_atoms_canonical: number[];
  readonly proxy_y: number;
  readonly stored_reward_beta10: number;
}

/** Index of a block of {@link DEFAULT_BLOCKS} by name. */
export function defaultBlock(name: string): number {
  const i = DEFAULT_BLOCKS.findIndex((b) => b.name === name);
  if (i < 0) throw new Error(`no default block ${name}`);
  return i;
}
