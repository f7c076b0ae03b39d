import type { Environment, ParameterGroup, Policy } from '@gflownet/core';
import { maskedLogSoftmaxRows, PolicyTypeId, Random } from '@gflownet/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { FragmentStates, FragmentsEnvironment } from './environment.js';
import { exactLogTerminatingProbabilities } from './exact-probability.js';
import type { FingerprintKind } from './fingerprints.js';
import { fingerprint, tanimoto } from './fingerprints.js';
import type { RDKitModule } from './rdkit.js';

/**
 * Samples `n` terminating states by rolling out forward: with the policy's P_F, or uniformly over the
 * valid actions at every step when `policy` is null (the random-policy baseline).
 */
export function sampleTerminals<S>(env: Environment<S>, policy: Policy | null, n: number, random: Random): S {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sampleTerminals: n must be a positive integer, got ${n}`);
  const A = env.numActions;
  const done: S[] = [];
  let states = env.initialStates(n);
  for (let t = 0; env.batchSize(states) > 0; t++) {
    if (t > env.maxTrajectoryLength) throw new Error(`${env.name}: a trajectory ran past maxTrajectoryLength without stopping`);
    const m = env.batchSize(states);
    const masks = env.forwardMask(states);
    const logits = policy ? policy.forwardLogits(env.features(states), m) : new Float32Array(m * A);
    const probs = maskedLogSoftmaxRows(logits, masks, m, A).map(Math.exp);
    const stopping: number[] = [];
    const moving: number[] = [];
    const moves: number[] = [];
    for (let i = 0; i < m; i++) {
      const a = random.categorical(probs, i * A, A);
      if (a === A - 1) stopping.push(i);
      else {
        moving.push(i);
        moves.push(a);
      }
    }
    if (stopping.length > 0) done.push(env.select(states, stopping));
    states = env.step(env.select(states, moving), Int32Array.from(moves));
  }
  return env.concat(done);
}

/**
 * The uniform random policy as a {@link Policy}: zero logits, so P_F is uniform over the valid actions
 * (the baseline of the metrics). It has no trainable outputs (`apply` throws).
 */
export function uniformRandomPolicy(env: Pick<Environment<unknown>, 'featureSize' | 'numActions' | 'numBackwardActions'>): Policy {
  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: env.featureSize,
    numActions: env.numActions,
    numBackwardActions: env.numBackwardActions,
    backward: 'uniform',
    hasFlow: false,
    apply: (): never => {
      throw new Error('uniformRandomPolicy has no trainable outputs');
    },
    forwardLogits: (_features: Float32Array, n: number): Float32Array => new Float32Array(n * env.numActions),
    parameters: (): Record<ParameterGroup, tf.Variable[]> => ({ forward: [], backward: [], flow: [] }),
    dispose: (): void => {},
  };
}

/** Pearson correlation of two equally long samples (NaN when either is constant or shorter than 2). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pearson: lengths differ (${n} and ${y.length})`);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Mean of the `k` largest values (of all of them when there are fewer); NaN when empty. */
export function topKMean(values: ArrayLike<number>, k: number): number {
  const sorted = Array.from(values).sort((a, b) => b - a);
  const top = sorted.slice(0, Math.max(0, k));
  return top.length === 0 ? Number.NaN : top.reduce((s, v) => s + v, 0) / top.length;
}

/** Options of {@link findModes}. */
export interface ModeOptions {
  /** A molecule is a mode candidate when its score exceeds this. */
  readonly threshold: number;
  /** A candidate is a new mode when its Tanimoto similarity to every earlier mode is below this (default: `0.7`). */
  readonly similarity?: number;
  /** Fingerprint (default: `rdkit`, the path fingerprint the original code uses). */
  readonly fingerprint?: FingerprintKind;
}

/**
 * Modes, counted greedily in the given (sampling) order as in the original analysis code: a molecule
 * with score > threshold whose Tanimoto similarity to every mode found so far is < `similarity`.
 * Returns the modes' SMILES in order.
 */
export function findModes(rdkit: RDKitModule, molecules: readonly { readonly smiles: string; readonly score: number }[], options: ModeOptions): string[] {
  const similarity = options.similarity ?? 0.7;
  const kind = options.fingerprint ?? 'rdkit';
  const modes: string[] = [];
  const fps: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const m of molecules) {
    if (!(m.score > options.threshold) || seen.has(m.smiles)) continue;
    seen.add(m.smiles);
    const fp = fingerprint(rdkit, m.smiles, kind);
    if (!fp) continue;
    if (fps.every((f) => tanimoto(fp, f) < similarity)) {
      modes.push(m.smiles);
      fps.push(fp);
    }
  }
  return modes;
}

