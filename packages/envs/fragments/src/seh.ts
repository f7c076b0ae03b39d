import type { SehProxy } from '@gflownet/reward-seh';
import { loadRDKit } from './rdkit.js';
import type { FragmentMolecule, MoleculeReward } from './reward.js';

/** Options of {@link sehFragmentReward}. */
export interface SehFragmentRewardOptions {
  /** Exponent β (default: `10`, the original `reward_exp`; the paper sweeps 4, 8, 10, 16). */
  readonly beta?: number;
  /** A proxy to use; default: `sehProxy()` of `@gflownet/reward-seh` on this package's RDKit, created on first use. */
  readonly proxy?: SehProxy | Promise<SehProxy>;
}

/** The sEH reward of fragment states, R = (max(0.1, y)/8)^β with y the proxy of the molecule and its free stems. */
export interface SehFragmentReward extends MoleculeReward {
  readonly name: 'seh';
  readonly beta: number;
  readonly usesStems: true;
  logReward(molecule: FragmentMolecule): Promise<number>;
  logRewards(molecules: readonly FragmentMolecule[]): Promise<Float64Array>;
  /** The proxy's y of every molecule (0.1, the original's value, for molecules RDKit cannot build). */
  proxyValues(molecules: readonly FragmentMolecule[]): Promise<Float64Array>;
  /** max(0.1, y) of a molecule with log-reward `logReward`, for reports (top-k, modes). */
  score(logReward: number): number;
  /** The proxy (created on first use). */
  proxy(): Promise<SehProxy>;
}

/** y floor and normaliser of the original transform (`R_min`, `reward_norm`). */
const MIN_Y = 0.1;
const NORMALISER = 8;

/**
 * The paper's molecule reward on this environment: the sEH binding proxy of Bengio et al. (2021)
 * (`@gflownet/reward-seh`, loaded on first use, on the active tfjs backend) applied to each state's
 * canonical SMILES with its free stems as the stem mask (`FragmentMolecule.stemAtoms`; a state without
 * a free stem marks atom 0 of the canonical SMILES). Batched: the environment hands it every new
 * molecule of a `logReward` call at once.
 *
 * @example
 * const env = fragmentsEnvironment({ vocabulary: PDB_105_BLOCKS, reward: sehFragmentReward({ beta: 10 }) });
 */
export function sehFragmentReward(options: SehFragmentRewardOptions = {}): SehFragmentReward {
  const beta = options.beta ?? 10;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) throw new RangeError(`sehFragmentReward: beta must be a positive finite number, got ${String(beta)}`);
  let loading: Promise<SehProxy> | undefined;
  const proxy = (): Promise<SehProxy> => {
    if (!loading) {
      loading = options.proxy
        ? Promise.resolve(options.proxy)
        : import('@gflownet/reward-seh').then(({ sehProxy }) => sehProxy({ rdkit: loadRDKit(), invalid: 'floor' }));
      // A proxy that failed to load is not kept, so a later call reports the error again.
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
  const logRewardOf = (y: number): number => beta * Math.log(Math.max(MIN_Y, y) / NORMALISER);
  const proxyValues = async (molecules: readonly FragmentMolecule[]): Promise<Float64Array> => {
    const valid = molecules.flatMap((m, i) => (m.valid ? [i] : []));
    const out = new Float64Array(molecules.length).fill(MIN_Y);
    if (valid.length === 0) return out;
    const y = await (await proxy()).predict(valid.map((i) => ({ smiles: (molecules[i] as FragmentMolecule).smiles, stemAtoms: molecules[i]?.stemAtoms ?? [] })));
    valid.forEach((i, j) => (out[i] = y[j] as number));
    return out;
  };
  const logRewards = async (molecules: readonly FragmentMolecule[]): Promise<Float64Array> => (await proxyValues(molecules)).map(logRewardOf);
  return {
    name: 'seh',
    beta,
    usesStems: true,
    proxy,
    proxyValues,
    logRewards,
    logReward: async (molecule) => (await logRewards([molecule]))[0] as number,
    score: (logReward) => NORMALISER * Math.exp(logReward / beta),
  };
}
