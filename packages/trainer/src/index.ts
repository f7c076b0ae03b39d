import '@tensorflow/tfjs-layers';

export type { SavedTensor, TrainingState } from './checkpoint.js';
export { CheckpointError, parseCheckpoint, serializeCheckpoint } from './checkpoint.js';
export type { AdamState, LearningRates, OptimisedGroup } from './optimizers.js';
export { Adam, makeOptimisers, resolveLearningRates } from './optimizers.js';
export type { SgdState } from './sgd.js';
export { Sgd } from './sgd.js';
export type { LogZOptimizer, LogZOptimizerOptions, RunOptimisers } from './run-optimisers.js';
export { DEFAULT_LOGZ_MOMENTUM, runOptimisers } from './run-optimisers.js';
export type { HistoryRecord } from './history.js';
export type { IterationInfo, Throughput, TrainOptions, TrainResult } from './train.js';
export { DivergenceError, restorePolicy, train } from './train.js';
