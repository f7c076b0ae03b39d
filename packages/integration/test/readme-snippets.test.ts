import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The extractor of scripts/readme-snippets.mjs (the script itself packs, installs and runs; CI runs it).
const repository = new URL('../../../', import.meta.url).pathname;
interface Fence {
  line: number;
  language: string;
  info: string;
  code: string;
}
interface Snippet extends Fence {
  mode: 'program' | 'vitest' | 'skip';
  reason?: string;
  problem?: string;
  install: { line: number; packages: string[] } | null;
}
const extractor = (await import(pathToFileURL(join(repository, 'scripts/readme-snippets.mjs')).href)) as {
  fences(markdown: string): Fence[];
  installedPackages(shell: string): string[] | null;
  importedPackages(code: string): string[];
  snippets(markdown: string, file: string): Snippet[];
  specName(spec: string): string;
};

const fence = (info: string, body: string): string => `\`\`\`${info}\n${body}\n\`\`\`\n`;

describe('scripts/readme-snippets.mjs: fences', () => {
  it('reads language, info string, body and line, indented and tilde fences included', () => {
    const markdown = `# T\n\n${fence('ts no-run: why', 'a();')}\n1. item\n\n   \`\`\`sh\n   npm i x\n   \`\`\`\n\n~~~js\nb();\n~~~\n`;
    expect(extractor.fences(markdown)).toEqual([
      { line: 3, language: 'ts', info: 'ts no-run: why', code: 'a();' },
      { line: 9, language: 'sh', info: 'sh', code: 'npm i x' },
      { line: 13, language: 'js', info: 'js', code: 'b();' },
    ]);
  });

  it('keeps a shorter fence inside a longer one as text', () => {
    const markdown = '````md\n```ts\nx\n```\n````\n';
    expect(extractor.fences(markdown)).toEqual([{ line: 1, language: 'md', info: 'md', code: '```ts\nx\n```' }]);
  });
});

describe('scripts/readme-snippets.mjs: install lines', () => {
  it('joins continuations, drops comments and flags, reads every npm install of the block', () => {
    const shell = 'npm install @gflownet/core \\\n  @tensorflow/tfjs-core   # tfjs\nnpm i -D vitest@4 && echo done\n';
    expect(extractor.installedPackages(shell)).toEqual(['@gflownet/core', '@tensorflow/tfjs-core', 'vitest@4']);
  });

  it('ignores global installs and blocks without npm install', () => {
    expect(extractor.installedPackages('npm install -g @gflownet/cli\n')).toBeNull();
    expect(extractor.installedPackages('pnpm gfn train --env hypergrid\n')).toBeNull();
  });

  it('names packages of specs with versions', () => {
    expect(extractor.specName('@gflownet/core@1.0.0')).toBe('@gflownet/core');
    expect(extractor.specName('vitest@4')).toBe('vitest');
    expect(extractor.specName('zod')).toBe('zod');
  });
});

describe('scripts/readme-snippets.mjs: imports', () => {
  it('finds static, side-effect, type, re-export and literal dynamic imports, by package; builtins and relative paths left out', () => {
    const code = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-cpu';",
      "import type { Policy } from '@gflownet/core';",
      "import { a,\n  b } from '@gflownet/env-dag/experiment';",
      "export { c } from 'zod';",
      "const m = await import('@gflownet/trainer');",
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      "import { mine } from './mine.js';",
      "// import 'not-a-package';",
      "const url = 'https://example.org/x'; // a string, not an import",
    ].join('\n');
    expect(extractor.importedPackages(code).sort()).toEqual(
      ['@gflownet/core', '@gflownet/env-dag', '@gflownet/trainer', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-core', 'zod'].sort(),
    );
  });
});

describe('scripts/readme-snippets.mjs: snippets', () => {
  const markdown = [
    '# P',
    fence('sh', 'npm install @gflownet/core @tensorflow/tfjs-core'),
    fence('ts', "import { Random } from '@gflownet/core';\nnew Random(0);"),
    fence('ts', "import { hypergrid } from '@gflownet/env-hypergrid';"),
    fence('sh', 'pnpm gfn train'),
    fence('ts no-run: a signature', 'f(x?): y'),
    fence('ts no-run', 'g()'),
    fence('ts vitest', "import { it } from 'vitest';"),
    fence('ts slow', 'h()'),
    fence('json', '{}'),
  ].join('\n');
  const found = extractor.snippets(markdown, 'README.md');

  it('takes the install line of the last npm install block above each snippet', () => {
    expect(found.map((s) => [s.line, s.mode, s.install?.line])).toEqual([
      [6, 'program', 2],
      [11, 'program', 2],
      [19, 'skip', 2],
      [23, 'skip', 2],
      [27, 'vitest', 2],
      [31, 'skip', 2],
    ]);
    expect(found[0]?.problem).toBeUndefined();
  });

  it('reports imports the install line leaves out, vitest missing from a vitest snippet, no-run without a reason and unknown flags', () => {
    expect(found[1]?.problem).toBe('imports @gflownet/env-hypergrid, which the install line (line 2) does not name');
    expect(found[2]).toMatchObject({ reason: 'a signature', problem: undefined });
    expect(found[3]?.problem).toMatch(/no-run needs a reason/);
    expect(found[4]?.problem).toBe('imports vitest, which the install line (line 2) does not name');
    expect(found[5]?.problem).toMatch(/unknown fence flags "slow"/);
  });

  it('reports a snippet with no install line above it', () => {
    expect(extractor.snippets(fence('ts', 'console.log(1);'), 'docs/x.md')[0]?.problem).toBe('no `npm install …` line above it');
  });
});
