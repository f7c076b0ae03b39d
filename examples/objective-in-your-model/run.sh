#!/usr/bin/env bash
# Builds @gflownet/core and the objective packages, packs them as tarballs, installs them with npm into a
# temporary copy of this example (outside the pnpm workspace, tfjs from the registry) and runs it.
# Exits non-zero if any step fails or the example's own checks fail.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export PNPM_CONFIG_PM_ON_FAIL=ignore
cd "$root"
pnpm --filter @gflownet/core --filter @gflownet/objective-trajectory-balance --filter @gflownet/objective-detailed-balance build
mkdir -p "$tmp/tarballs" "$tmp/app"
for dir in packages/core packages/objectives/trajectory-balance packages/objectives/detailed-balance; do
  (cd "$root/$dir" && pnpm pack --pack-destination "$tmp/tarballs" >/dev/null)
done
cp "$here/package.json" "$here/index.mjs" "$tmp/app/"
cd "$tmp/app"
npm install --no-audit --no-fund --loglevel=error "$tmp"/tarballs/*.tgz
node index.mjs
