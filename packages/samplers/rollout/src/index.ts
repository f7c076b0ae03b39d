export type { BehaviourTransform, ForwardRolloutOptions } from './forward.js';
export { sampleForward } from './forward.js';
export { onPolicySampler } from './on-policy.js';
