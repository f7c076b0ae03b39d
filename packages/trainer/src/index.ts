import '@tensorflow/tfjs-layers';

export type { SavedTensor, TrainingState } from './checkpoint.js';
export { CheckpointError, parseCheckpoint, serializeCheckpoint } from './checkpoint.js';
export type { AdamState, LearningRates, OptimisedGroup } from './optimizers.js';
export { Adam, makeOptimisers, resolveLearningRates } from './optimizers.js';
export type { HistoryRecord } from './history.js';
export type { IterationInfo, Throughput, TrainOptions, TrainResult } from './train.js';
export { DivergenceError, restorePolicy, train } from './train.js';
