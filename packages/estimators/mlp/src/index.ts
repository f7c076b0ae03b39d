export type { DenseActivation } from './dense.js';
export { dense } from './dense.js';
export type { MlpPolicy, MlpPolicyOptions } from './mlp.js';
export { mlpPolicy } from './mlp.js';
