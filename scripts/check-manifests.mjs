#!/usr/bin/env node
// Manifest check (`pnpm check-manifests`, after `pnpm build`): what a registry user installs is what
// the built code needs. Prints one line per problem and exits 1, or one summary line and exits 0.
// Usage: node scripts/check-manifests.mjs [repository root]
//
// For every published package (not `private`):
// (a) every package that dist/**/*.js imports (static or literal dynamic imports) is a dependency or
//     peer dependency, and so is every package that dist/**/*.d.ts imports (types reach users too);
// (b) every dependency is imported by dist/**/*.js, or provides a peer of another dependency (e.g.
//     @tensorflow/tfjs-backend-cpu next to @gflownet/backend-cpu); every required peer is imported, or
//     is a peer of another dependency or peer (forwarded); nothing is both a dependency and a peer;
// (c) every optional peer (peerDependenciesMeta) is also in peerDependencies, and vice versa no
//     peerDependenciesMeta entry stands alone;
// (d) a third-party package is asked for with one range across all published manifests (catalog:
//     entries resolved as `pnpm pack` writes them);
// (e) every `files` entry and export target exists; repository.directory is the package's path;
// (f) README.md links are absolute (https://…) or anchors, so they work on the registry's page.
// For private packages: (g) no `files` or `publishConfig`, and export targets exist without a build.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { workspacePackages } from './workspace-packages.mjs';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const problems = [];
const report = (pkg, message) => problems.push(`${pkg}: ${message}`);

/** The default catalog of pnpm-workspace.yaml (`'name': range` lines under `catalog:`). */
function readCatalog() {
  const catalog = {};
  let inside = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inside = line.startsWith('catalog:');
    const entry = inside && /^\s+'?([^':]+)'?:\s*'?([^'\s]+)'?/.exec(line);
    if (entry) catalog[entry[1]] = entry[2];
  }
  return catalog;
}

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBare = (s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('#') && !s.startsWith('node:') && !/^[a-z]+:/.test(s);

/** Package names imported by the .js and the .d.ts files under `dir`. */
function distImports(dir) {
  const runtime = new Set();
  const types = new Set();
  for (const file of readdirSync(dir, { recursive: true }).map(String)) {
    const dts = /\.d\.[cm]?ts$/.test(file);
    if (!dts && !/\.[cm]?js$/.test(file)) continue;
    const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(readFileSync(join(dir, file), 'utf8'), true, true);
    for (const { fileName } of [...importedFiles, ...(dts ? typeReferenceDirectives : [])]) {
      if (isBare(fileName) && !isNodeBuiltin(fileName)) (dts ? types : runtime).add(packageName(fileName));
    }
  }
  return { runtime, types };
}

const builtins = new Set(await import('node:module').then((m) => m.builtinModules));
const isNodeBuiltin = (s) => builtins.has(s) || builtins.has(s.split('/')[0]);

/** The manifest of a dependency as installed for `fromDir` (workspace packages by name first). */
function dependencyManifest(name, fromDir, byName) {
  if (byName.has(name)) return byName.get(name).manifest;
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    if (dir === dirname(dir)) return undefined;
  }
}

/** Export targets (every string leaf of `exports`, plus main/module/types/bin). */
function targets(manifest) {
  const out = [];
  const walk = (value) => {
    if (typeof value === 'string') out.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  walk(manifest.exports);
  walk(manifest.imports);
  for (const key of ['main', 'module', 'types']) if (manifest[key]) out.push(manifest[key]);
  walk(manifest.bin);
  return out.filter((t) => !t.includes('*'));
}

const packages = workspacePackages(root);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));
const catalog = readCatalog();
const rangesByName = new Map(); // third-party name → Map(range → [package names])
let published = 0;