/** Options of {@link sampleMetrics}. */
export interface SampleMetricsOptions {
  /** k of the top-k means (default: `100`). */
  readonly topK?: number;
  /** Mode threshold on the score (default: `0.9`, a QED level; see the README). */
  readonly modeThreshold?: number;
  /** Tanimoto threshold of modes (default: `0.7`). */
  readonly similarity?: number;
}

/** Metrics of a set of sampled molecules. */
export interface SampleMetrics {
  readonly samples: number;
  readonly uniqueMolecules: number;
  /** Mean reward R of the top-k unique molecules. */
  readonly topKReward: number;
  /** Mean score (QED for the default reward, else R) of the top-k unique molecules. */
  readonly topKScore: number;
  readonly meanScore: number;
  readonly modes: number;
  readonly modeSmiles: readonly string[];
}

/**
 * Top-k mean reward and score over unique molecules, unique molecules, and modes (score above the
 * threshold and Tanimoto < 0.7 to every earlier mode, in sampling order) of sampled terminal states.
 */
export async function sampleMetrics(env: FragmentsEnvironment, samples: FragmentStates, options: SampleMetricsOptions = {}): Promise<SampleMetrics> {
  const k = options.topK ?? 100;
  const mols = await env.molecules(samples);
  const logR = await env.logReward(samples);
  const score = (lr: number): number => (env.reward.score ? env.reward.score(lr) : Math.exp(lr));
  const unique = new Map<string, number>();
  mols.forEach((m, i) => {
    if (m.valid && !unique.has(m.smiles)) unique.set(m.smiles, logR[i] as number);
  });
  const uniqueLogR = [...unique.values()];
  const list = mols.map((m, i) => ({
    smiles: m.smiles,
    score: m.valid ? score(logR[i] as number) : 0,
  }));
  const modeSmiles = findModes(await env.rdkit(), list, {
    threshold: options.modeThreshold ?? 0.9,
    ...(options.similarity !== undefined ? { similarity: options.similarity } : {}),
  });
  return {
    samples: mols.length,
    uniqueMolecules: unique.size,
    topKReward: topKMean(uniqueLogR.map(Math.exp), k),
    topKScore: topKMean(uniqueLogR.map(score), k),
    meanScore: list.reduce((s, m) => s + m.score, 0) / Math.max(1, list.length),
    modes: modeSmiles.length,
    modeSmiles,
  };
}

/** The paper's metric: Pearson correlation of exact log P_F^T(x) and log R(x) on a held-out set. */
export interface CorrelationResult {
  readonly correlation: number;
  readonly logProbabilities: Float64Array;
  readonly logRewards: Float64Array;
  readonly numStates: number;
}

/** Correlation of log P_F^T and log R over `heldOut` terminal states (see {@link exactLogTerminatingProbabilities}). */
export async function logProbabilityRewardCorrelation(env: FragmentsEnvironment, policy: Policy, heldOut: FragmentStates): Promise<CorrelationResult> {
  const { logProbabilities, numStates } = await exactLogTerminatingProbabilities(env, policy, heldOut);
  const logRewards = await env.logReward(heldOut);
  return {
    correlation: pearson(logProbabilities, logRewards),
    logProbabilities,
    logRewards,
    numStates,
  };
}

/**
 * A held-out set: `n` distinct terminal states from the uniform random policy with its own seed
 * (the original used a fixed set of molecules; see the README).
 */
export function heldOutSet(env: FragmentsEnvironment, n: number, seed = 12345): FragmentStates {
  const random = new Random(seed);
  const keep: FragmentStates[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (let round = 0; count < n && round < 50; round++) {
    const batch = sampleTerminals(env, null, Math.max(16, n - count), random);
    const idx: number[] = [];
    for (let i = 0; i < batch.n && count + idx.length < n; i++) {
      const key = env.stateKey(batch, i);
      if (!seen.has(key)) {
        seen.add(key);
        idx.push(i);
      }
    }
    keep.push(env.select(batch, idx));
    count += idx.length;
  }
  return env.concat(keep);
}
