#!/usr/bin/env node
// Bundles every export of every library package the way a browser app would: esbuild's default
// browser bundle (`esbuild --bundle --platform=browser --format=esm`) of the built `dist/` entry,
// with no extra conditions, externals or shims. A Node-only import reachable from a browser entry
// (node:fs, node:os, …) fails here. Node-only packages are skipped; known exceptions are reported.
// Usage: node scripts/check-browser-bundles.mjs [--no-build]   (builds the packages first with turbo, cached)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Packages meant for Node only: not bundled. */
const NODE_ONLY = {
  '@gflownet/backend-node': 'tfjs-node native bindings',
  '@gflownet/backend-node-gpu': 'tfjs-node-gpu native bindings',
  '@gflownet/testing': 'test kit for vitest under Node',
  '@gflownet/cli': 'the gfn command',
  '@gflownet/experiment': 'results files and run configs on disk (node:fs)',
};

/** Packages whose browser bundle fails today, with the reason; reported, not counted as failures. */
const KNOWN_EXCEPTIONS = {
  '@gflownet/env-fragments':
    'loads vocabulary files with a dynamic import of node:fs/promises, and imports @rdkit/rdkit, whose Emscripten glue requires node:fs and node:crypto in its Node branch',
  '@gflownet/reward-seh':
    "imports @rdkit/rdkit, whose Emscripten glue requires node:fs and node:crypto in its Node branch (bundlers need --external:'node:*' or RDKit from a script tag)",
};

function workspacePackages() {
  const found = [];
  const visit = (dir, depth) => {
    if (existsSync(join(dir, 'package.json'))) {
      found.push(dir);
      return;
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) visit(join(dir, entry.name), depth - 1);
    }
  };
  visit(join(root, 'packages'), 2);
  return found.map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/** The file a bundler picks for an export under the default conditions (import, browser, default). */
function defaultTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return null;
  for (const [condition, value] of Object.entries(target)) {
    if (['import', 'browser', 'module', 'default'].includes(condition)) {
      const resolved = defaultTarget(value);
      if (resolved) return resolved;
    }
  }
  return null;
}

const packages = workspacePackages().filter(({ manifest }) => !manifest.private && !(manifest.name in NODE_ONLY));
const entries = packages.flatMap(({ dir, manifest }) =>
  Object.entries(manifest.exports ?? { '.': manifest.module ?? manifest.main })
    .map(([subpath, target]) => ({ name: manifest.name, subpath, file: defaultTarget(target) }))
    .filter((e) => e.file && /\.m?js$/.test(e.file))
    .map((e) => ({ ...e, path: join(dir, e.file) })),
);

if (!process.argv.includes('--no-build')) {
  const filters = packages.flatMap(({ manifest }) => ['--filter', manifest.name]);
  const built = spawnSync('pnpm', ['-s', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.log('browser bundles: the packages did not build (see above)');
    process.exit(1);
  }
}

let ok = 0;
const failures = [];
const known = [];
for (const entry of entries) {
  const label = `${entry.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
  let errors;
  let bytes = 0;
  if (!existsSync(entry.path)) errors = [`${relative(root, entry.path)} is missing (run pnpm build)`];
  else {
    try {
      const result = await build({ entryPoints: [entry.path], bundle: true, platform: 'browser', format: 'esm', write: false, outdir: 'out', logLevel: 'silent' });
      bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
    } catch (error) {
      errors = (error.errors ?? [{ text: String(error) }]).map((e) => (e.location ? `${e.text} (${e.location.file}:${e.location.line})` : e.text));
    }
  }
  const reason = KNOWN_EXCEPTIONS[entry.name];
  if (!errors) {
    ok++;
    console.log(`  ok     ${label}  ${(bytes / 1024).toFixed(0)} kB${reason ? `  (listed as a known exception but bundles now: remove it from KNOWN_EXCEPTIONS)` : ''}`);
  } else if (reason) {
    known.push(label);
    console.log(`  known  ${label}: ${reason}\n         ${errors.length} errors, the first: ${errors[0]}`);
  } else {
    failures.push(label);
    console.log(`  FAIL   ${label}\n${errors.slice(0, 5).map((e) => `         ${e}`).join('\n')}`);
  }
}

const skipped = Object.keys(NODE_ONLY).length;
console.log(
  `browser bundles: ${ok} of ${entries.length} package entries bundle for the browser with esbuild defaults` +
    `${failures.length > 0 ? `; FAILED: ${failures.join(', ')}` : ''}` +
    `${known.length > 0 ? `; known exceptions: ${known.join(', ')}` : ''}; ${skipped} Node-only packages skipped`,
);
process.exitCode = failures.length > 0 ? 1 : 0;
