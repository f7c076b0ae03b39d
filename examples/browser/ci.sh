#!/usr/bin/env bash
# Run by `pnpm test:all` (and so by CI): builds the page, trains the hypergrid in headless Chromium and
# compares it with a Node run of the same code (test/e2e.ts). Needs Debian's chromium (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
pnpm -s demo:build >/dev/null
exec pnpm -s --dir examples/browser run test:browser
