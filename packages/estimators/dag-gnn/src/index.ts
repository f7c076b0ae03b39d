export type { DagGnnOptions, DagGnnPolicy } from './gnn.js';
export { dagGnnPolicy } from './gnn.js';
export { sigmoidStopLogProbs } from './stop.js';
