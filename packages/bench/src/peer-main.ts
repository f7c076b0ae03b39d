#!/usr/bin/env node
// `pnpm bench:peer [options]`: our trainer against torchgfn's hypergrid script, side by side (see peer.ts).
import { checkWritable, writeTextAtomic } from '@gflownet/experiment';
import type { BenchOptionSpecs } from './options.js';
import { BenchUsageError, benchHelpText, parseBenchOptions } from './options.js';
import { defaultPeerPython, parseOursSetting, peerRuns, peerTable, peerUnavailable, runPeer } from './peer.js';

const OPTIONS: BenchOptionSpecs = {
  'batch-sizes': { type: 'string', default: '16,64,256', help: 'Comma-separated batch sizes' },
  ndims: { type: 'string', default: '2,4', help: 'Comma-separated hypergrid dimensions' },
  height: { type: 'int', min: 2, max: 64, default: 8, help: 'Hypergrid side H' },
  iterations: { type: 'int', min: 1, default: 200, help: 'Measured iterations per run (both sides)' },
  warmup: { type: 'int', min: 1, default: 20, help: 'Iterations before the clock starts (both sides)' },
  'eval-every': { type: 'int', min: 1, default: 100, help: "Evaluation interval on both sides (torchgfn's --validation_interval default)" },
  rounds: { type: 'int', min: 1, max: 20, default: 2, help: 'Runs per cell and side, alternating which side goes first; medians are compared' },
  'torch-threads': { type: 'string', default: '1,2', help: "Comma-separated torch thread counts; each cell compares against torchgfn's better one" },
  'wasm-threads': { type: 'int', min: 1, max: 64, default: 1, help: 'Threads of our wasm backend (the setting wasm-threads=N when --ours is not given)' },
  ours: {
    type: 'string',
    help: "Comma-separated settings of ours: wasm-threads=N (one trainer, wasm backend on N threads) or threads=N (data-parallel over N threads, one wasm thread each); each cell compares ours' better one",
  },
  out: { type: 'string', help: 'Also write the tables (Markdown) here, e.g. docs/results/bench/peer-2026-12-01.md' },
};

const HELP = benchHelpText(
  'pnpm bench:peer [options]',
  "Runs our trainer and torchgfn's tutorials/examples/train_hypergrid.py side by side (TB, 2×256 MLPs, learned P_B) and prints iterations/s and their ratio per cell. Needs TORCHGFN_DIR (a torchgfn checkout) and a Python with PyTorch (GFN_PEER_PYTHON; default /usr/bin/python3 when it has torch, else python3); skipped with a message otherwise.",
  OPTIONS,
);

function integers(raw: string, option: string): number[] {
  const values = raw.split(',').map((s) => Number(s.trim()));
  for (const v of values) if (!Number.isInteger(v) || v < 1) throw new BenchUsageError(`--${option}: expected comma-separated positive integers, got "${raw}"`);
  return values;
}

async function main(argv: readonly string[]): Promise<void> {
  const o = parseBenchOptions(argv, OPTIONS);
  if (o.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const batchSizes = integers(String(o['batch-sizes']), 'batch-sizes');
  const ndims = integers(String(o.ndims), 'ndims');
  const torchThreads = integers(String(o['torch-threads']), 'torch-threads');
  const ours = (o.ours === undefined ? [`wasm-threads=${o['wasm-threads']}`] : String(o.ours).split(',')).map((text) => {
    const setting = parseOursSetting(text);
    if (typeof setting === 'string') throw new BenchUsageError(`--ours: ${setting}`);
    return setting;
  });
  if (o.out) checkWritable(String(o.out), '--out');
  const python = defaultPeerPython();
  const torchgfnDir = process.env.TORCHGFN_DIR;
  const unavailable = peerUnavailable(torchgfnDir, python);
  if (unavailable) {
    process.stdout.write(`bench:peer skipped: ${unavailable}\n`);
    return;
  }
  const command = `pnpm bench:peer ${argv.join(' ')}`.trim();
  const height = o.height as number;
  const result = runPeer({
    torchgfnDir: torchgfnDir as string,
    python,
    ndims,
    batchSizes,
    height,
    warmup: o.warmup as number,
    iterations: o.iterations as number,
    evalEvery: o['eval-every'] as number,
    rounds: o.rounds as number,
    torchThreads,
    ours,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const m = result.machine;
  const text = [
    `Iterations/s, median of ${o.rounds} alternating run${o.rounds === 1 ? '' : 's'} per side and setting; each side at its better setting; ratios under the 2× goal in bold.`,
    '',
    peerTable(result, height),
    '',
    peerRuns(result),
    '',
    `Command: \`${command}\` (TORCHGFN_DIR=${torchgfnDir}, Python ${python}, torch ${result.torch}; stand-ins: ${result.standIns.join(', ') || 'none'}).`,
    `Machine: ${m.cpus} × ${m.cpuModel}, load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end.toFixed(1)} at the end, nice ${m.nice}; ours: ${ours.map((x) => x.name).join(', ')}.`,
    `Each run: ${o.warmup} warm-up + ${o.iterations} measured iterations, evaluation every ${o['eval-every']} on both sides (torchgfn: its validation; ours: exact evaluation).`,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (o.out) {
    writeTextAtomic(String(o.out), `${text}\n`);
    process.stdout.write(`written to ${o.out}\n`);
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  const e = err as Error;
  process.stderr.write(`bench:peer: ${(e.message ?? String(err)).replace(/^gfn \w+: /, '')}\n`);
  process.exitCode = e.name === 'UsageError' ? 2 : 1;
}
