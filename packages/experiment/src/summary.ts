import type { EnvironmentExperiment } from '@gflownet/core';
import type { ResultsFile } from './results.js';

/** The metrics every run has (`runExperiment` fills them); the rest are the environment's own. */
const COMMON_METRICS = new Set(['jsd', 'l1', 'tv', 'logZ', 'trueLogZ', 'logZError', 'finalLoss']);

/** A metric for the terminal: counts as integers, the rest to four significant digits. */
function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  return Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : v.toPrecision(4);
}

/**
 * The one-line summary after training: the exact metrics where the environment is enumerated (else
 * log Z and the final loss), then the environment's own, the ones its entry lists in
 * `summaryMetrics` (every one of its own, per-edge and other `name:part` metrics aside, without a
 * list), then iterations per second.
 */
export function summaryLine(results: ResultsFile, entry: Pick<EnvironmentExperiment, 'summaryMetrics'>): string {
  const m = results.metrics;
  const common: readonly string[] = m.jsd !== null ? ['jsd', 'l1', 'logZ', 'trueLogZ'] : ['logZ', 'finalLoss'];
  const own = entry.summaryMetrics ?? Object.keys(m).filter((k) => !COMMON_METRICS.has(k) && !k.includes(':'));
  const parts = [...common.map((k) => `${k} ${formatMetric(m[k])}`), ...own.filter((k) => typeof m[k] === 'number').map((k) => `${k} ${formatMetric(m[k])}`)];
  return `${parts.join('  ')}  ${results.throughput.iterationsPerSecond.toFixed(1)} it/s`;
}
