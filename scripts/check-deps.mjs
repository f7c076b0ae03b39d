#!/usr/bin/env node
// Dependency check (`pnpm check-deps`): package dependencies point one way, source files import only
// what their package declares, and nothing imports in a circle. Prints one line per problem and exits
// 1, or one summary line and exits 0. Usage: node scripts/check-deps.mjs [repository root]
//
// (a) Layers: core < rewards < {envs, objectives, samplers, estimators, backends, testing} < trainer <
//     experiment < queue < cli. Rewards sit below environments because an environment may ship a domain
//     reward as its default or an option (env-fragments offers the sEH proxy of reward-seh). A package may depend (dependencies, peer, dev or optional) only on lower
//     layers; anyone may have @gflownet/testing as a devDependency; backend-node-gpu may use
//     backend-node. Private packages (bench, integration tests) may depend on anything; a published
//     package may have a private one as a devDependency only.
// (b) Every `@gflownet/*` import in src/ is a dependency or peer dependency of its package (a
//     devDependency suffices in test/ and in private packages), and no relative import leaves the
//     package's directory.
// (c) No import cycle between the source files of a package (relative imports of src/, type-only
//     ones included), and none between packages.
// Imports are read with TypeScript's own pre-processor (comments and strings are not imports).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const problems = [];

/** Layer of a package by its directory; undefined when the directory has none. */
const LAYERS = [
  ['packages/core', 0, 'core'],
  // Rewards (domain models such as the sEH proxy) below environments, which may offer them.
  ['packages/rewards/*', 1, 'reward'],
  ['packages/testing', 2, 'leaf'],
  ['packages/envs/*', 2, 'leaf'],
  ['packages/objectives/*', 2, 'leaf'],
  ['packages/samplers/*', 2, 'leaf'],
  ['packages/estimators/*', 2, 'leaf'],
  ['packages/backends/*', 2, 'leaf'],
  ['packages/trainer', 3, 'trainer'],
  ['packages/experiment', 4, 'experiment'],
  // The job queue (remote rewards, sweeps) runs experiments and is run by the CLI.
  ['packages/queue', 5, 'queue'],
  ['packages/cli', 6, 'cli'],
];
const LAYER_ORDER = 'core < rewards < envs, objectives, samplers, estimators, backends, testing < trainer < experiment < queue < cli';
const ALLOWED_SAME_LAYER = new Set(['@gflownet/backend-node-gpu -> @gflownet/backend-node']);
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function layerOf(dir) {
  for (const [pattern, layer, name] of LAYERS) {
    const base = pattern.endsWith('/*') ? pattern.slice(0, -2) : pattern;
    if (pattern.endsWith('/*') ? dirname(dir) === base : dir === base) return { layer, name };
  }
  return undefined;
}

