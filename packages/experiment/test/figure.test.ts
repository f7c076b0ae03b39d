import type { HeatmapPanel } from '@gflownet/core';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../src/index.js';
import { figurePath, renderFigureSvg, runExperiment, summaryLine } from '../src/index.js';
import { parseSvg } from './support/svg.js';

const quiet = { warn: () => {} };

describe('the figure of a run', () => {
  it('puts the SVG beside the results file', () => {
    expect(figurePath('runs/x.json')).toBe('runs/x.svg');
    expect(figurePath('runs/x')).toBe('runs/x.svg');
    expect(figurePath('runs/x.svg')).toBe('runs/x.svg.svg');
  });

  it('hypergrid: learned and target heat maps of H×H cells each, on one colour scale', async () => {
    const run = await runExperiment({ env: { name: 'hypergrid', ndim: 2, height: 8 }, budget: { iterations: 20 }, policy: { hidden: [16] }, backend: 'cpu' }, quiet);
    expect(run.figure?.title).toBe('hypergrid: tb, 20 iterations × 16 trajectories, seed 0');
    const { texts, marks } = parseSvg(await renderFigureSvg(run.figure as NonNullable<typeof run.figure>));
    expect(texts).toEqual(expect.arrayContaining(['learned P_F^T', 'target R/Z', 'probability', 'x₁', 'x₂']));
    expect(texts.some((t) => t.startsWith('Terminating distribution: learned vs target (JSD '))).toBe(true);
    expect(marks.filter((m) => m.group.startsWith('heatmap0'))).toEqual([
      { group: 'heatmap0_child_marks', kind: 'rect', count: 64 },
      { group: 'heatmap0_child_marks', kind: 'rect', count: 64 },
    ]);
    // One colour scale: a single legend for both maps.
    expect(texts.filter((t) => t === 'probability')).toHaveLength(1);
  }, 60_000);

  it('hypergrid beyond two dimensions: the marginal of the first two coordinates', async () => {
    const run = await runExperiment({ env: { name: 'hypergrid', ndim: 3, height: 4 }, budget: { iterations: 5 }, policy: { hidden: [16] }, backend: 'cpu' }, quiet);
    const panel = run.figure?.panels[0] as HeatmapPanel;
    expect(panel.title).toMatch(/the other 1 coordinates summed out/);
    expect([panel.rows.length, panel.columns.length]).toEqual([4, 4]);
    for (const map of panel.maps) expect(Array.from(map.values).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
  }, 60_000);

  it('hypergrid beyond 64 cells a side: blocks, each cell the sum of its block', async () => {
    const run = await runExperiment({ env: { name: 'hypergrid', ndim: 2, height: 72 }, budget: { iterations: 1, batchSize: 4 }, policy: { hidden: [16] }, backend: 'cpu' }, quiet);
    const panel = run.figure?.panels[0] as HeatmapPanel;
    expect([panel.rows.length, panel.columns.length, panel.rowTitle]).toEqual([36, 36, 'x₁ (blocks of 2)']);
    expect(panel.columns.slice(0, 3)).toEqual(['0', '2', '4']);
    for (const map of panel.maps) expect(Array.from(map.values).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    const { marks } = parseSvg(await renderFigureSvg(run.figure as NonNullable<typeof run.figure>));
    expect(marks.filter((m) => m.group.startsWith('heatmap0')).map((m) => m.count)).toEqual([36 * 36, 36 * 36]);
  }, 60_000);

  it('DAG: edge marginals learned, exact and true (d(d−1) cells each), and the top DAGs as bars', async () => {
    const run = await runExperiment({ env: { name: 'dag', simulate: '3,60,2' }, budget: { iterations: 20 }, policy: { hidden: [16] }, backend: 'cpu' }, quiet);
    const { texts, marks } = parseSvg(await renderFigureSvg(run.figure as NonNullable<typeof run.figure>));
    expect(texts).toEqual(expect.arrayContaining(['learned P_F^T', 'exact posterior', 'true graph', 'parent', 'child', 'DAG']));
    expect(texts.some((t) => t.startsWith('Edge marginals P(row → column | D): learned vs exact (RMSE '))).toBe(true);
    expect(texts).toContain('Top 10 DAGs by exact posterior (of 25)');
    expect(marks.filter((m) => m.group.startsWith('heatmap0')).map((m) => m.count)).toEqual([6, 6, 6]);
    // Ten DAGs, a bar each for the exact posterior and the learned probability.
    expect(marks.filter((m) => m.group.startsWith('bars1'))).toEqual([{ group: 'bars1_marks', kind: 'rect', count: 20 }]);
  }, 60_000);

  it('DAG beyond exact evaluation: the sampled edge marginals of the metrics beside the true graph', async () => {
    const run = await runExperiment(
      { env: { name: 'dag', simulate: '6,40,1', posteriorSamples: 30 }, budget: { iterations: 3, batchSize: 4 }, policy: { hidden: [16] }, backend: 'cpu' },
      quiet,
    );
    expect(run.figure?.panels).toHaveLength(1);
    const panel = run.figure?.panels[0] as HeatmapPanel;
    expect(panel.maps.map((m) => m.name)).toEqual(['learned (30 samples)', 'true graph']);
    const learned = Array.from(panel.maps[0]?.values ?? []);
    expect(learned.filter(Number.isNaN)).toHaveLength(6);
    expect(learned.filter((v) => !Number.isNaN(v)).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(learned[1]).toBe(run.results.metrics[`edgeMarginal:${panel.rows[0]}->${panel.rows[1]}`]);
  }, 60_000);

  it('fragments: log R of trained vs random samples, and the held-out scatter with both correlations', async () => {
    const run = await runExperiment(
      { env: { name: 'fragments', maxFragments: 3, metricSamples: 16, heldout: 8 }, budget: { iterations: 2, batchSize: 4 }, policy: { hidden: [16] }, backend: 'cpu' },
      quiet,
    );
    const figure = run.figure as NonNullable<typeof run.figure>;
    expect(figure.panels.map((p) => p.kind)).toEqual(['histogram', 'scatter']);
    const { texts, marks } = parseSvg(await renderFigureSvg(figure));
    expect(texts).toEqual(expect.arrayContaining(['trained policy', 'random policy', 'molecules', 'log P_F^T', 'log R']));
    expect(texts).toContain('log R of 16 sampled molecules: trained vs uniform random policy');
    const r = (v: number | null | undefined): string => (v as number).toFixed(3);
    expect(texts).toContain(`8 held-out molecules: exact log P_F^T against log R (Pearson r ${r(run.results.metrics.correlation)}; random policy ${r(run.results.metrics.randomCorrelation)})`);
    // Eight held-out molecules under each policy; the histogram has bars.
    expect(marks.filter((m) => m.group.startsWith('scatter1'))).toEqual([{ group: 'scatter1_marks', kind: 'symbol', count: 16 }]);
    const bars = marks.filter((m) => m.group.startsWith('histogram0'));
    expect(bars).toHaveLength(1);
    expect(bars[0]?.count).toBeGreaterThan(1);
  }, 120_000);
});

describe('summaryLine', () => {
  const results = (metrics: Record<string, number | null>): ResultsFile =>
    ({ metrics: { jsd: null, l1: null, tv: null, logZ: 1.5, trueLogZ: null, logZError: null, finalLoss: 0.25, ...metrics }, throughput: { iterationsPerSecond: 12.34 } }) as unknown as ResultsFile;

  it("shows the environment's listed metrics, counts as integers, and skips the ones a run lacks", () => {
    const line = summaryLine(results({ top100Reward: 0.123456, uniqueMolecules: 16, correlation: 0.5, metricSamples: 16 }), {
      summaryMetrics: ['top100Reward', 'heldoutCorrelation', 'uniqueMolecules', 'correlation'],
    });
    expect(line).toBe('logZ 1.500  finalLoss 0.2500  top100Reward 0.1235  uniqueMolecules 16  correlation 0.5000  12.3 it/s');
  });

  it('shows the exact metrics where there are some, and every own metric of an entry without a list', () => {
    const line = summaryLine(results({ jsd: 0.01, l1: 0.2, trueLogZ: 1.4, edgeRmse: 0.05, 'edgeMarginal:A->B': 0.5 }), {});
    expect(line).toBe('jsd 0.01000  l1 0.2000  logZ 1.500  trueLogZ 1.400  edgeRmse 0.05000  12.3 it/s');
  });
});
