import { existsSync } from 'node:fs';
import type { Environment } from '@gflownet/core';
import { Random } from '@gflownet/core';
import type { FragmentsEnvironment } from '@gflownet/env-fragments';
import {
  canonicalSmiles,
  exactLogTerminatingProbabilities,
  fragmentsEnvironment,
  heldOutSet,
  loadRDKit,
  loadVocabulary,
  logProbabilityRewardCorrelation,
  qedReward,
  sampleMetrics,
  sampleTerminals,
  uniformRandomPolicy,
} from '@gflownet/env-fragments';
import { fragmentMpnnPolicy } from '@gflownet/estimator-fragment-mpnn';
import { UsageError } from '../options.js';
import type { EnvironmentEntry } from './types.js';

/** Seeds of the evaluation samples (fixed, so runs with different training seeds share the held-out set and baseline). */
const POLICY_SAMPLES_SEED = 1;
const RANDOM_SAMPLES_SEED = 2;
const HELDOUT_SEED = 12345;

/**
 * `--env fragments`: molecules as trees of fragments (Bengio et al. 2021; paper §5.2) with the
 * offline QED reward R = max(QED, 0.0125)^β. There is no exact evaluation; the metrics hook samples
 * molecules from the trained policy and from the uniform random policy and reports top-100 mean
 * reward/QED, unique molecules, modes, and the paper's correlation of log P_F^T with log R on a
 * held-out set of molecules.
 */
export const fragmentsEntry: EnvironmentEntry = {
  name: 'fragments',
  options: {
    vocabulary: {
      type: 'string',
      help: 'Fragments: vocabulary JSON (the original blocks_PDB_105.json, [{smiles, stems}] blocks or [[smiles, atoms]] fragments; default: built-in 48 blocks)',
    },
    beta: { type: 'number', min: 0, exclusiveMin: true, help: 'Fragments: reward exponent β of R = max(QED, 0.0125)^β (default: 10)' },
    'min-fragments': { type: 'int', min: 1, max: 64, help: 'Fragments: fewest fragments before stop (default: 2)' },
    'max-fragments': { type: 'int', min: 1, max: 64, help: 'Fragments: most fragments (default: 8)' },
    'mode-threshold': {
      type: 'number',
      min: 0,
      max: 1,
      help: 'Fragments: QED above which a molecule can be a mode (Tanimoto < 0.7 to earlier modes) (default: 0.9)',
    },
    'metric-samples': {
      type: 'int',
      min: 1,
      help: 'Fragments: molecules sampled from the trained policy and from the random baseline for the metrics (default: 1000)',
    },
    heldout: { type: 'int', min: 2, help: 'Fragments: held-out molecules for the correlation of log P_F^T with log R (default: 256)' },
    policy: { type: 'enum', choices: ['mlp', 'mpnn'], help: 'Fragments: policy network: MLPs over the padded tree layout, or message passing over the fragment tree (default: mlp)' },
  },
  policy(built, settings, options) {
    if (options.policy !== 'mpnn') return undefined;
    if (settings.backward !== 'uniform') throw new UsageError('--policy mpnn supports only a uniform backward policy: add --pb uniform');
    const env = built.env as unknown as FragmentsEnvironment;
    return fragmentMpnnPolicy({ layout: env.layout, hidden: settings.hidden[0] ?? 64, flow: settings.flow, seed: settings.seed });
  },
  async logTerminatingProbability(built, policy, terminals) {
    return (await exactLogTerminatingProbabilities(built.env, policy, terminals)).logProbabilities;
  },
  async describe(built, terminals) {
    const env = built.env as unknown as FragmentsEnvironment;
    const states = terminals as Parameters<FragmentsEnvironment['smiles']>[0];
    const rdkit = await loadRDKit();
    return {
      smiles: Array.from({ length: env.batchSize(states) }, (_, i) => {
        const raw = env.smiles(states, i);
        return canonicalSmiles(rdkit, raw) ?? raw;
      }),
    };
  },
  async build(options) {
    const file = options.vocabulary as string | undefined;
    if (file !== undefined && !existsSync(file)) throw new UsageError(`--vocabulary: no such file "${file}"`);
    const beta = (options.beta as number | undefined) ?? 10;
    const minFragments = (options['min-fragments'] as number | undefined) ?? 2;
    const maxFragments = (options['max-fragments'] as number | undefined) ?? 8;
    if (minFragments > maxFragments) throw new UsageError(`--min-fragments (${minFragments}) must not exceed --max-fragments (${maxFragments})`);
    const env = fragmentsEnvironment({
      ...(file !== undefined ? { vocabulary: await loadVocabulary(file) } : {}),
      minFragments,
      maxFragments,
      reward: qedReward({ beta }),
    });
    return {
      env: env as Environment<unknown>,
      settings: {
        env: 'fragments',
        vocabulary: file ?? 'default',
        beta,
        'min-fragments': minFragments,
        'max-fragments': maxFragments,
        'mode-threshold': (options['mode-threshold'] as number | undefined) ?? 0.9,
        'metric-samples': (options['metric-samples'] as number | undefined) ?? 1000,
        heldout: (options.heldout as number | undefined) ?? 256,
      },
    };
  },
  async metrics(built, { policy }) {
    const env = built.env as unknown as FragmentsEnvironment;
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
