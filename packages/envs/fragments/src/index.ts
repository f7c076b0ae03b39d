export type { BlockMolecule } from './block-states.js';
export { parseBlockMolecules } from './block-states.js';
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
export { PDB_105_BLOCKS } from './pdb105-vocabulary.js';
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
export type { InitRDKitModule, RankedSmiles, RDKitLoadOptions, RDKitModule, RDKitMol } from './rdkit.js';
export {
  canonicalSmiles,
  canonicalSmilesWithRanks,
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
export type { SehFragmentReward, SehFragmentRewardOptions } from './seh.js';
export { sehFragmentReward } from './seh.js';
export type { Junction, SmilesToken, TokenizedSmiles } from './smiles.js';
export { assembleSmiles, tokenizeSmiles } from './smiles.js';
export type { CompiledVocabulary, FragmentBlock, VocabularyJson, VocabularySource } from './vocabulary.js';
export { checkVocabularyChemistry } from './vocabulary-check.js';
export {
  compileVocabulary,
  loadVocabulary,
  parseVocabulary,
} from './vocabulary.js';
