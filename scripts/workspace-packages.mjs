// The workspace's packages (every package.json under packages/, two levels deep), shared by the scripts
// that check manifests and run README snippets.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Each package under `root/packages`: its directory, its path relative to `root`, its parsed manifest. */
export function workspacePackages(root) {
  const found = [];
  const visit = (dir, depth) => {
    if (existsSync(join(dir, 'package.json'))) return void found.push(dir);
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) visit(join(dir, entry.name), depth - 1);
    }
  };
  visit(join(root, 'packages'), 2);
  return found.map((dir) => ({ dir, path: relative(root, dir), manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}
