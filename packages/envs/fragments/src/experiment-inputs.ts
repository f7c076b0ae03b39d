/**
 * The input files of `gfn train --env fragments`: a vocabulary (a file, or the built-in name `pdb105`)
 * and the held-out molecules of the original experiment. Every problem is a one-line SettingsError
 * naming the option and the file.
 */
import type { BuildContext } from '@gflownet/core';
import { SettingsError } from '@gflownet/core';
import { parseBlockMolecules } from './block-states.js';
import type { FragmentsEnvironment, FragmentStates } from './environment.js';
import { PDB_105_BLOCKS } from './pdb105-vocabulary.js';
import { loadRDKit } from './rdkit.js';
import type { FragmentBlock } from './vocabulary.js';
import { compileVocabulary, parseVocabulary } from './vocabulary.js';
import { checkVocabularyChemistry } from './vocabulary-check.js';

/** Vocabularies known by name (`--vocabulary pdb105`); a file of that name is reached as `./pdb105`. */
export const BUILT_IN_VOCABULARIES: Readonly<Record<string, readonly FragmentBlock[]>> = { pdb105: PDB_105_BLOCKS };

const firstLine = (err: unknown): string => ((err as Error).message ?? String(err)).split('\n')[0] as string;

/** The blocks a `--vocabulary` value names: a built-in vocabulary, or a JSON file checked with RDKit. */
export async function vocabularySetting(value: string, context: Pick<BuildContext, 'readInput'>): Promise<readonly FragmentBlock[]> {
  const builtIn = BUILT_IN_VOCABULARIES[value];
  if (builtIn) return builtIn;
  const text = context.readInput(value, 'vocabulary');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`--vocabulary ${value} is not valid JSON (${firstLine(err)})`);
  }
  let blocks: FragmentBlock[];
  try {
    blocks = parseVocabulary(json, value);
    compileVocabulary(blocks);
  } catch (err) {
    // parseVocabulary's messages name the file already; compileVocabulary's do not.
    const message = firstLine(err).replace(/^fragment vocabulary: /, '');
    throw new SettingsError(message.startsWith(value) ? `--vocabulary ${message}` : `--vocabulary ${value}: ${message}`);
  }
  try {
    checkVocabularyChemistry(await loadRDKit(), blocks, value);
  } catch (err) {
    throw new SettingsError(firstLine(err).replace(/^fragment vocabulary /, '--vocabulary '));
  }
  return blocks;
}

/** Whether two vocabularies have the same blocks (SMILES and stems, in order). */
function sameBlocks(a: readonly FragmentBlock[], b: readonly FragmentBlock[]): boolean {
  return a.length === b.length && a.every((x, i) => x.smiles === b[i]?.smiles && x.stems.join(',') === b[i]?.stems.join(','));
}

/**
 * The terminal states of a `--heldout-file` (`[{ blockidxs, jbonds, … }]`, block indices into the
 * original 105 blocks, e.g. `heldout_some_mols_U_1k.json`), rebuilt in `env`; each must be a state the
 * environment can stop at.
 */
export function heldOutFileStates(env: FragmentsEnvironment, file: string, context: Pick<BuildContext, 'readInput'>): FragmentStates {
  const text = context.readInput(file, 'heldout-file');
  const fail = (message: string): never => {
    throw new SettingsError(`--heldout-file ${file}: ${message}`);
  };
  if (!sameBlocks(env.vocabulary.blocks, PDB_105_BLOCKS)) {
    fail('its molecules index the original 105 blocks; use --vocabulary pdb105 (or the blocks_PDB_105.json file)');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${firstLine(err)})`);
  }
  let states: FragmentStates;
  try {
    states = env.statesFromBlocks(parseBlockMolecules(json, 'held-out molecules'));
  } catch (err) {
    return fail(firstLine(err).replace(/^fragments: /, '').replace('maxFragments', '--max-fragments'));
  }
  const mask = env.forwardMask(states);
  const A = env.numActions;
  for (let i = 0; i < states.n; i++) {
    if (!mask[i * A + A - 1]) fail(`molecule ${i} has ${env.numFragments(states, i)} fragments and cannot stop there (--min-fragments ${env.minFragments})`);
  }
  return states;
}
