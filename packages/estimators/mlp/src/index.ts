export type { DenseActivation, DenseOptions, MlpForwardOptions } from './dense.js';
export { dense, mlpForward } from './dense.js';
export type { MlpPolicy, MlpPolicyOptions, StopHead } from './mlp.js';
export { mlpPolicy, sigmoidStopLogProbs } from './mlp.js';
