import type { EnvironmentExperiment } from '@gflownet/core';
import { Random, SettingsError } from '@gflownet/core';
import type { FragmentsEnvironment, FragmentStates } from './environment.js';
import { fragmentsEnvironment } from './environment.js';
import { exactLogTerminatingProbabilities } from './exact-probability.js';
import { heldOutSet, logProbabilityRewardCorrelation, sampleMetrics, sampleTerminals, uniformRandomPolicy } from './metrics.js';
import { canonicalSmiles, loadRDKit } from './rdkit.js';
import type { RewardFunction } from './reward.js';
import { qedReward, rewardFromFunction } from './reward.js';
import { parseVocabulary } from './vocabulary.js';

/** Seeds of the evaluation samples (fixed, so runs with different training seeds share the held-out set and baseline). */
const POLICY_SAMPLES_SEED = 1;
const RANDOM_SAMPLES_SEED = 2;
const HELDOUT_SEED = 12345;
const DEFAULTS = { beta: 10, minFragments: 2, maxFragments: 8, modeThreshold: 0.9, metricSamples: 1000, heldout: 256 } as const;

function parseVocabularyText(text: string, file: string): ReturnType<typeof parseVocabulary> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`--vocabulary ${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    return parseVocabulary(json, file);
  } catch (err) {
    throw new SettingsError((err as Error).message);
  }
}

/**
 * `--env fragments`: molecules as trees of fragments (Bengio et al. 2021; paper §5.2), with the offline
 * QED reward R = max(QED, 0.0125)^β or a reward of your own. There is no exact evaluation; the metrics
 * sample molecules from the trained policy and from the uniform random policy and report top-100 mean
 * reward/QED, unique molecules, modes, and the paper's correlation of log P_F^T with log R on held-out molecules.
 */
export const fragmentsExperiment: EnvironmentExperiment<FragmentStates> = {
  name: 'fragments',
  summary: 'molecules assembled from a vocabulary of fragments (RDKit), QED reward by default',
  settings: {
    vocabulary: {
      type: 'string',
      help: 'Fragments: vocabulary JSON (the original blocks_PDB_105.json, [{smiles, stems}] blocks or [[smiles, atoms]] fragments; default: built-in 48 blocks)',
    },
    beta: { type: 'number', min: 0, exclusiveMin: true, help: `Fragments: reward exponent β of R = max(QED, 0.0125)^β (default: ${DEFAULTS.beta})` },
    minFragments: { type: 'int', min: 1, max: 64, help: `Fragments: fewest fragments before stop (default: ${DEFAULTS.minFragments})` },
    maxFragments: { type: 'int', min: 1, max: 64, help: `Fragments: most fragments (default: ${DEFAULTS.maxFragments})` },
    modeThreshold: {
      type: 'number',
      min: 0,
      max: 1,
      help: `Fragments: QED above which a molecule can be a mode (Tanimoto < 0.7 to earlier modes) (default: ${DEFAULTS.modeThreshold})`,
    },
    metricSamples: {
      type: 'int',
      min: 1,
      help: `Fragments: molecules sampled from the trained policy and from the random baseline for the metrics (default: ${DEFAULTS.metricSamples})`,
    },
    heldout: { type: 'int', min: 2, help: `Fragments: held-out molecules for the correlation of log P_F^T with log R (default: ${DEFAULTS.heldout})` },
  },
  reward: 'a molecule {smiles, valid, rdkit}; returns R > 0',
  policies: ['mpnn'],
  async build(s, context) {
    const file = s.vocabulary as string | undefined;
    const vocabulary = file !== undefined ? parseVocabularyText(context.readInput(file, 'vocabulary'), file) : undefined;
    const beta = (s.beta as number | undefined) ?? DEFAULTS.beta;
    const minFragments = (s.minFragments as number | undefined) ?? DEFAULTS.minFragments;
    const maxFragments = (s.maxFragments as number | undefined) ?? DEFAULTS.maxFragments;
    if (minFragments > maxFragments) throw new SettingsError(`--min-fragments (${minFragments}) must not exceed --max-fragments (${maxFragments})`);
    if (context.reward && s.beta !== undefined) throw new SettingsError('--beta applies to the built-in QED reward, not to a --reward-module');
    const reward = context.reward ? rewardFromFunction(context.reward as RewardFunction, 'custom') : qedReward({ beta });
    const env = fragmentsEnvironment({ ...(vocabulary ? { vocabulary } : {}), minFragments, maxFragments, reward });
    return {
      env,
      settings: {
        env: 'fragments',
        vocabulary: file ?? 'default',
        ...(context.reward ? { reward: 'custom' } : { beta }),
        'min-fragments': minFragments,
        'max-fragments': maxFragments,
        'mode-threshold': (s.modeThreshold as number | undefined) ?? DEFAULTS.modeThreshold,
        'metric-samples': (s.metricSamples as number | undefined) ?? DEFAULTS.metricSamples,
        heldout: (s.heldout as number | undefined) ?? DEFAULTS.heldout,
      },
    };
  },
  async logTerminatingProbability(built, policy, terminals) {
    return (await exactLogTerminatingProbabilities(built.env, policy, terminals)).logProbabilities;
  },
  async describe(built, terminals) {
    const env = built.env as FragmentsEnvironment;
    const rdkit = await loadRDKit();
    return {
      smiles: Array.from({ length: env.batchSize(terminals) }, (_, i) => {
        const raw = env.smiles(terminals, i);
        return canonicalSmiles(rdkit, raw) ?? raw;
      }),
    };
  },
  async metrics(built, { policy }) {
    const env = built.env as FragmentsEnvironment;
    const n = built.settings['metric-samples'] as number;
    const metricOptions = { topK: 100, modeThreshold: built.settings['mode-threshold'] as number };
    const trained = await sampleMetrics(env, sampleTerminals(env, policy, n, new Random(POLICY_SAMPLES_SEED)), metricOptions);
    const random = await sampleMetrics(env, sampleTerminals(env, null, n, new Random(RANDOM_SAMPLES_SEED)), metricOptions);
    const heldOut = heldOutSet(env, built.settings.heldout as number, HELDOUT_SEED);
    const correlation = await logProbabilityRewardCorrelation(env, policy, heldOut);
    const randomCorrelation = await logProbabilityRewardCorrelation(env, uniformRandomPolicy(env), heldOut);
    return {
      top100Reward: trained.topKReward,
      top100Qed: trained.topKScore,
      meanQed: trained.meanScore,
      uniqueMolecules: trained.uniqueMolecules,
      modes: trained.modes,
      correlation: correlation.correlation,
      randomTop100Reward: random.topKReward,
      randomTop100Qed: random.topKScore,
      randomMeanQed: random.meanScore,
      randomUniqueMolecules: random.uniqueMolecules,
      randomModes: random.modes,
      randomCorrelation: randomCorrelation.correlation,
      metricSamples: n,
      heldoutMolecules: heldOut.n,
    };
  },
};
