export type { DenseActivation } from './dense.js';
export { dense, mlpForward } from './dense.js';
export type { MlpPolicy, MlpPolicyOptions } from './mlp.js';
export { mlpPolicy } from './mlp.js';
