export type { FlowMatchingInputs, FlowMatchingOptions } from './flow-matching.js';
export { flowMatching, flowMatchingObjective, replayStates } from './flow-matching.js';
