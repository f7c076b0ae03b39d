export type { Hypergrid, HypergridOptions } from './hypergrid.js';
export { hypergrid, MAX_ENUMERABLE_STATES } from './hypergrid.js';
export type { HypergridPreset } from './presets.js';
export { HYPERGRID_PRESETS } from './presets.js';
