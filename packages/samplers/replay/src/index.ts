export type { ReplayBuffer, ReplayBufferOptions, ReplayEntry, ReplaySampleRequest } from './buffer.js';
export type { ReplayEviction, ReplaySampling, ReplayStore } from './items.js';
export { replayBuffer } from './buffer.js';
export type { JsonFloat } from './codec.js';
export type { ReplaySampler, ReplaySamplerOptions, ReplaySamplerState } from './sampler.js';
export { replaySampler } from './sampler.js';
export type { ReplayBufferState, StoredItemState } from './state.js';
export { REPLAY_STATE_FORMAT } from './state.js';
export { walkPaths } from './walk.js';
