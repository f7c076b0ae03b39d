export type { Backend } from './backend.js';
export { assertGradientsRegistered, BackendTypeId, isBackend, useBackend } from './backend.js';
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
export { countValid, logSumExp, MASKED_LOGIT, maskBias, maskedLogSoftmax, maskedLogSoftmaxRows } from './log-softmax.js';
export type { Objective, ObjectiveContext, ObjectiveRequirements } from './objective.js';
export { isObjective, ObjectiveTypeId } from './objective.js';
export type { BackwardPolicyKind, ParameterGroup, Policy, PolicyHeads, PolicyOutputs } from './policy.js';
export { isPolicy, PolicyTypeId } from './policy.js';
export type { RandomState } from './random.js';
export { Random } from './random.js';
export type { RowArray, Rows } from './rows.js';
export { concatRows, selectRows } from './rows.js';
export type { Sampler, SampleRequest } from './sampler.js';
export { isSampler, SamplerTypeId } from './sampler.js';
export type { TrajectoryTensorOptions, TrajectoryTensors } from './trajectory-tensors.js';
export { trajectoryTensors, uniformBackwardLogProbs } from './trajectory-tensors.js';
export type { BatchShape, BehaviourRecord, TrajectoryBatch, TrajectoryRows } from './trajectories.js';
export { behaviourLogProbsPerTrajectory, packTrajectories, trajectoryLengths, trajectoryRows } from './trajectories.js';
export type { RegressionLoss } from './regression-loss.js';
export { regressionLoss } from './regression-loss.js';
export type { ExactEvaluation, ExactEvaluator } from './evaluate.js';
export { exactEvaluator } from './evaluate.js';
export type { Parents } from './parents.js';
export { parentsOf } from './parents.js';
export type { RowKey, UniqueRows } from './unique-rows.js';
export { expandRows, pickEntries, uniqueRows } from './unique-rows.js';
