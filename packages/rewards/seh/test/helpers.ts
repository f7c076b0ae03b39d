import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The shared reference data: `../shared` beside the repository (as in CI) first, then /work/shared;
 * undefined when neither exists.
 */
export const SHARED_DATA: string | undefined = [`${repoRoot}../shared/data/`, '/work/shared/data/'].find((p) => existsSync(p));

/** Path of a file under shared/data, or undefined (with a loud warning) when it is absent. */
export function sharedFile(relative: string, what: string): string | undefined {
  const path = SHARED_DATA && `${SHARED_DATA}${relative}`;
  if (path && existsSync(path)) return path;
  console.warn(`[reward-seh tests] shared/data/${relative} is absent (looked in ${repoRoot}../shared and /work/shared): ${what} SKIPPED`);
  return undefined;
}

/** One held-out molecule of the original experiment (shared/data/seh/heldout_some_mols_U_1k.json). */
export interface HeldoutMolecule {
  readonly smiles: string;
  readonly stem_atoms_canonical: number[];
  readonly proxy_y: number;
  readonly stored_reward_beta10: number;
  readonly blockidxs: number[];
  readonly stems: [number, number][];
  readonly stem_atoms: number[];
}
