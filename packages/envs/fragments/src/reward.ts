import { qed } from './qed.js';
import type { RDKitModule } from './rdkit.js';

/** A molecule handed to a reward function. */
export interface FragmentMolecule {
  /** RDKit's canonical SMILES, or the assembled SMILES when RDKit cannot parse it (`valid` false). */
  readonly smiles: string;
  /** Whether RDKit parsed and sanitised the molecule. */
  readonly valid: boolean;
  /** The loaded RDKit module, for rewards that compute descriptors (parse `smiles`, then `delete()`). */
  readonly rdkit: RDKitModule;
  /**
   * Atoms of `smiles` (as written: atom i is the i-th atom) that carry a free stem of the state, one
   * entry per free stem, ascending; empty when no stem is free. Set for molecules of environment
   * states (the sEH proxy's stem mask reads them).
   */
  readonly stemAtoms?: readonly number[];
}

/** A reward R(x) > 0 of one molecule, sync or async. */
export type RewardFunction = (molecule: FragmentMolecule) => number | Promise<number>;

/** A reward in log space, with optional reporting helpers. */
export interface MoleculeReward {
  readonly name: string;
  /** log R(x) of one molecule (finite). */
  logReward(molecule: FragmentMolecule): number | Promise<number>;
  /** The underlying score (e.g. QED) of a molecule with log-reward `logReward`, for reports. */
  score?(logReward: number): number;
  /**
   * log R of many molecules at once, in order (e.g. a batched model); when present the environment
   * calls it, once per `logReward` batch, with every molecule not yet cached.
   */
  logRewards?(molecules: readonly FragmentMolecule[]): ArrayLike<number> | Promise<ArrayLike<number>>;
  /**
   * Whether log R may depend on `stemAtoms` as well as on the molecule (default true): rewards are
   * cached by canonical SMILES and stem atoms, or by canonical SMILES alone when this is false.
   */
  readonly usesStems?: boolean;
}

/** A {@link MoleculeReward} from a plain reward function R(x) (R must be finite and > 0). */
export function rewardFromFunction(fn: RewardFunction, name = 'custom'): MoleculeReward {
  if (typeof fn !== 'function') throw new TypeError('fragments: reward must be a function of the molecule');
  return {
    name,
    async logReward(molecule: FragmentMolecule): Promise<number> {
      const r = await fn(molecule);
      if (typeof r !== 'number' || Number.isNaN(r)) throw new RangeError(`fragments: reward is ${String(r)} (not a number) for ${molecule.smiles}`);
      if (r < 0) throw new RangeError(`fragments: reward is negative (${r}) for ${molecule.smiles}; rewards must be positive`);
      if (r === 0) throw new RangeError(`fragments: reward is 0 for ${molecule.smiles}; rewards must be positive`);
      if (!Number.isFinite(r)) throw new RangeError(`fragments: reward is infinite for ${molecule.smiles}`);
      return Math.log(r);
    },
  };
}

/** Options of {@link qedReward}. */
export interface QedRewardOptions {
  /** Exponent β (default: `10`, the original `reward_exp`). */
  readonly beta?: number;
  /** Floor s_min on QED (default: `0.0125` = R_min / reward_norm of the original). Invalid molecules get it too. */
  readonly minScore?: number;
}

/** The QED reward with its settings. */
export interface QedReward extends MoleculeReward {
  readonly beta: number;
  readonly minScore: number;
  /** max(QED, s_min) of a molecule with log-reward `logReward`. */
  score(logReward: number): number;
}

/**
 * The default offline reward: R(x) = max(QED(x), s_min)^β, i.e. log R = β · ln max(QED, s_min)
 * (the shape of the original transform (max(R_min, ŷ)/norm)^β with QED in place of the sEH proxy).
 */
export function qedReward(options: QedRewardOptions = {}): QedReward {
  const beta = options.beta ?? 10;
  const minScore = options.minScore ?? 0.0125;
  if (!(Number.isFinite(beta) && beta > 0)) throw new RangeError(`qedReward: beta must be a positive finite number, got ${beta}`);
  if (!(minScore > 0 && minScore <= 1)) throw new RangeError(`qedReward: minScore must be in (0, 1], got ${minScore}`);
  const floor = beta * Math.log(minScore);
  return {
    name: 'qed',
    beta,
    minScore,
    usesStems: false,
    logReward(molecule: FragmentMolecule): number {
      if (!molecule.valid) return floor;
      const q = qed(molecule.rdkit, molecule.smiles);
      return q === null ? floor : beta * Math.log(Math.max(q, minScore));
    },
    score: (logReward: number): number => Math.exp(logReward / beta),
  };
}

/** Checks a log-reward, naming the molecule when it is not finite. */
export function checkMoleculeLogReward(value: unknown, smiles: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new RangeError(`fragments: log-reward is ${String(value)} (not a number) for ${smiles}`);
  if (value === Number.NEGATIVE_INFINITY) throw new RangeError(`fragments: reward is 0 (log R = -Infinity) for ${smiles}; rewards must be positive`);
  if (!Number.isFinite(value)) throw new RangeError(`fragments: log-reward is infinite for ${smiles}`);
  return value;
}
