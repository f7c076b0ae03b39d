import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repository = new URL('../../../', import.meta.url).pathname;
const script = join(repository, 'scripts/check-deps.mjs');

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const manifest = (name: string, fields: Record<string, unknown> = {}): string => JSON.stringify({ name, version: '0.1.0', type: 'module', ...fields });

describe('scripts/check-deps.mjs', () => {
  it('passes on this repository', () => {
    // On failure the problems show in the diff of stdout.
    const run = spawnSync(process.execPath, [script], { cwd: repository, encoding: 'utf8' });
    expect(run.stdout).toMatch(/^check-deps: \d+ packages, \d+ source files: dependencies point one way, no undeclared imports, no cycles\n$/);
    expect(run.status).toBe(0);
  });

  it('reports a wrong-way dependency, undeclared and out-of-package imports, a file cycle and a package cycle, one line each', () => {
    const root = mkdtempSync(join(tmpdir(), 'check-deps-'));
    write(root, 'pnpm-workspace.yaml', 'packages:\n  - packages/core\n  - packages/trainer\n  - packages/envs/*\n');
    write(root, 'packages/core/package.json', manifest('@gflownet/core', { devDependencies: { '@gflownet/env-a': 'workspace:^' } }));
    write(root, 'packages/core/src/index.ts', "export const one = 1;\n");
    write(root, 'packages/trainer/package.json', manifest('@gflownet/trainer', { peerDependencies: { '@gflownet/core': 'workspace:^' } }));
    write(root, 'packages/trainer/src/index.ts', "import { one } from '@gflownet/core';\nexport const two = one + 1;\n");
    write(root, 'packages/envs/a/package.json', manifest('@gflownet/env-a', { dependencies: { '@gflownet/trainer': 'workspace:^' } }));
    // a.ts ↔ b.ts through a type-only import; c.ts imports core, which env-a does not declare.
    write(root, 'packages/envs/a/src/a.ts', "import type { B } from './b.js';\nexport type A = { b?: B };\n");
    write(root, 'packages/envs/a/src/b.ts', "import type { A } from './a.js';\nexport type B = { a?: A };\n");
    write(root, 'packages/envs/a/src/c.ts', "// import { nothing } from '@gflownet/not-an-import';\nexport { one } from '@gflownet/core';\n");
    write(root, 'packages/envs/a/test/c.test.ts', "export { one } from '../../../core/src/index.js';\n");
    const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      'packages/core (@gflownet/core, core layer): devDependencies names @gflownet/env-a (leaf layer), not a lower layer',
      'packages/envs/a (@gflownet/env-a, leaf layer): dependencies names @gflownet/trainer (trainer layer), not a lower layer',
      'packages/envs/a/src/c.ts: imports @gflownet/core, not declared in packages/envs/a/package.json',
      'packages/envs/a/test/c.test.ts: imports ../../../core/src/index.js, outside packages/envs/a (import the package by name and declare it)',
      'packages/envs/a/src: import cycle a.ts → b.ts → a.ts',
      'package dependency cycle: @gflownet/core → @gflownet/env-a → @gflownet/trainer → @gflownet/core',
      'check-deps: 6 problems (layers: core < rewards < envs, objectives, samplers, estimators, backends, testing < trainer < experiment < queue < cli)',
    ]);
  });
});
