#!/usr/bin/env node
// READMEs that run (`pnpm readme-snippets`): every TypeScript/JavaScript snippet of every package
// README, the root README and docs/*.md runs as a registry user would run it. Each published package
// is packed (`pnpm pack`) and served by a registry on 127.0.0.1 for the @gflownet scope; for each
// snippet, a plain npm project in a temporary directory outside the workspace runs `npm install` with
// exactly the packages named by the install line above the snippet (third-party ones from npmjs.org
// at the range the manifests ask for, when the line gives none); tsc type-checks the TypeScript
// snippets (strict) against the installed declarations, and node runs each snippet (types stripped by
// esbuild). Every package a snippet imports must be named on its install line.
//
// Snippet conventions (the fence's info string):
//   ```ts                    a program: run with node
//   ```ts vitest             a test file: run with vitest (snippet.test.ts)
//   ```ts no-run: <reason>   not run (say why: a signature, a native package that cannot install, …)
// The install line is the last `npm install …` (or `npm i …`) line block of a sh fence above the
// snippet in the same file; every package the snippet imports must be named there.
//
// Usage: node scripts/readme-snippets.mjs [--no-build] [--no-typecheck] [--keep] [--jobs N] [--only SUBSTRING]
//   --no-build      use the dist/ already built (pnpm check-package has just built them)
//   --no-typecheck  skip tsc
//   --keep          keep the temporary directory and print its path
//   --jobs N        projects installed and run at once (default 2)
//   --only S        run only the snippets whose file:line contains S
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspacePackages } from './workspace-packages.mjs';

const root = new URL('..', import.meta.url).pathname;
const SNIPPET_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
const SNIPPET_TIMEOUT_MS = 180_000;

/**
 * The fenced code blocks of a markdown text: `{ line, language, info, code }`, `line` 1-based (the
 * opening fence). Indented fences (in lists) count; the closing fence uses the same character.
 */
export function fences(markdown) {
  const lines = markdown.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, marker, info] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    const language = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    out.push({ line: i + 1, language, info: info.trim(), code: body.join('\n') });
    i = j;
  }
  return out;
}

/**
 * The packages an install block names: every `npm install`/`npm i` command in it (backslash
 * continuations joined, `# comments` and flags dropped). Null when it has no local npm install.
 */
export function installedPackages(shellCode) {
  const joined = shellCode.replace(/\\\n/g, ' ');
  const names = [];
  let found = false;
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    for (const command of line.split(/&&|;/)) {
      const words = command.trim().split(/\s+/);
      if (words[0] !== 'npm' || !['i', 'install', 'add'].includes(words[1])) continue;
      if (words.includes('-g') || words.includes('--global')) continue;
      found = true;
      names.push(...words.slice(2).filter((w) => w && !w.startsWith('-')));
    }
  }
  return found ? names : null;
}

/** `name` of `name@range` (scoped names keep their leading @). */
export const specName = (spec) => (spec.startsWith('@') ? `@${spec.slice(1).split('@')[0]}` : spec.split('@')[0]);
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const builtins = new Set(builtinModules);

/** The packages a snippet imports (static, side-effect and literal dynamic imports; Node builtins left out). */
export function importedPackages(code) {
  const names = new Set();
  const pattern = /(?:^|[^\w.$])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"]+)['"]|(?:^|[^\w.$])import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
  for (const m of withoutComments.matchAll(pattern)) {
    const specifier = m[1] ?? m[2];
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    if (builtins.has(packageOf(specifier))) continue;
    names.add(packageOf(specifier));
  }
  return [...names];
}

/**
 * The snippets of one markdown file, with their install lines:
 * `{ file, line, language, info, code, mode: 'program'|'vitest'|'skip', reason?, install?, problem? }`.
 */
export function snippets(markdown, file) {
  const out = [];
  let install = null;
  for (const fence of fences(markdown)) {
    if (SHELL_LANGUAGES.has(fence.language)) {
      const names = installedPackages(fence.code);
      if (names) install = { line: fence.line, packages: names };
      continue;
    }
    if (!SNIPPET_LANGUAGES.has(fence.language)) continue;
    const flags = fence.info.slice(fence.language.length).trim();
    const snippet = { file, line: fence.line, language: fence.language, info: fence.info, code: fence.code, install };
    const noRun = /^no-run\b:?\s*(.*)$/.exec(flags);
    if (noRun) {
      out.push({ ...snippet, mode: 'skip', reason: noRun[1].trim(), problem: noRun[1].trim() ? undefined : 'no-run needs a reason (```ts no-run: why)' });
      continue;
    }
    if (flags && flags !== 'vitest') {
      out.push({ ...snippet, mode: 'skip', problem: `unknown fence flags "${flags}" (use vitest or no-run: reason)` });
      continue;
    }
    const mode = flags === 'vitest' ? 'vitest' : 'program';
    let problem;
    if (!install) problem = 'no `npm install …` line above it';
    else {
      const named = new Set(install.packages.map(specName));
      const missing = importedPackages(fence.code).filter((p) => !named.has(p));
      if (mode === 'vitest' && !named.has('vitest') && !missing.includes('vitest')) missing.push('vitest');
      if (missing.length > 0) problem = `imports ${missing.join(', ')}, which the install line (line ${install.line}) does not name`;
    }
    out.push({ ...snippet, mode, problem });
  }
  return out;
}