/** Workspace package directories, from pnpm-workspace.yaml (`dir` and `dir/*` entries). */
function workspaceDirs() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\s*\n((?:\s+-.*\n?)+)/m.exec(yaml)?.[1] ?? '';
  const dirs = [];
  for (const line of block.split('\n')) {
    const glob = /^\s+-\s*['"]?([^'"#\s]+)/.exec(line)?.[1];
    if (!glob) continue;
    if (glob.endsWith('/*')) {
      const base = join(root, glob.slice(0, -2));
      if (!existsSync(base)) continue;
      for (const name of readdirSync(base).sort()) if (existsSync(join(base, name, 'package.json'))) dirs.push(`${glob.slice(0, -2)}/${name}`);
    } else if (existsSync(join(root, glob, 'package.json'))) dirs.push(glob);
  }
  return dirs;
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const importsOf = (file) => ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
const packageName = (specifier) => specifier.split('/').slice(0, 2).join('/');

/** The file a relative import names (`./x.js` → x.ts, `./dir` → dir/index.ts), or undefined. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base.replace(/\.mjs$/, '.mts'), base.replace(/\.cjs$/, '.cts')];
  candidates.push(`${base}.ts`, join(base, 'index.ts'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Strongly connected components with a cycle (Tarjan), each as one cycle path through it. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low !== info.get(v).index) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(pathThrough(graph, new Set(component), v));
  };
  for (const v of [...graph.keys()].sort()) if (!info.has(v)) visit(v);
  return found;
}

/** A cycle from `start` back to itself inside `component` (breadth-first, so the shortest). */
function pathThrough(graph, component, start) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const packages = new Map();
for (const dir of workspaceDirs()) {
  const json = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  packages.set(json.name, { dir, json, private: json.private === true, layer: layerOf(dir) });
}

// (a) layers, and the package graph for (c).
const packageGraph = new Map();
for (const [name, pkg] of packages) {
  packageGraph.set(name, new Set());
  if (!pkg.layer && !pkg.private) problems.push(`${pkg.dir} (${name}): no layer for this directory; add it to LAYERS in scripts/check-deps.mjs`);
  for (const field of DEPENDENCY_FIELDS) {
    for (const dep of Object.keys(pkg.json[field] ?? {})) {
      if (!dep.startsWith('@gflownet/') || dep === name) continue;
      const target = packages.get(dep);
      if (!target) {
        problems.push(`${pkg.dir} (${name}): ${field} names ${dep}, which is not a workspace package`);
        continue;
      }
      packageGraph.get(name).add(dep);
      if (pkg.private) continue;
      if (target.private) {
        if (field !== 'devDependencies') problems.push(`${pkg.dir} (${name}): ${field} names the private package ${dep} (allowed as a devDependency only)`);
        continue;
      }
      if (dep === '@gflownet/testing' && field === 'devDependencies') continue;
      if (ALLOWED_SAME_LAYER.has(`${name} -> ${dep}`) || !pkg.layer || !target.layer) continue;
      if (target.layer.layer >= pkg.layer.layer) {
        problems.push(`${pkg.dir} (${name}, ${pkg.layer.name} layer): ${field} names ${dep} (${target.layer.name} layer), not a lower layer`);
      }
    }
  }
}

// (b) undeclared imports and (c) file cycles.
let fileCount = 0;
for (const [name, pkg] of packages) {
  const declared = (fields) => new Set(fields.flatMap((f) => Object.keys(pkg.json[f] ?? {})));
  const runtime = declared(pkg.private ? DEPENDENCY_FIELDS : ['dependencies', 'peerDependencies', 'optionalDependencies']);
  const any = declared(DEPENDENCY_FIELDS);
  const fileGraph = new Map();
  for (const folder of ['src', 'test']) {
    for (const file of sourceFiles(join(root, pkg.dir, folder))) {
      fileCount++;
      const rel = relative(root, file);
      if (folder === 'src') fileGraph.set(file, new Set());
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('@gflownet/')) {
          const dep = packageName(specifier);
          if (dep === name) continue;
          const ok = folder === 'src' ? runtime.has(dep) : any.has(dep);
          if (!ok) {
            const where = folder === 'src' && any.has(dep) ? 'only a devDependency of' : 'not declared in';
            problems.push(`${rel}: imports ${dep}, ${where} ${pkg.dir}/package.json`);
          }
        } else if (specifier.startsWith('.')) {
          if (!resolve(dirname(file), specifier).startsWith(join(root, pkg.dir, '/'))) {
            problems.push(`${rel}: imports ${specifier}, outside ${pkg.dir} (import the package by name and declare it)`);
            continue;
          }
          const target = folder === 'src' ? resolveRelative(file, specifier) : undefined;
          if (target?.startsWith(join(root, pkg.dir, 'src', '/'))) fileGraph.get(file).add(target);
        }
      }
    }
  }
  for (const cycle of cycles(fileGraph)) {
    const src = join(root, pkg.dir, 'src');
    problems.push(`${pkg.dir}/src: import cycle ${cycle.map((f) => relative(src, f)).join(' → ')}`);
  }
}
for (const cycle of cycles(packageGraph)) problems.push(`package dependency cycle: ${cycle.join(' → ')}`);

for (const p of problems) process.stdout.write(`${p}\n`);
if (problems.length > 0) process.stdout.write(`check-deps: ${problems.length} problem${problems.length === 1 ? '' : 's'} (layers: ${LAYER_ORDER})\n`);
else process.stdout.write(`check-deps: ${packages.size} packages, ${fileCount} source files: dependencies point one way, no undeclared imports, no cycles\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
