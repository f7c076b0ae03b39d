import type { Environment } from '@gflownet/core';
import type { HypergridPreset } from '@gflownet/env-hypergrid';
import { HYPERGRID_PRESETS, hypergrid, MAX_ENUMERABLE_STATES } from '@gflownet/env-hypergrid';
import { sideBySideHeatmap } from '../heatmap.js';
import { UsageError } from '../options.js';
import type { EnvironmentEntry } from './types.js';

/** `--env hypergrid`. */
export const hypergridEntry: EnvironmentEntry = {
  name: 'hypergrid',
  options: {
    preset: { type: 'enum', choices: Object.keys(HYPERGRID_PRESETS), help: 'Hypergrid preset of the paper (sets ndim, height, r0; explicit options win)' },
    ndim: { type: 'int', min: 1, max: 16, help: 'Hypergrid dimensions D (default: 2)' },
    height: { type: 'int', min: 2, max: 4096, help: 'Hypergrid side H (default: 8)' },
    r0: { type: 'number', min: 0, exclusiveMin: true, help: 'Hypergrid base reward R0 (default: 0.1)' },
    r1: { type: 'number', min: 0, help: 'Hypergrid reward bonus R1 (default: 0.5)' },
    r2: { type: 'number', min: 0, help: 'Hypergrid reward bonus R2 (default: 2)' },
  },
  build(options) {
    const preset = options.preset ? HYPERGRID_PRESETS[options.preset as HypergridPreset] : undefined;
    const settings = {
      ndim: (options.ndim as number | undefined) ?? preset?.ndim ?? 2,
      height: (options.height as number | undefined) ?? preset?.height ?? 8,
      r0: (options.r0 as number | undefined) ?? preset?.r0 ?? 0.1,
      r1: (options.r1 as number | undefined) ?? 0.5,
      r2: (options.r2 as number | undefined) ?? 2,
    };
    if (settings.height ** settings.ndim > MAX_ENUMERABLE_STATES) {
      throw new UsageError(
        `hypergrid ${settings.height}^${settings.ndim} has too many states for exact evaluation (limit ${MAX_ENUMERABLE_STATES.toLocaleString('en')})`,
      );
    }
    return { env: hypergrid(settings) as Environment<unknown>, settings: { env: 'hypergrid', ...settings } };
  },
  picture(built, distribution, target) {
    if (built.settings.ndim !== 2) return undefined;
    const H = built.settings.height as number;
    return sideBySideHeatmap(H, (i, j) => [distribution[i * H + j] as number, target[i * H + j] as number], ['learned P_F^T', 'target R/Z']);
  },
};
