import '@tensorflow/tfjs-layers';

export type { BackendName, BackendSettings } from './backends.js';
export { BACKENDS, selectBackend } from './backends.js';
export type { CheckpointRecord, StoredCheckpoint } from './checkpoints.js';
export { checkInputs, readCheckpointFile, readRunCheckpoint, writeRunCheckpoint } from './checkpoints.js';
export type { ObjectiveConfig, PolicyRequest } from './components.js';
export { buildObjective, buildPolicy, buildSampler, OBJECTIVES, POLICIES } from './components.js';
export type { ParsedRunConfig, ResolvedExploration, ResolvedReplay, ResolvedSampler, RunConfig, RunConfigInput } from './config.js';
export {
  BACKEND_NAMES,
  DEFAULT_OFF_POLICY_EXPLORATION,
  EVALUATIONS_PER_RUN,
  EXPLORATION_DEFAULTS,
  OBJECTIVE_NAMES,
  REPLAY_DEFAULTS,
  RUN_CONFIG_VERSION,
  RunConfigSchema,
  SAMPLER_KINDS,
  SCHEDULE_NAMES,
} from './config.js';
export type { RunOutcome } from './diagnostics.js';
export { runWarnings } from './diagnostics.js';
export type { ExactState, ExactTarget } from './exact.js';
export { exactTarget } from './exact.js';
export type { Flag } from './flags.js';
export { environmentFlags, flagForPath, flagName, readFlagValue, RUN_FLAGS, runConfigFromFlat } from './flags.js';
export { checkWritable, lockPath, readInputFile, removeStaleTemporaries, sha256, writeJsonAtomic, writeTextAtomic } from './io.js';
export { BUILT_IN_ENVIRONMENTS, environmentEntry, loadEnvironmentModule, loadRewardModule } from './registry.js';
export { ConfigError, parseRunConfig, resolveRunConfig, settingsSchema } from './resolve.js';
export type { ResultsFile } from './results.js';
export { exactDistribution, flatConfig, packageVersions } from './results.js';
export type { ExperimentHooks, ExperimentRun, PrepareOptions, PreparedExperiment } from './run.js';
export type { ShardWorkers } from './parallel/shard-workers.js';
export { startShardWorkers, withThreads } from './parallel/shard-workers.js';
export { shardUnit } from './parallel/split.js';
export { prepareExperiment, runExperiment } from './run.js';
export type { SampleOptions, SampleTable } from './sample.js';
export { sampleCheckpoint, toCsvText } from './sample.js';
export { runConfigJsonSchema } from './schema.js';
export type { ComparisonSummary } from './compare-report.js';
export { comparisonFigureLines, comparisonMarkdown, resultsTable } from './compare-report.js';
export type { ComparisonCurve } from './compare-figure.js';
export { COMPARISON_CURVES, comparisonSpec, writeComparisonFigures } from './compare-figure.js';
export { figurePath, figureSpec, renderFigureSvg, renderSpecSvg, writeFigureSvg } from './figure.js';
export { summaryLine } from './summary.js';
export type { Progress } from './progress.js';
export { progress } from './progress.js';
