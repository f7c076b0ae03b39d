// Combines the two `gfn compare` runs of this directory (on-policy/ and off-policy/) into one table and the
// plots (curves.svg, jsd.svg), and measures how much of each of the four high-reward corner regions every run found.
// Run from the repository root:
//   pnpm exec tsx --conditions=@gflownet/source docs/results/off-policy-hypergrid-32/combine.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Relative imports: docs/ is not a workspace package.
import { hypergrid } from '../../../packages/envs/hypergrid/src/index.ts';
import type { ResultsFile } from '../../../packages/experiment/src/index.ts';
import { resultsTable, writeComparisonFigures } from '../../../packages/experiment/src/index.ts';

const dir = process.argv[2] ?? 'docs/results/off-policy-hypergrid-32';
const samplers = ['on-policy', 'off-policy'];
const objectives = ['tb', 'rkl'];

const results = new Map<string, ResultsFile[]>();
const names: string[] = [];
for (const o of objectives) {
  for (const s of samplers) {
    const name = `${o} ${s}`;
    names.push(name);
    const runsDir = join(dir, s, 'runs');
    const files = readdirSync(runsDir).filter((f) => f.startsWith(`${o}-seed`) && f.endsWith('.json')).sort();
    results.set(name, files.map((f) => JSON.parse(readFileSync(join(runsDir, f), 'utf8')) as ResultsFile));
  }
}

// The R2 ring cells (reward R0 + R1 + R2) split into the four corners; the target puts equal mass on each.
const first = results.get(names[0] as string)?.[0] as ResultsFile;
const H = first.config.height as number;
const env = hypergrid({ ndim: 2, height: H, r0: first.config.r0 as number });
const corner = (key: string): number | null => {
  const [x, y] = key.split(',').map(Number) as [number, number];
  const r = env.reward([x, y]);
  if (r < env.r0 + env.r1 + env.r2 - 1e-12) return null;
  return (x < H / 2 ? 0 : 1) + (y < H / 2 ? 0 : 2);
};
const Z = Math.exp(env.trueLogZ());
let targetPerCorner = 0;
for (let x = 0; x < H; x++) for (let y = 0; y < H; y++) if (corner(`${x},${y}`) === 0) targetPerCorner += env.reward([x, y]) / Z;

const modeRows = ['| run | mass on each corner mode (target ' + targetPerCorner.toFixed(3) + ' each) | modes with ≥ 10% of their target mass |', '|---|---|---|'];
for (const name of names) {
  for (const r of results.get(name) ?? []) {
    const mass = [0, 0, 0, 0];
    for (const { key, prob } of r.exact?.distribution ?? []) {
      const c = corner(key);
      if (c !== null) mass[c] = (mass[c] as number) + prob;
    }
    const found = mass.filter((m) => m >= 0.1 * targetPerCorner).length;
    modeRows.push(`| ${name}, seed ${r.config.seed} | ${mass.map((m) => m.toFixed(3)).join(' / ')} | ${found} of 4 |`);
  }
}

const table = resultsTable(names, results);
writeFileSync(join(dir, 'table.md'), `${table}\n\n${modeRows.join('\n')}\n`);
await writeComparisonFigures(dir, names, results, `Hypergrid ${H}×${H}, R0 = ${env.r0}: on- vs off-policy (mean of ${(results.get(names[0] as string) ?? []).length} seeds; band: min–max)`);
process.stdout.write(`${table}\n\n${modeRows.join('\n')}\n`);
