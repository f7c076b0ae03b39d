import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../src/index.js';
import { comparisonFigureLines, comparisonSpec, renderSpecSvg, writeComparisonFigures } from '../src/index.js';
import { parseSvg } from './support/svg.js';

type Record = ResultsFile['history'][number];

/** A results file with only what a comparison draws: its history and the true log Z. */
function results(history: Partial<Record>[], trueLogZ: number | null = 2): ResultsFile {
  const full = history.map((h, i) => ({ iteration: 10 * (i + 1), trajectories: 160 * (i + 1), loss: 1, logZ: null, seconds: i, ...h }));
  return { history: full, metrics: { trueLogZ } } as unknown as ResultsFile;
}

const tb = [
  results([{ jsd: 0.4, l1: 1.2, loss: 3, logZ: 0.5 }, { jsd: 0.1, l1: 0.6, loss: 1, logZ: 1.5 }]),
  results([{ jsd: 0.2, l1: 0.8, loss: 5, logZ: 0.7 }, { jsd: 0.05, l1: 0.4, loss: 2, logZ: 1.9 }]),
];
// Objectives that do not learn log Z (null), whose surrogate loss can be negative.
const rkl = [results([{ jsd: 0.3, l1: 1, loss: -0.5 }, { jsd: 0.2, l1: 0.9, loss: 0.2 }])];
const groups = ['tb', 'rkl'];
const byGroup = new Map([['tb', tb], ['rkl', rkl]]);

type Panel = { name: string; data: { values: { group: string; trajectories: number; mean: number; lo: number; hi: number }[] }; layer: { encoding: { y: { title?: string; scale?: { type?: string } } } }[] };

describe('comparison figures', () => {
  it('draw each recorded curve: the mean over seeds, a band from the lowest to the highest, log axes where all values are positive', () => {
    const spec = comparisonSpec(groups, byGroup, 'curves') as unknown as { concat: Panel[] };
    const panels = spec.concat;
    expect(panels.map((p) => p.name)).toEqual(['jsd', 'l1', 'loss', 'logZ']);
    const jsd = panels[0] as Panel;
    expect(jsd.data.values.filter((v) => v.group === 'tb')).toEqual([
      { group: 'tb', trajectories: 160, mean: (0.4 + 0.2) / 2, lo: 0.2, hi: 0.4 },
      { group: 'tb', trajectories: 320, mean: (0.1 + 0.05) / 2, lo: 0.05, hi: 0.1 },
    ]);
    expect(jsd.layer[1]?.encoding.y).toMatchObject({ title: 'JSD(P_F^T, R/Z) (log scale)', scale: { type: 'log' } });
    // A negative loss: linear axis. log Z: only the group that learns it, and the true value as a rule.
    const loss = panels[2] as Panel;
    expect(loss.layer[1]?.encoding.y.scale?.type).toBeUndefined();
    const logZ = panels[3] as Panel;
    expect(new Set(logZ.data.values.map((v) => v.group))).toEqual(new Set(['tb']));
    expect(logZ.layer).toHaveLength(3);
  });

  it('render with Vega-Lite to an SVG with every panel, one shared legend', async () => {
    const { texts, marks } = parseSvg(await renderSpecSvg(comparisonSpec(groups, byGroup, 'Training curves') as NonNullable<ReturnType<typeof comparisonSpec>>));
    expect(texts).toEqual(expect.arrayContaining(['Training curves', 'JSD(P_F^T, R/Z) (log scale)', 'L1(P_F^T, R/Z) (log scale)', 'training loss', 'learned log Z (dashed: true log Z)', 'trajectories sampled']));
    expect(texts.filter((t) => t === 'tb')).toHaveLength(1);
    // A line per group in each panel (log Z: tb only), each an SVG path.
    const lines = marks.filter((m) => m.kind === 'line');
    expect(lines.map((m) => m.count).reduce((s, c) => s + c, 0)).toBe(2 + 2 + 2 + 1);
  }, 60_000);

  it('write curves.svg and jsd.svg; without exact metrics only curves.svg; nothing when nothing was recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gfn-compare-figure-'));
    expect(await writeComparisonFigures(dir, groups, byGroup, 't')).toEqual([join(dir, 'curves.svg'), join(dir, 'jsd.svg')]);
    expect(readFileSync(join(dir, 'jsd.svg'), 'utf8')).toMatch(/^<svg/);
    const noExact = mkdtempSync(join(tmpdir(), 'gfn-compare-figure-'));
    const molecules = new Map([['tb', [results([{ loss: 2 }, { loss: 1 }], null)]]]);
    expect(await writeComparisonFigures(noExact, ['tb'], molecules, 't')).toEqual([join(noExact, 'curves.svg')]);
    expect(existsSync(join(noExact, 'jsd.svg'))).toBe(false);
    expect(await writeComparisonFigures(noExact, ['tb'], new Map(), 't')).toEqual([]);
    expect(comparisonFigureLines([join(dir, 'curves.svg'), join(dir, 'jsd.svg')])[0]).toMatch(/\]\(curves\.svg\)$/);
    expect(comparisonFigureLines([])).toEqual(['No run recorded a curve to draw.', '']);
  }, 60_000);
});
