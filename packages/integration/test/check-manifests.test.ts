import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repository = new URL('../../../', import.meta.url).pathname;
const script = join(repository, 'scripts/check-manifests.mjs');

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const repo = (directory: string): Record<string, unknown> => ({ repository: { type: 'git', url: 'git+https://github.com/o/r.git', directory } });
const manifest = (name: string, directory: string, fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ name, version: '0.1.0', type: 'module', exports: { '.': './dist/index.js' }, files: ['dist'], ...repo(directory), ...fields });

/** A workspace whose published packages are right in every respect the check looks at. */
function goodWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'check-manifests-'));
  write(root, 'pnpm-workspace.yaml', "packages:\n  - packages/*\ncatalog:\n  'tfjs': ^4.22.0\n");
  write(root, 'packages/core/package.json', manifest('@x/core', 'packages/core', { peerDependencies: { tfjs: '^4.22.0' } }));
  write(root, 'packages/core/dist/index.js', "import * as tf from 'tfjs';\nimport { readFileSync } from 'node:fs';\nexport const a = tf;\n");
  write(root, 'packages/core/dist/index.d.ts', "import type { T } from 'tfjs';\nexport declare const a: T;\n");
  write(root, 'packages/core/README.md', '# core\n\nSee [the docs](https://github.com/o/r/blob/main/docs/a.md) and [below](#use).\n');
  // Uses tfjs through core only (a forwarded peer), and lazy-loads an optional native peer.
  write(root, 'packages/env/package.json', manifest('@x/env', 'packages/env', {
    peerDependencies: { '@x/core': 'workspace:^', tfjs: 'catalog:', native: '^1.0.0' },
    peerDependenciesMeta: { native: { optional: true } },
    dependencies: { zod: '^4.0.0' },
  }));
  write(root, 'packages/env/dist/index.js', "import { a } from '@x/core';\nimport { z } from 'zod';\nexport const b = [a, z];\n");
  write(root, 'packages/env/README.md', '# env\n');
  write(root, 'packages/bench/package.json', JSON.stringify({ name: '@x/bench', private: true, exports: { '.': './src/index.ts' } }));
  write(root, 'packages/bench/src/index.ts', 'export {};\n');
  return root;
}

const check = (root: string) => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });

describe('scripts/check-manifests.mjs', () => {
  it('passes on a workspace whose manifests match their dist (forwarded and optional peers, catalog ranges, anchors)', () => {
    const good = check(goodWorkspace());
    expect(good.stdout).toBe('manifests: 2 published packages match their dist imports, ranges consistent, links absolute\n');
    expect(good.status).toBe(0);
  });

  it('reports undeclared and unused dependencies, a lone optional peer, split ranges, relative links and private packages that would pack', () => {
    const root = goodWorkspace();
    write(root, 'packages/env/package.json', manifest('@x/env', 'packages/env', {
      peerDependencies: { '@x/core': 'workspace:^', tfjs: '4.22.0' },
      peerDependenciesMeta: { native: { optional: true } },
      dependencies: { zod: '^4.0.0', lodash: '^4.0.0' },
    }));
    write(root, 'packages/env/dist/index.js', "import { a } from '@x/core';\nimport { z } from 'zod';\nimport left from 'left-pad';\nexport const b = [a, z, left];\n");
    write(root, 'packages/env/dist/index.d.ts', "import type { Y } from 'yaml';\nexport declare const b: Y;\n");
    write(root, 'packages/env/README.md', '# env\n\nSee [the docs](../../docs/a.md) and [the API][api].\n\n```ts\nconst x: { [key: string]: number } = {}; // code, not a link\n```\n\n[api]: ./api.md\n');
    write(root, 'packages/bench/package.json', JSON.stringify({ name: '@x/bench', private: true, files: ['dist'], exports: { '.': './dist/index.js' } }));
    const run = check(root);
    expect(run.stdout.split('\n').sort()).toEqual(
      [
        '@x/bench: private, yet has a `files` list (a private package is never packed)',
        '@x/bench: private, and its export target ./dist/index.js does not exist without a build',
        '@x/env: dist imports left-pad, which is neither a dependency nor a peer dependency',
        '@x/env: dist type declarations import yaml, which is neither a dependency nor a peer dependency',
        '@x/env: dependency lodash is not imported by dist/ (move it to devDependencies, or drop it)',
        '@x/env: peerDependenciesMeta names native, which peerDependencies does not list',
        "@x/env: README.md links to ../../docs/a.md, which breaks on the registry's page (use an absolute https URL)",
        "@x/env: README.md links to ./api.md, which breaks on the registry's page (use an absolute https URL)",
        'tfjs is asked for with different ranges: ^4.22.0 (@x/core); 4.22.0 (@x/env)',
        'manifests: 9 problem(s)',
        '',
      ].sort(),
    );
    expect(run.status).toBe(1);
  });
});
