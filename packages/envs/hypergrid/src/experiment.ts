import type { EnvironmentExperiment } from '@gflownet/core';
import { SettingsError } from '@gflownet/core';
import { hypergridFigure } from './figure.js';
import { sideBySideHeatmap } from './heatmap.js';
import type { Hypergrid } from './hypergrid.js';
import { hypergrid, MAX_ENUMERABLE_STATES } from './hypergrid.js';
import type { HypergridPreset } from './presets.js';
import { HYPERGRID_PRESETS } from './presets.js';

/** The hypergrid's defaults where neither a setting nor a preset gives one. */
const DEFAULTS = { ndim: 2, height: 8, r0: 0.1, r1: 0.5, r2: 2 } as const;

/** `--env hypergrid`: the hypergrid of the papers, with the paper's presets and an optional reward of your own. */
export const hypergridExperiment: EnvironmentExperiment<ReturnType<Hypergrid['initialStates']>> = {
  name: 'hypergrid',
  summary: 'points of {0..H-1}^D reached by incrementing coordinates; R = R0 + R1·[outer band] + R2·[ring]',
  settings: {
    preset: { type: 'enum', choices: Object.keys(HYPERGRID_PRESETS), help: 'Hypergrid preset of the paper (sets ndim, height, r0; explicit options win)' },
    ndim: { type: 'int', min: 1, max: 16, help: `Hypergrid dimensions D (default: ${DEFAULTS.ndim})` },
    height: { type: 'int', min: 2, max: 4096, help: `Hypergrid side H (default: ${DEFAULTS.height})` },
    r0: { type: 'number', min: 0, max: 1e300, exclusiveMin: true, help: `Hypergrid base reward R0 (default: ${DEFAULTS.r0})` },
    r1: { type: 'number', min: 0, max: 1e300, help: `Hypergrid reward bonus R1 (default: ${DEFAULTS.r1})` },
    r2: { type: 'number', min: 0, max: 1e300, help: `Hypergrid reward bonus R2 (default: ${DEFAULTS.r2})` },
  },
  reward: 'the coordinates of a terminal state (an array of D integers); returns R > 0',
  build(settings, context) {
    const preset = settings.preset ? HYPERGRID_PRESETS[settings.preset as HypergridPreset] : undefined;
    const resolved = {
      ndim: (settings.ndim as number | undefined) ?? preset?.ndim ?? DEFAULTS.ndim,
      height: (settings.height as number | undefined) ?? preset?.height ?? DEFAULTS.height,
      r0: (settings.r0 as number | undefined) ?? preset?.r0 ?? DEFAULTS.r0,
      r1: (settings.r1 as number | undefined) ?? DEFAULTS.r1,
      r2: (settings.r2 as number | undefined) ?? DEFAULTS.r2,
    };
    if (resolved.height ** resolved.ndim > MAX_ENUMERABLE_STATES) {
      throw new SettingsError(
        `hypergrid ${resolved.height}^${resolved.ndim} has too many states for exact evaluation (limit ${MAX_ENUMERABLE_STATES.toLocaleString('en')})`,
      );
    }
    const reward = context.reward as ((coords: readonly number[]) => number) | undefined;
    const env = hypergrid({ ...resolved, ...(reward ? { reward } : {}) });
    // Every reward must be finite: a bonus of 1e308 overflows R0 + R1 + R2 to Infinity.
    const top = resolved.r0 + resolved.r1 + resolved.r2;
    if (!reward && !Number.isFinite(top)) throw new SettingsError(`hypergrid: r0 + r1 + r2 overflows to ${top}; use smaller rewards`);
    return { env, settings: { env: 'hypergrid', ...resolved, ...(reward ? { reward: 'custom' } : {}) } };
  },
  figure: hypergridFigure,
  picture(built, distribution, target) {
    if (built.settings.ndim !== 2) return undefined;
    const H = built.settings.height as number;
    return sideBySideHeatmap(H, (i, j) => [distribution[i * H + j] as number, target[i * H + j] as number], ['learned P_F^T', 'target R/Z']);
  },
};

export { hypergridFigure } from './figure.js';
export { sideBySideHeatmap } from './heatmap.js';