/** Markdown files whose snippets run: package READMEs, the root README, docs/*.md. */
function markdownFiles(packages) {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f));
  const readmes = packages.map(({ dir }) => join(dir, 'README.md')).filter(existsSync);
  return [join(root, 'README.md'), ...readmes, ...docs].map((f) => relative(root, f));
}

/** The range a third-party package is asked for by the published manifests, else by any workspace manifest. */
function rangeFor(name, packages) {
  const catalog = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const fromCatalog = new RegExp(`^\\s+'?${name.replace(/[/.]/g, '\\$&')}'?:\\s*'?([^'\\s]+)`, 'm').exec(catalog)?.[1];
  const resolve = (spec) => (spec?.startsWith('catalog:') ? fromCatalog : spec);
  const manifests = packages.map((p) => p.manifest);
  for (const m of manifests.filter((m) => !m.private)) {
    const spec = resolve(m.dependencies?.[name] ?? m.peerDependencies?.[name]);
    if (spec && !spec.startsWith('workspace:')) return spec;
  }
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const m of [rootManifest, ...manifests]) {
    const spec = resolve(m.devDependencies?.[name] ?? m.dependencies?.[name]);
    if (spec && !spec.startsWith('workspace:')) return spec;
  }
  return fromCatalog;
}

/**
 * A registry for the @gflownet packages on 127.0.0.1, serving the packed tarballs (with the manifests
 * `pnpm pack` wrote into them): npm resolves them, and their @gflownet dependencies, as it would from
 * npmjs.org. Unknown @gflownet names get 404. Resolves to `{ url, close }`.
 */
function startRegistry(tarballs) {
  // A fresh prefix per run: npm's cache (--prefer-offline) never serves an earlier run's metadata.
  const prefix = `/${createHash('sha1').update(`${process.pid}-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 12)}/`;
  const packuments = new Map();
  const files = new Map();
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]).slice(prefix.length);
    if (files.has(path)) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(readFileSync(files.get(path)));
    } else if (packuments.has(path)) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(packuments.get(path)));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}${prefix}`;
      for (const [name, file] of tarballs) {
        const manifest = JSON.parse(spawnSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }).stdout);
        const bytes = readFileSync(file);
        const path = `-/tarballs/${basename(file)}`;
        files.set(path, file);
        const dist = {
          tarball: `${url}${path}`,
          shasum: createHash('sha1').update(bytes).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        };
        const version = { ...manifest, _id: `${name}@${manifest.version}`, dist };
        packuments.set(name, { name, 'dist-tags': { latest: manifest.version }, versions: { [manifest.version]: version } });
      }
      resolve({ url, close: () => server.close() });
    });
  });
}

function exec(command, args, { cwd, timeout = SNIPPET_TIMEOUT_MS, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeout);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? 124 : (code ?? 1), output, timedOut });
    });
  });
}

const tail = (text, lines = 15) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');

/**
 * Type-checks the TypeScript snippets of a project with the workspace's TypeScript against the
 * installed packages' declarations (strict, as a user's project would be). Returns the errors by
 * snippet directory.
 */
