import type { HypergridOptions } from './hypergrid.js';

/**
 * The hypergrids of the paper (Malkin et al. 2023, §5.1 and App. D), by the names its code uses.
 * `very-hard` (D=2, H=128, R0=1e-3) is the main setting.
 */
export const HYPERGRID_PRESETS: Readonly<Record<'easy' | 'medium2' | 'hard' | 'very-hard', Required<Pick<HypergridOptions, 'ndim' | 'height' | 'r0'>>>> = {
  easy: { ndim: 4, height: 8, r0: 0.1 },
  medium2: { ndim: 2, height: 64, r0: 0.1 },
  hard: { ndim: 2, height: 64, r0: 1e-3 },
  'very-hard': { ndim: 2, height: 128, r0: 1e-3 },
};

/** Names of {@link HYPERGRID_PRESETS}. */
export type HypergridPreset = keyof typeof HYPERGRID_PRESETS;
