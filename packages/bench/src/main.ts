#!/usr/bin/env node
// `pnpm bench [options]`: the same as `gfn bench` in this repository (see BENCH_HELP).
import { benchCommand } from './run.js';

try {
  await benchCommand(process.argv.slice(2));
} catch (err) {
  const e = err as Error;
  process.stderr.write(`gfn bench: ${(e.message ?? String(err)).replace(/^gfn \w+: /, '')}\n`);
  if (process.env.GFN_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
  process.exitCode = e.name === 'UsageError' ? 2 : 1;
}
// Exit explicitly once the output is flushed: with --wasm-threads the backend's worker threads would keep the process alive.
process.stdout.write('', () => process.exit());
