import type { SehMolecule, SehProxy, SehProxyOptions } from './proxy.js';
import { sehProxy } from './proxy.js';

/** Floor on y before the reward transform (the original `R_min` … clip). */
export const SEH_MIN_Y = 0.1;
/** Normaliser of y: y = 8 gives R = 1. */
export const SEH_Y_NORMALISER = 8;

function checkBeta(beta: number): number {
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) throw new RangeError(`sehReward: beta must be a positive finite number, got ${String(beta)}`);
  return beta;
}

/** log R = β · ln(max(0.1, y) / 8). */
export function sehLogRewardFromY(y: number, beta = 10): number {
  checkBeta(beta);
  if (Number.isNaN(y)) throw new RangeError('sehReward: y is NaN');
  return beta * Math.log(Math.max(SEH_MIN_Y, y) / SEH_Y_NORMALISER);
}

/** Options of {@link sehReward}. */
export interface SehRewardOptions extends SehProxyOptions {
  /** Exponent β (default 10, as in the stored data; the paper sweeps 4, 8, 10, 16). */
  readonly beta?: number;
  /** A proxy to use (otherwise one is created from the other options on first use). */
  readonly proxy?: SehProxy | Promise<SehProxy>;
}

/** The sEH reward R = (max(0.1, y)/8)^β of fragment states. */
export interface SehReward {
  readonly name: 'seh';
  readonly beta: number;
  /** The proxy (created on first use). */
  proxy(): Promise<SehProxy>;
  /** y of every molecule. */
  proxyValues(molecules: readonly SehMolecule[]): Promise<Float64Array>;
  /** log R of every molecule (finite: y is floored at 0.1). */
  logRewards(molecules: readonly SehMolecule[]): Promise<Float64Array>;
  /** R of every molecule. */
  rewards(molecules: readonly SehMolecule[]): Promise<Float64Array>;
  /** log R of a proxy value y. */
  logRewardOf(y: number): number;
  /** max(0.1, y) of a molecule with log-reward `logReward`, for reports. */
  score(logReward: number): number;
}

/**
 * The paper's molecule reward: R = (max(0.1, y) / 8)^β with y the sEH proxy of the state (molecule
 * and free stems), log R = β · ln(max(0.1, y) / 8).
 *
 * @example
 * const reward = sehReward({ beta: 10 });
 * const logR = await reward.logRewards([{ smiles, stemAtoms }]);
 */
export function sehReward(options: SehRewardOptions = {}): SehReward {
  const beta = checkBeta(options.beta ?? 10);
  const { beta: _beta, proxy: given, ...proxyOptions } = options;
  let loading: Promise<SehProxy> | undefined;
  const proxy = (): Promise<SehProxy> => {
    loading ??= Promise.resolve(given ?? sehProxy(proxyOptions));
    return loading;
  };
  const logRewardOf = (y: number): number => sehLogRewardFromY(y, beta);
  const proxyValues = async (molecules: readonly SehMolecule[]): Promise<Float64Array> => (await proxy()).predict(molecules);
  return {
    name: 'seh',
    beta,
    proxy,
    proxyValues,
    logRewardOf,
    async logRewards(molecules) {
      return (await proxyValues(molecules)).map(logRewardOf);
    },
    async rewards(molecules) {
      return (await proxyValues(molecules)).map((y) => Math.exp(logRewardOf(y)));
    },
    score: (logReward: number): number => SEH_Y_NORMALISER * Math.exp(logReward / beta),
  };
}
