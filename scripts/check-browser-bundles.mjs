#!/usr/bin/env node
// Bundles every export of every library package the way a browser app would, with no extra
// conditions, externals or shims: esbuild's default browser bundle (`esbuild --bundle
// --platform=browser --format=esm`) and Vite's default production build (`vite build` of a page
// that imports the entry) of the built `dist/` entry. A Node-only import reachable from a browser
// entry (node:fs, node:os, …) fails esbuild, and Vite's "externalized for browser compatibility"
// warning for it counts as a failure too (the page would throw at run time). Node-only packages are skipped.
// Usage: node scripts/check-browser-bundles.mjs [--no-build]   (builds the packages first with turbo, cached)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Packages meant for Node only: not bundled. */
const NODE_ONLY = {
  '@gflownet/backend-node': 'tfjs-node native bindings',
  '@gflownet/backend-node-gpu': 'tfjs-node-gpu native bindings',
  '@gflownet/testing': 'test kit for vitest under Node',
  '@gflownet/cli': 'the gfn command',
  '@gflownet/experiment': 'results files and run configs on disk (node:fs)',
  '@gflownet/queue': 'BullMQ workers and sweeps over Redis (ioredis, node:fs, node:crypto)',
};

/** Vite, from the repository root or else from the browser example (the same Vite its page is built with). */
async function loadVite() {
  for (const from of ['package.json', 'examples/browser/package.json']) {
    try {
      return await import(pathToFileURL(createRequire(join(root, from)).resolve('vite')).href);
    } catch {}
  }
  return undefined;
}

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

/** esbuild's default browser bundle of a file: its size, or its errors. */
async function esbuildBundle(file) {
  try {
    const result = await build({ entryPoints: [file], bundle: true, platform: 'browser', format: 'esm', write: false, outdir: 'out', logLevel: 'silent' });
    return { bytes: result.outputFiles.reduce((n, f) => n + f.contents.length, 0) };
  } catch (error) {
    return { errors: (error.errors ?? [{ text: String(error) }]).map((e) => (e.location ? `${e.text} (${e.location.file}:${e.location.line})` : e.text)) };
  }
}

/** Vite's default production build of a page script that imports every export of a file: its size, or its errors. */
async function viteBundle(vite, dir, file, index) {
  const page = join(dir, `entry-${index}.js`);
  writeFileSync(page, `import * as entry from ${JSON.stringify(file)};\nglobalThis.entry = entry;\n`);
  const errors = [];
  try {
    const output = await vite.build({
      configFile: false,
      root: dir,
      logLevel: 'silent',
      build: {
        write: false,
        rollupOptions: {
          input: page,
          onwarn: (warning) => {
            if (/externalized for browser compatibility/.test(warning.message)) errors.push(warning.message.replace(/ See https:.*$/, ''));
          },
        },
      },
    });
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output);
    return errors.length > 0 ? { errors } : { bytes: chunks.reduce((n, c) => n + (c.code ?? c.source ?? '').length, 0) };
  } catch (error) {
    return { errors: [...errors, String(error.message ?? error).split('\n')[0]] };
  }
}

const vite = await loadVite();
const viteDir = mkdtempSync(join(tmpdir(), 'browser-bundles-'));
let ok = 0;
const failures = [];
try {
  for (const [index, entry] of entries.entries()) {
    const label = `${entry.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    const missing = existsSync(entry.path) ? undefined : { errors: [`${relative(root, entry.path)} is missing (run pnpm build)`] };
    const results = {
      esbuild: missing ?? (await esbuildBundle(entry.path)),
      vite: missing ?? (vite ? await viteBundle(vite, viteDir, entry.path, index) : { errors: ['vite is not installed (pnpm install)'] }),
    };
    const failed = Object.entries(results).filter(([, r]) => r.errors);
    if (failed.length === 0) {
      ok++;
      console.log(`  ok     ${label}  esbuild ${(results.esbuild.bytes / 1024).toFixed(0)} kB, vite ${(results.vite.bytes / 1024).toFixed(0)} kB`);
    } else {
      failures.push(label);
      console.log(`  FAIL   ${label}`);
      for (const [bundler, r] of failed) console.log(r.errors.slice(0, 5).map((e) => `         ${bundler}: ${e}`).join('\n'));
    }
  }
} finally {
  rmSync(viteDir, { recursive: true, force: true });
}

const skipped = Object.keys(NODE_ONLY).length;
console.log(
  `browser bundles: ${ok} of ${entries.length} package entries bundle for the browser with esbuild and Vite defaults` +
    `${failures.length > 0 ? `; FAILED: ${failures.join(', ')}` : ''}; ${skipped} Node-only packages skipped`,
);
process.exitCode = failures.length > 0 ? 1 : 0;
