import type { BuiltEnvironment, FigureContext, FigurePanel, Policy } from '@gflownet/core';
import type { CorrelationResult } from './metrics.js';

/** What the fragments metrics computed that the figure draws: per-sample log R and the held-out correlations. */
export interface FragmentsFigureData {
  /** log R of the molecules sampled from the trained policy. */
  readonly trainedLogRewards: ArrayLike<number>;
  /** log R of the molecules sampled from the uniform random policy. */
  readonly randomLogRewards: ArrayLike<number>;
  readonly correlation: CorrelationResult;
  readonly randomCorrelation: CorrelationResult;
}

/** Figure data by trained policy, kept by the metrics so the figure repeats no sampling or exact P_F^T. */
const figureData = new WeakMap<Policy, FragmentsFigureData>();

/** Keeps what the metrics of `policy` computed for its figure. */
export function keepFigureData(policy: Policy, data: FragmentsFigureData): void {
  figureData.set(policy, data);
}

const r = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/**
 * The fragments figure: the distribution of log R over molecules sampled from the trained policy
 * against the uniform random policy, and the paper's scatter of exact log P_F^T against log R on the
 * held-out molecules with both correlations. Undefined where the metrics have not run for this policy.
 */
export function fragmentsFigure(built: BuiltEnvironment, { policy }: FigureContext): FigurePanel[] | undefined {
  const data = figureData.get(policy);
  if (!data) return undefined;
  const { correlation: c, randomCorrelation: rc } = data;
  const n = built.settings['metric-samples'];
  return [
    {
      kind: 'histogram',
      title: `log R of ${n} sampled molecules: trained vs uniform random policy`,
      valueTitle: `log R (reward ${built.settings.reward})`,
      countTitle: 'molecules',
      series: [
        { name: 'trained policy', values: data.trainedLogRewards },
        { name: 'random policy', values: data.randomLogRewards },
      ],
    },
    {
      kind: 'scatter',
      title: `${c.logRewards.length} held-out molecules: exact log P_F^T against log R (Pearson r ${r(c.correlation)}; random policy ${r(rc.correlation)})`,
      xTitle: 'log R',
      yTitle: 'log P_F^T',
      series: [
        { name: 'trained policy', x: c.logRewards, y: c.logProbabilities },
        { name: 'random policy', x: rc.logRewards, y: rc.logProbabilities },
      ],
    },
  ];
}