async function typecheckProject(project) {
  const config = {
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [], noEmit: true, skipLibCheck: true },
    include: ['snippet-*/*.ts'],
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const result = await exec('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project });
  const errors = new Map();
  if (result.code === 0) return errors;
  for (const line of result.output.split('\n')) {
    const dir = /^(snippet-[^/]+)\//.exec(line)?.[1] ?? '(project)';
    if (line.trim()) errors.set(dir, [...(errors.get(dir) ?? []), line]);
  }
  if (errors.size === 0 || errors.has('(project)')) errors.set('(project)', [result.output]);
  return errors;
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const keep = args.includes('--keep');
  const typecheck = !args.includes('--no-typecheck');
  const only = option('--only');
  const jobs = Number(option('--jobs') ?? 2);
  const started = Date.now();

  const packages = workspacePackages(root);
  const published = packages.filter((p) => !p.manifest.private);
  const all = markdownFiles(packages).flatMap((file) => snippets(readFileSync(join(root, file), 'utf8'), file));
  const selected = all.filter((s) => !only || `${s.file}:${s.line}`.includes(only));
  const failures = [];
  const where = (s) => `${s.file}:${s.line}`;
  for (const s of selected.filter((s) => s.problem)) failures.push(`${where(s)}: ${s.problem}`);
  const skipped = selected.filter((s) => s.mode === 'skip' && !s.problem);
  const runnable = selected.filter((s) => s.mode !== 'skip' && !s.problem);

  if (!args.includes('--no-build')) {
    const filters = published.flatMap(({ manifest }) => ['--filter', manifest.name]);
    const built = spawnSync('pnpm', ['-s', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) {
      console.log('snippets: the packages did not build (see above)');
      process.exit(1);
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'gflownet-snippets-'));
  const tarballDir = join(work, 'tarballs');
  mkdirSync(tarballDir);
  // Pack once; every project installs from these tarballs.
  const tarballs = new Map();
  const packResults = await Promise.all(
    published.map(async ({ dir, manifest }) => {
      const result = await exec('pnpm', ['pack', '--pack-destination', join(tarballDir, manifest.name.replace('/', '+'))], { cwd: dir, timeout: 120_000 });
      return { manifest, result };
    }),
  );
  for (const { manifest, result } of packResults) {
    const dir = join(tarballDir, manifest.name.replace('/', '+'));
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.tgz')) : undefined;
    if (result.code !== 0 || !file) failures.push(`pnpm pack ${manifest.name} failed:\n${tail(result.output)}`);
    else tarballs.set(manifest.name, join(dir, file));
  }

  // One project per distinct install line: snippets with the same line share it.
  const groups = new Map();
  for (const s of runnable) {
    const specs = [...new Set(s.install.packages)].sort();
    const key = specs.join(' ');
    if (!groups.has(key)) groups.set(key, { specs, snippets: [] });
    groups.get(key).snippets.push(s);
  }
  const esbuild = await import('esbuild');
  const registry = await startRegistry(tarballs);
  let ran = 0;
  let index = 0;
  const queue = [...groups.values()];

  async function runGroup(group) {
    const project = join(work, `project-${index++}`);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'readme-snippet', private: true, type: 'module' }, null, 2)}\n`);
    const lines = [];
    const installArgs = [];
    for (const spec of group.specs) {
      const name = specName(spec);
      if (name.startsWith('@gflownet/') && !tarballs.has(name)) {
        for (const s of group.snippets) failures.push(`${where(s)}: its install line names ${name}, which is no published package`);
        return;
      }
      // As a user types it; a bare third-party name gets the range the manifests ask for.
      installArgs.push(spec !== name || name.startsWith('@gflownet/') ? spec : `${name}@${rangeFor(name, packages) ?? 'latest'}`);
    }
    const before = Date.now();
    const install = await exec(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', '--fetch-retries=0', `--@gflownet:registry=${registry.url}`, ...installArgs],
      { cwd: project, timeout: 300_000 },
    );
    const installSeconds = ((Date.now() - before) / 1000).toFixed(1);
    if (install.code !== 0) {
      for (const s of group.snippets) failures.push(`${where(s)}: npm install ${group.specs.join(' ')} failed:\n${tail(install.output)}`);
      lines.push(`FAIL install ${group.specs.join(' ')} (${installSeconds}s)`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return;
    }
    lines.push(`install ${group.specs.join(' ')} (${installSeconds}s)`);
    const prepared = [];
    for (const s of group.snippets) {
      const dir = join(project, `snippet-${s.file.replace(/[^\w]+/g, '-')}-${s.line}`);
      mkdirSync(dir);
      const ts = s.language === 'ts' || s.language === 'typescript';
      if (s.mode === 'vitest') {
        writeFileSync(join(dir, ts ? 'snippet.test.ts' : 'snippet.test.mjs'), s.code);
        prepared.push({ s, dir, command: ['node', [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--reporter=dot']] });
      } else {
        if (ts) writeFileSync(join(dir, 'main.ts'), s.code);
        const js = ts ? (await esbuild.transform(s.code, { loader: 'ts', format: 'esm', target: 'node20' })).code : s.code;
        writeFileSync(join(dir, 'main.mjs'), js);
        prepared.push({ s, dir, command: ['node', ['main.mjs']] });
      }
    }
    const typeErrors = typecheck ? await typecheckProject(project) : new Map();
    for (const { s, dir, command } of prepared) {
      const errors = typeErrors.get(relative(project, dir)) ?? typeErrors.get('(project)');
      if (errors) {
        lines.push(`FAIL ${where(s)} (type errors)`);
        failures.push(`${where(s)}: does not type-check:\n${tail(errors.join('\n'))}`);
        continue;
      }
      const t0 = Date.now();
      const result = await exec(command[0], command[1], { cwd: dir });
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      ran++;
      if (result.code === 0) lines.push(`ok   ${where(s)} (${seconds}s)`);
      else {
        lines.push(`FAIL ${where(s)} (${seconds}s${result.timedOut ? ', timed out' : ''})`);
        failures.push(`${where(s)}: ${result.timedOut ? 'timed out' : `exit ${result.code}`}:\n${tail(result.output)}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      while (queue.length > 0) await runGroup(queue.shift());
    }),
  );

  registry.close();
  for (const s of skipped) console.log(`skip ${where(s)} (no-run: ${s.reason})`);
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  for (const f of failures) console.log(`\n${f}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nsnippets: ${ran} ran, ${failures.length} failed, ${skipped.length} not run (no-run), ${groups.size} installs, ${seconds}s`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
