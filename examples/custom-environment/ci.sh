#!/usr/bin/env bash
# Run by `pnpm test:all` (and so by CI): trains the custom environment through the `gfn` command.
# (Its library path and the conformance kit run in the vitest suite: test/bits.test.ts.)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
pnpm -s gfn train --env-module examples/custom-environment/src/experiment.ts --length 4 --objective tb \
  --iterations 600 --batch-size 16 --hidden 64,64 --seed 0 --quiet --out "$out/bits.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (r.config.env !== "bits" || r.config.length !== 4) throw new Error("wrong environment recorded");
if (!(r.metrics.jsd < 0.01)) throw new Error(`jsd ${r.metrics.jsd} is not below 0.01`);
console.log(`bits: jsd ${r.metrics.jsd.toExponential(2)} after ${r.config.iterations} iterations`);
' "$out/bits.json"
