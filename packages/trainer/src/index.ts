import '@tensorflow/tfjs-layers';

export type { LearningRates, OptimisedGroup } from './optimizers.js';
export { makeOptimisers, resolveLearningRates } from './optimizers.js';
export type { HistoryRecord, IterationInfo, Throughput, TrainOptions, TrainResult } from './train.js';
export { DivergenceError, train } from './train.js';
