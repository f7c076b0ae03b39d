import type { EnvironmentExperiment } from '@gflownet/core';
import { Random, SettingsError } from '@gflownet/core';
import type { FragmentsEnvironment, FragmentStates } from './environment.js';
import { fragmentsEnvironment } from './environment.js';
import { exactLogTerminatingProbabilities } from './exact-probability.js';
import { heldOutFileStates, vocabularySetting } from './experiment-inputs.js';
import { fragmentsFigure, keepFigureData } from './figure.js';
import { heldOutSet, logProbabilityRewardCorrelation, sampleMetrics, sampleTerminals, uniformRandomPolicy } from './metrics.js';
import type { MoleculeReward, RewardFunction } from './reward.js';
import { qedReward, rewardFromFunction } from './reward.js';
import type { SehFragmentReward } from './seh.js';
import { sehFragmentReward } from './seh.js';

/** Seeds of the evaluation samples (fixed, so runs with different training seeds share the held-out set and baseline). */
const POLICY_SAMPLES_SEED = 1;
const RANDOM_SAMPLES_SEED = 2;
const HELDOUT_SEED = 12345;
const DEFAULTS = { reward: 'qed', beta: 10, minFragments: 2, maxFragments: 8, metricSamples: 1000, heldout: 256 } as const;
/** Mode thresholds on the score: a QED level, or the proxy's y (the original analysis code's `reward_thr`). */
const MODE_THRESHOLDS = { qed: 0.9, seh: 8, custom: 0.9 } as const;

/** The held-out molecules of `--heldout-file`, by environment. */
const heldOutFiles = new WeakMap<object, FragmentStates>();

/** The metric names of the score (QED for the QED reward and, as before, for a reward module; y for sEH). */
function scoreName(reward: string): string {
  return reward === 'seh' ? 'Proxy' : 'Qed';
}

/**
 * `--env fragments`: molecules as trees of fragments (Bengio et al. 2021; paper §5.2), with the offline
 * QED reward R = max(QED, 0.0125)^β, the paper's sEH proxy reward R = (max(0.1, y)/8)^β, or a reward of
 * your own. There is no exact evaluation; the metrics sample molecules from the trained policy and from
 * the uniform random policy and report top-100 mean reward/score, unique molecules, modes, and the
 * paper's correlation of log P_F^T with log R on held-out molecules (a seeded random set, and the
 * original experiment's 950 molecules with `--heldout-file`).
 */
