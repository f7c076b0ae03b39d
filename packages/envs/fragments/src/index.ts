export { DEFAULT_BLOCKS } from './default-vocabulary.js';
export type {
  FragmentStates,
  FragmentsEnvironment,
  FragmentsOptions,
} from './environment.js';
export { fragmentsEnvironment } from './environment.js';
export type {
  ExactProbabilities,
  ExactProbabilityOptions,
} from './exact-probability.js';
export { exactLogTerminatingProbabilities } from './exact-probability.js';
export type { FingerprintKind, FingerprintOptions } from './fingerprints.js';
export { fingerprint, tanimoto } from './fingerprints.js';
export type { FragmentFeatureLayout } from './layout.js';
export { featureLayout, maxFreeStems } from './layout.js';
export type {
  CorrelationResult,
  ModeOptions,
  SampleMetrics,
  SampleMetricsOptions,
} from './metrics.js';
export {
  findModes,
  heldOutSet,
  logProbabilityRewardCorrelation,
  pearson,
  sampleMetrics,
  sampleTerminals,
  topKMean,
  uniformRandomPolicy,
} from './metrics.js';
export type { QedProperties } from './qed.js';
export {
  QED_STRUCTURAL_ALERT_COUNT,
  QED_WEIGHTS_MEAN,
  qed,
  qedDesirability,
  qedFromProperties,
  qedOfMolecule,
  qedProperties,
} from './qed.js';
export type { RDKitModule, RDKitMol } from './rdkit.js';
export {
  canonicalSmiles,
  loadRDKit,
  rdkitMemoryBytes,
  withMolecule,
} from './rdkit.js';
export type {
  FragmentMolecule,
  MoleculeReward,
  QedReward,
  QedRewardOptions,
  RewardFunction,
} from './reward.js';
export { qedReward, rewardFromFunction } from './reward.js';
export type { Junction, SmilesToken, TokenizedSmiles } from './smiles.js';
export { assembleSmiles, tokenizeSmiles } from './smiles.js';
export type { CompiledVocabulary, FragmentBlock } from './vocabulary.js';
export {
  compileVocabulary,
  loadVocabulary,
  parseVocabulary,
} from './vocabulary.js';
