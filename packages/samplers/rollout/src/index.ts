// The rollout primitives moved to core (the replay sampler shares them); still exported here.
export type { BackwardRollout, BackwardRolloutOptions, BehaviourTransform, ForwardRolloutOptions } from '@gflownet/core';
export { sampleBackward, sampleForward, uniformBehaviour } from '@gflownet/core';
export type { Exploration, ExplorationOptions, ExplorationValues } from './exploration.js';
export { exploration } from './exploration.js';
export type { OffPolicySamplerOptions } from './off-policy.js';
export { offPolicySampler } from './off-policy.js';
export { onPolicySampler } from './on-policy.js';
export type { Schedule, ScheduleKind, ScheduleOptions } from './schedule.js';
export { asSchedule, EXPONENTIAL_DECAY, SCHEDULE_KINDS, schedule } from './schedule.js';