export const fragmentsExperiment: EnvironmentExperiment<FragmentStates> = {
  name: 'fragments',
  summary: 'molecules assembled from a vocabulary of fragments (RDKit), QED or sEH-proxy reward',
  settings: {
    reward: {
      type: 'enum',
      choices: ['qed', 'seh'],
      help: `Fragments: built-in reward: qed (R = max(QED, 0.0125)^β, offline) or seh (the paper's sEH binding proxy, R = (max(0.1, y)/8)^β) (default: ${DEFAULTS.reward})`,
    },
    vocabulary: {
      type: 'string',
      help: 'Fragments: pdb105 (the original 105 blocks, built in) or a vocabulary JSON file (blocks_PDB_105.json columns, [{smiles, stems}] blocks or [[smiles, atoms]] fragments; default: built-in 48 blocks)',
    },
    beta: { type: 'number', min: 0, exclusiveMin: true, help: `Fragments: reward exponent β (default: ${DEFAULTS.beta})` },
    minFragments: { type: 'int', min: 1, max: 64, help: `Fragments: fewest fragments before stop (default: ${DEFAULTS.minFragments})` },
    maxFragments: { type: 'int', min: 1, max: 64, help: `Fragments: most fragments (default: ${DEFAULTS.maxFragments})` },
    modeThreshold: {
      type: 'number',
      min: 0,
      help: `Fragments: score above which a molecule can be a mode (Tanimoto < 0.7 to earlier modes): QED, or y with --reward seh (default: ${MODE_THRESHOLDS.qed}; ${MODE_THRESHOLDS.seh} for seh)`,
    },
    metricSamples: {
      type: 'int',
      min: 1,
      help: `Fragments: molecules sampled from the trained policy and from the random baseline for the metrics (default: ${DEFAULTS.metricSamples})`,
    },
    heldout: { type: 'int', min: 2, help: `Fragments: held-out molecules for the correlation of log P_F^T with log R (default: ${DEFAULTS.heldout})` },
    heldoutFile: {
      type: 'string',
      help: "Fragments: the original experiment's held-out molecules (heldout_some_mols_U_1k.json: block indices and junctions into the 105 blocks; needs --vocabulary pdb105) for heldoutCorrelation",
    },
  },
  reward: 'a molecule {smiles, valid, rdkit, stemAtoms}; returns R > 0',
  policies: ['mpnn'],
  async build(s, context) {
    const file = s.vocabulary as string | undefined;
    const vocabulary = file !== undefined ? await vocabularySetting(file, context) : undefined;
    const beta = (s.beta as number | undefined) ?? DEFAULTS.beta;
    const minFragments = (s.minFragments as number | undefined) ?? DEFAULTS.minFragments;
    const maxFragments = (s.maxFragments as number | undefined) ?? DEFAULTS.maxFragments;
    if (minFragments > maxFragments) throw new SettingsError(`--min-fragments (${minFragments}) must not exceed --max-fragments (${maxFragments})`);
    if (context.reward && s.reward !== undefined) throw new SettingsError('--reward chooses a built-in reward; leave it out with a --reward-module');
    if (context.reward && s.beta !== undefined) throw new SettingsError('--beta applies to the built-in rewards, not to a --reward-module');
    const kind = context.reward ? 'custom' : ((s.reward as 'qed' | 'seh' | undefined) ?? DEFAULTS.reward);
    const modeThreshold = (s.modeThreshold as number | undefined) ?? MODE_THRESHOLDS[kind];
    if (kind === 'qed' && modeThreshold > 1) throw new SettingsError(`--mode-threshold is a QED level with --reward qed, at most 1, got ${modeThreshold}`);
    let reward: MoleculeReward;
    if (kind === 'custom') reward = rewardFromFunction(context.reward as RewardFunction, 'custom');
    else reward = kind === 'seh' ? sehFragmentReward({ beta }) : qedReward({ beta });
    const env = fragmentsEnvironment({ ...(vocabulary ? { vocabulary } : {}), minFragments, maxFragments, reward });
    const heldoutFile = s.heldoutFile as string | undefined;
    if (heldoutFile !== undefined) heldOutFiles.set(env, heldOutFileStates(env, heldoutFile, context));
    return {
      env,
      settings: {
        env: 'fragments',
        vocabulary: file ?? 'default',
        reward: kind,
        ...(kind === 'custom' ? {} : { beta }),
        'min-fragments': minFragments,
        'max-fragments': maxFragments,
        'mode-threshold': modeThreshold,
        'metric-samples': (s.metricSamples as number | undefined) ?? DEFAULTS.metricSamples,
        heldout: (s.heldout as number | undefined) ?? DEFAULTS.heldout,
        ...(heldoutFile !== undefined ? { 'heldout-file': heldoutFile } : {}),
      },
    };
  },
  async logTerminatingProbability(built, policy, terminals) {
    return (await exactLogTerminatingProbabilities(built.env, policy, terminals)).logProbabilities;
  },
  /**
   * `gfn sample` columns: the canonical SMILES, its stem-mask atoms (atoms with a free stem, as
   * indices into that SMILES as written, space-separated; empty when none is free, and the proxy then
   * marks atom 0) and, with the sEH reward, the proxy's y.
   */
  async describe(built, terminals) {
    const env = built.env as FragmentsEnvironment;
    const molecules = await env.molecules(terminals);
    const columns: Record<string, string[]> = {
      smiles: molecules.map((m) => m.smiles),
      stemAtoms: molecules.map((m) => [...new Set(m.stemAtoms)].join(' ')),
    };
    const reward = env.reward as Partial<SehFragmentReward>;
    if (reward.name === 'seh' && typeof reward.proxyValues === 'function') columns.proxy = Array.from(await reward.proxyValues(molecules), String);
    return columns;
  },
  summaryMetrics: ['top100Reward', 'top100Qed', 'top100Proxy', 'uniqueMolecules', 'modes', 'correlation', 'heldoutCorrelation', 'randomTop100Reward', 'randomModes', 'randomCorrelation'],
  figure: fragmentsFigure,
  async metrics(built, { policy }) {
    const env = built.env as FragmentsEnvironment;
    const n = built.settings['metric-samples'] as number;
    const name = scoreName(built.settings.reward as string);
    const metricOptions = { topK: 100, modeThreshold: built.settings['mode-threshold'] as number };
    const trainedSamples = sampleTerminals(env, policy, n, new Random(POLICY_SAMPLES_SEED));
    const randomSamples = sampleTerminals(env, null, n, new Random(RANDOM_SAMPLES_SEED));
    const trained = await sampleMetrics(env, trainedSamples, metricOptions);
    const random = await sampleMetrics(env, randomSamples, metricOptions);
    const heldOut = heldOutSet(env, built.settings.heldout as number, HELDOUT_SEED);
    const correlation = await logProbabilityRewardCorrelation(env, policy, heldOut);
    const randomCorrelation = await logProbabilityRewardCorrelation(env, uniformRandomPolicy(env), heldOut);
    // Rewards are cached by molecule, so these cost no second evaluation.
    keepFigureData(policy, { trainedLogRewards: await env.logReward(trainedSamples), randomLogRewards: await env.logReward(randomSamples), correlation, randomCorrelation });
    const metrics: Record<string, number> = {
      top100Reward: trained.topKReward,
      [`top100${name}`]: trained.topKScore,
      [`mean${name}`]: trained.meanScore,
      uniqueMolecules: trained.uniqueMolecules,
      modes: trained.modes,
      correlation: correlation.correlation,
      randomTop100Reward: random.topKReward,
      [`randomTop100${name}`]: random.topKScore,
      [`randomMean${name}`]: random.meanScore,
      randomUniqueMolecules: random.uniqueMolecules,
      randomModes: random.modes,
      randomCorrelation: randomCorrelation.correlation,
      metricSamples: n,
      heldoutMolecules: heldOut.n,
    };
    const fileStates = heldOutFiles.get(env);
    if (fileStates) {
      // The paper's metric on the paper's set: exact log P_F^T against log R of the original held-out molecules.
      metrics.heldoutCorrelation = (await logProbabilityRewardCorrelation(env, policy, fileStates)).correlation;
      metrics.randomHeldoutCorrelation = (await logProbabilityRewardCorrelation(env, uniformRandomPolicy(env), fileStates)).correlation;
      metrics.heldoutFileMolecules = fileStates.n;
    }
    return metrics;
  },
};
