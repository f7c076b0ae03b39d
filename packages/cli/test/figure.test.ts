import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { captureOutput } from './support/capture-output.js';

const io = captureOutput();

const dir = mkdtempSync(join(tmpdir(), 'gfn-figure-'));
const small = ['--iterations', '5', '--batch-size', '4', '--hidden', '16', '--backend', 'cpu'];

describe('gfn train --out writes the figure beside the results', () => {
  it('runs/x.json → runs/x.svg, a standalone SVG of the learned and target heat maps', async () => {
    const file = join(dir, 'runs', 'grid.json');
    expect(await runCli(['train', '--height', '4', ...small, '--out', file])).toBe(0);
    const svgFile = join(dir, 'runs', 'grid.svg');
    expect(io.err).toContain(`figure written to ${svgFile}`);
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: { warning: () => {}, error: (e) => errors.push(e), fatalError: (e) => errors.push(e) } }).parseFromString(
      readFileSync(svgFile, 'utf8'),
      'image/svg+xml',
    );
    expect(errors).toEqual([]);
    expect(doc.documentElement?.nodeName).toBe('svg');
    const texts = Array.from(doc.getElementsByTagName('text'), (t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['learned P_F^T', 'target R/Z']));
    expect(existsSync(join(dir, 'runs', 'grid.json'))).toBe(true);
  });

  it('checks the figure path before training: a folder in its place is one line, exit code 2, nothing written', async () => {
    const file = join(dir, 'blocked.json');
    mkdirSync(join(dir, 'blocked.svg'));
    expect(await runCli(['train', '--height', '4', ...small, '--out', file])).toBe(2);
    expect(io.err).toBe(`gfn train: --out ${join(dir, 'blocked.svg')} is a directory; give a file name\n`);
    expect(existsSync(file)).toBe(false);
  });

  it("fragments prints its own metrics on the terminal, not n/a for the exact ones it has not", async () => {
    const file = join(dir, 'molecules.json');
    const code = await runCli(['train', '--env', 'fragments', '--max-fragments', '3', '--metric-samples', '16', '--heldout', '8', ...small, '--quiet', '--out', file]);
    expect(code, io.err).toBe(0);
    expect(io.out).toMatch(/^logZ \S+ {2}finalLoss \S+ {2}top100Reward \S+ {2}top100Qed \S+ {2}uniqueMolecules \d+ {2}modes \d+ {2}correlation \S+ {2}randomTop100Reward \S+ {2}randomModes \d+ {2}randomCorrelation \S+ {2}\S+ it\/s\n$/);
    expect(io.out).not.toContain('n/a');
    expect(existsSync(join(dir, 'molecules.svg'))).toBe(true);
  }, 60_000);
});
