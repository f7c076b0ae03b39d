export type { EnumeratedPath, EnumeratedTrajectories, ExactSolution } from './exact.js';
export { enumerateTrajectories, exactSolution } from './exact.js';
export type { SmokeResult, SmokeTrainOptions } from './smoke.js';
export { smokeTrain } from './smoke.js';
export type { TabularPolicy, TabularPolicyOptions } from './tabular.js';
export { tabularPolicy } from './tabular.js';
