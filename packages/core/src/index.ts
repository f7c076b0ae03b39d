export type { Backend } from './backend.js';
export { assertGradientsRegistered, assertGradientsUnderTape, BackendTypeId, isBackend, useBackend } from './backend.js';
export { jsd, kl, l1, totalVariation } from './distances.js';
export type { Environment } from './environment.js';
export {
  checkLogRewards,
  EnvironmentTypeId,
  isEnvironment,
  logOfRewards,
  MissingCapabilityError,
  stateKeys,
  stopAction,
} from './environment.js';
export type { StateGraph, TargetDistribution } from './exact.js';
export { forwardLogProbsOnGraph, stateGraph, targetDistribution, terminatingDistribution } from './exact.js';
export { countValid, logSoftmaxRows, logSumExp, MASKED_LOGIT, maskBias, maskedLogSoftmax, maskedLogSoftmaxRows } from './log-softmax.js';
export type { Objective, ObjectiveContext, ObjectiveRequirements } from './objective.js';
export { isObjective, ObjectiveTypeId } from './objective.js';
export type { BackwardPolicyKind, ParameterGroup, Policy, PolicyHeads, PolicyOutputs } from './policy.js';
export { isPolicy, PolicyTypeId } from './policy.js';
export type { RandomState } from './random.js';
export { Random } from './random.js';
export type { RowArray, Rows } from './rows.js';
export { concatRows, selectRows } from './rows.js';
export type { RowLayout } from './row-layout.js';
export { maskedMean, padRows, rowLayout, shiftRows } from './row-layout.js';
export type { DenseActivation, DenseOptions } from './dense.js';
export { dense } from './dense.js';
export type { BehaviourTransform } from './behaviour.js';
export { uniformBehaviour } from './behaviour.js';
export type { ForwardRolloutOptions } from './forward-rollout.js';
export { sampleForward } from './forward-rollout.js';
export type { BackwardRollout, BackwardRolloutOptions } from './backward-rollout.js';
export { sampleBackward } from './backward-rollout.js';
export type { Sampler, SampleRequest } from './sampler.js';
export { isSampler, SamplerTypeId } from './sampler.js';
export type { TrajectoryTensorOptions, TrajectoryTensors } from './trajectory-tensors.js';
export { trajectoryTensors, uniformBackwardLogProbs } from './trajectory-tensors.js';
export type { BatchShape, BehaviourRecord, TrajectoryBatch, TrajectoryRows } from './trajectories.js';
export { behaviourLogProbsPerTrajectory, packTrajectories, trajectoryLengths, trajectoryRowIndices, trajectoryRows } from './trajectories.js';
export type { RegressionLoss } from './regression-loss.js';
export { regressionLoss } from './regression-loss.js';
export type { ExactEvaluation, ExactEvaluator } from './evaluate.js';
export { exactEvaluator } from './evaluate.js';
export type { Parents } from './parents.js';
export { parentsOf } from './parents.js';
export type { RowKey, UniqueRows } from './unique-rows.js';
export { expandRows, pickEntries, uniqueRows } from './unique-rows.js';
export type {
  BuildContext,
  BuiltEnvironment,
  EnvironmentExperiment,
  FigureContext,
  InputFile,
  MetricsContext,
  SettingSpec,
  SettingSpecs,
  SettingValues,
} from './experiment.js';
export { isEnvironmentExperiment, SettingsError } from './experiment.js';
export type { BarsPanel, Figure, FigurePanel, FigureSeries, HeatmapPanel, HistogramPanel, ScatterPanel } from './figure.js';
