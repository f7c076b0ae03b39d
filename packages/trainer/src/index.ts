import '@tensorflow/tfjs-layers';

export type { SavedTensor, TrainingState } from './checkpoint.js';
export { CHECKPOINT_FORMAT, CheckpointError, parseCheckpoint, serializeCheckpoint } from './checkpoint.js';
export type { Digest } from './checkpoint-stream.js';
export { CheckpointReader, checkpointLines, STREAMED_HEADER } from './checkpoint-stream.js';
export type { JsonContainer } from './json-lines.js';
export { JsonLinesReader, jsonLines } from './json-lines.js';
export type { AdamState, LearningRates, OptimisedGroup } from './optimizers.js';
export { Adam, makeOptimisers, resolveLearningRates } from './optimizers.js';
export type { SgdState } from './sgd.js';
export { Sgd } from './sgd.js';
export type { LogZOptimizer, LogZOptimizerOptions, RunOptimisers } from './run-optimisers.js';
export { DEFAULT_LOGZ_MOMENTUM, runOptimisers } from './run-optimisers.js';
export type { HistoryRecord } from './history.js';
export type { IterationInfo, Throughput, TrainOptions, TrainResult } from './train.js';
export { DivergenceError, OVERFLOWING_LOG_REWARD } from './divergence.js';
export { restorePolicy } from './resume.js';
export { train } from './train.js';
