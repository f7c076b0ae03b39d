#!/usr/bin/env node
// Runs every check a submission must pass and ends with one plain line that CI reads:
// `tests: N passed, M failed[, K skipped]`. The vitest suite counts test by test; type checks, the
// dependency check, package checks and each example count as one test each. Exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
// `failed test: …` / `flaky test: …` / `unhandled error: …` lines (vitest.summary-reporter.ts), repeated at the very end.
const failureLines = [];

function run(label, command, args, options = {}) {
  return new Promise((resolve) => {
    process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/^(failed test|flaky test|unhandled error): /.test(line)) failureLines.push(line);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

async function check(label, command, args, options) {
  const { code } = await run(label, command, args, options);
  if (code === 0) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

await check('type check', 'pnpm', ['typecheck']);
await check('dependency check', 'node', ['scripts/check-deps.mjs']);

const suite = await run('test suite', 'pnpm', ['vitest', 'run']);
const m = /tests: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(suite.tail);
if (m) {
  passed += Number(m[1]);
  failed += Number(m[2]);
  skipped += Number(m[3] ?? 0);
  if (Number(m[2]) > 0) failures.push('test suite');
}
if (!m || (suite.code !== 0 && Number(m[2]) === 0)) {
  failed++;
  failures.push('test suite (did not finish cleanly)');
}

await check('build and package checks (publint, are-the-types-wrong)', 'pnpm', ['check-package']);
// Right after check-package, which has just built every dist/ this bundles.
await check('browser bundles (esbuild defaults, built packages)', 'node', ['scripts/check-browser-bundles.mjs', '--no-build']);
await check('manifests (dependencies = what dist imports, peers, ranges, links)', 'node', ['scripts/check-manifests.mjs']);
// Packs the dist/ check-package built; a plain npm project outside the workspace per install line.
await check('README and docs snippets (packed tarballs, npm)', 'node', ['scripts/readme-snippets.mjs', '--no-build']);
// `pnpm run docs`: a bare `pnpm docs <package>` is pnpm's own command (it opens a package's documentation).
await check('API reference (typedoc, warnings as errors)', 'pnpm', ['run', '-s', 'docs']);

const examples = join(root, 'examples');
if (existsSync(examples)) {
  for (const name of readdirSync(examples).sort()) {
    const script = join(examples, name, 'ci.sh');
    if (existsSync(script)) await check(`example ${name}`, 'bash', [script]);
  }
}

if (failures.length > 0) process.stdout.write(`\nfailed: ${failures.join('; ')}\n`);
if (failureLines.length > 0) process.stdout.write(failureLines.map((l) => `  ${l}\n`).join(''));
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 ? 1 : 0;
