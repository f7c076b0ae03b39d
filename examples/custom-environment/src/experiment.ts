import type { EnvironmentExperiment, Rows } from '@gflownet/core';
import { bitSequences } from './bits.js';

/**
 * The experiment entry that makes `bits` reachable from `gfn train --env-module` and `runExperiment`:
 * its settings (each becomes a `gfn` option: `--length`, `--base`) and how to build it.
 */
export const experiment: EnvironmentExperiment<Rows<Int8Array>> = {
  name: 'bits',
  summary: 'bit strings of a fixed length; R = base + number of ones',
  settings: {
    length: { type: 'int', min: 1, max: 12, default: 4, help: 'Bits: string length L' },
    base: { type: 'number', min: 0, exclusiveMin: true, default: 0.5, help: 'Bits: reward of the all-zero string' },
  },
  build(settings) {
    const length = settings.length as number;
    const base = settings.base as number;
    return { env: bitSequences(length, base), settings: { env: 'bits', length, base } };
  },
};
