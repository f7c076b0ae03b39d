#!/usr/bin/env bash
# Run by `pnpm test:all` (and so by CI): this example is short enough to check on every change.
exec bash "$(dirname "$0")/run.sh"