for (const { dir, path, manifest } of packages) {
  const name = manifest.name;
  if (manifest.private) {
    if (manifest.files) report(name, 'private, yet has a `files` list (a private package is never packed)');
    if (manifest.publishConfig) report(name, 'private, yet has publishConfig');
    for (const target of targets(manifest)) {
      if (!existsSync(join(dir, target)) || (target.includes('dist/') && !manifest.scripts?.build)) {
        report(name, `private, and its export target ${target} does not exist without a build`);
      }
    }
    continue;
  }
  published++;
  const deps = manifest.dependencies ?? {};
  const peers = manifest.peerDependencies ?? {};
  const meta = manifest.peerDependenciesMeta ?? {};
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) {
    report(name, 'no dist/ (run pnpm build first)');
    continue;
  }
  const { runtime, types } = distImports(dist);
  const declared = new Set([...Object.keys(deps), ...Object.keys(peers)]);
  for (const imported of runtime) if (imported !== name && !declared.has(imported)) report(name, `dist imports ${imported}, which is neither a dependency nor a peer dependency`);
  for (const imported of types) {
    if (imported !== name && !declared.has(imported) && !runtime.has(imported)) report(name, `dist type declarations import ${imported}, which is neither a dependency nor a peer dependency`);
  }
  // Peers that the declared packages ask for themselves (required ones only).
  const peersOf = (names) =>
    new Set(
      names.flatMap((n) => {
        const m = dependencyManifest(n, dir, byName);
        return Object.keys(m?.peerDependencies ?? {}).filter((p) => !m.peerDependenciesMeta?.[p]?.optional);
      }),
    );
  for (const dep of Object.keys(deps)) {
    if (dep in peers) report(name, `${dep} is both a dependency and a peer dependency`);
    if (!runtime.has(dep) && !peersOf(Object.keys(deps).filter((d) => d !== dep)).has(dep)) {
      report(name, `dependency ${dep} is not imported by dist/ (move it to devDependencies, or drop it)`);
    }
  }
  for (const peer of Object.keys(peers)) {
    if (meta[peer]?.optional) continue;
    if (!runtime.has(peer) && !types.has(peer) && !peersOf([...declared].filter((d) => d !== peer)).has(peer)) {
      report(name, `peer dependency ${peer} is neither imported by dist/ nor a peer of another dependency`);
    }
  }
  for (const optional of Object.keys(meta)) if (!(optional in peers)) report(name, `peerDependenciesMeta names ${optional}, which peerDependencies does not list`);
  for (const [dep, spec] of [...Object.entries(deps), ...Object.entries(peers)]) {
    if (byName.has(dep)) continue;
    const range = spec === 'catalog:' || spec === 'catalog:default' ? catalog[dep] ?? spec : spec;
    if (!rangesByName.has(dep)) rangesByName.set(dep, new Map());
    const users = rangesByName.get(dep);
    users.set(range, [...(users.get(range) ?? []), name]);
  }
  for (const entry of manifest.files ?? []) if (!existsSync(join(dir, entry))) report(name, `files lists ${entry}, which does not exist`);
  for (const target of targets(manifest)) if (!existsSync(join(dir, target))) report(name, `export target ${target} does not exist`);
  if (manifest.repository?.directory !== path) report(name, `repository.directory is ${manifest.repository?.directory ?? 'missing'}, expected ${path}`);
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) report(name, 'no README.md');
  else {
    const text = readFileSync(readme, 'utf8').replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2\s*$/gm, '');
    // Outside code blocks: inline links and images `](target)`, reference definitions `[label]: target`, HTML href/src.
    const links = [...text.matchAll(/\]\(\s*<?([^)\s>]+)/g), ...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm), ...text.matchAll(/\b(?:href|src)="([^"]+)"/g)];
    for (const [, link] of links) {
      if (!/^(https?:\/\/|mailto:|#)/.test(link)) report(name, `README.md links to ${link}, which breaks on the registry's page (use an absolute https URL)`);
    }
  }
}

for (const [dep, users] of rangesByName) {
  if (users.size > 1) {
    const list = [...users].map(([range, names]) => `${range} (${names.join(', ')})`).join('; ');
    problems.push(`${dep} is asked for with different ranges: ${list}`);
  }
}

for (const line of problems) console.log(line);
console.log(
  problems.length === 0
    ? `manifests: ${published} published packages match their dist imports, ranges consistent, links absolute`
    : `manifests: ${problems.length} problem(s)`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
