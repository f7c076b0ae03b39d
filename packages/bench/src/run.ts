import { cpus, getPriority, loadavg } from 'node:os';
import type { BenchBackendName } from './backends.js';
import { BENCH_BACKENDS, selectBenchBackend } from './backends.js';
import type { BenchCase } from './cases.js';
import { dagRun, fragmentsCase, hypergridRun, repeated, trainCase } from './cases.js';
import type { MatMulPeak } from './peak.js';
import { currentPeak, peakInChild } from './peak.js';
import { sehCase } from './seh-case.js';
import type { BenchOptionSpecs } from './options.js';
import { BenchUsageError, benchHelpText, parseBenchOptions } from './options.js';
import { packageVersions, writeJsonAtomic } from './results.js';

/** The cases of `gfn bench --cases`. */
export const BENCH_CASES = ['hypergrid-2d', 'hypergrid-4d', 'dag', 'dag-paper-mlp', 'dag-gnn', 'fragments', 'seh-proxy'] as const;
export type BenchCaseName = (typeof BENCH_CASES)[number];

/** The options of `gfn bench` (a public contract: extend, never rename). */
export const BENCH_OPTIONS: BenchOptionSpecs = {
  backends: { type: 'string', default: 'wasm,cpu', help: `Comma-separated backends to measure (${BENCH_BACKENDS.join(', ')})` },
  iterations: { type: 'int', min: 1, default: 300, help: 'Measured iterations per case (cpu runs a fifth of them; fragments a tenth)' },
  warmup: { type: 'int', min: 0, default: 30, help: 'Unmeasured iterations before each case, on the same policy' },
  'batch-sizes': { type: 'string', default: '16,64', help: 'Comma-separated batch sizes of the hypergrid cases' },
  cases: { type: 'string', default: BENCH_CASES.join(','), help: `Comma-separated cases (${BENCH_CASES.join(', ')})` },
  'wasm-threads': { type: 'int', min: 1, max: 64, default: 1, help: 'Threads of the wasm backend' },
  repeats: { type: 'int', min: 1, max: 20, default: 1, help: 'Runs per case; the run with the median iterations/s is reported, with the range' },
  out: { type: 'string', help: 'Also write the figures (JSON) here, e.g. docs/results/bench/latest.json' },
};

export const BENCH_HELP: string = benchHelpText(
  'gfn bench [options]',
  'Measures training iterations/s of trajectory balance (2×256 MLPs, learned P_B) per backend on hypergrid 2-D and 4-D H=8, DAG structure learning (d=5, batch 32) and fragment molecules (batch 16), split into sampling, loss (forward+backward) and optimiser time, with peak tensor memory, process RSS, the dense layers\' FLOPs per iteration and the achieved GFLOP/s against the backend\'s measured matMul peak.',
  BENCH_OPTIONS,
);

const fmt = (v: number | null, digits: number, width: number): string => (v === null ? '-' : v.toFixed(digits)).padStart(width);

const HEADER = `${'backend'.padEnd(11)}${'case'.padEnd(34)}${'batch'.padStart(6)}${'it/s'.padStart(9)}${'cpu it/s'.padStart(9)}${'sample ms'.padStart(10)}${'loss ms'.padStart(9)}${'opt ms'.padStart(8)}${'update ms'.padStart(10)}${'rows'.padStart(7)}${'tensor MB'.padStart(10)}${'RSS MB'.padStart(8)}${'MFLOP/it'.padStart(10)}${'GFLOP/s'.padStart(9)}${'of peak'.padStart(9)}`;

function row(c: BenchCase): string {
  const range = c.runs ? `  it/s ${Math.min(...c.runs.map((r) => r.iterationsPerSecond)).toFixed(1)}–${Math.max(...c.runs.map((r) => r.iterationsPerSecond)).toFixed(1)}` : '';
  return `${c.backend.padEnd(11)}${c.case.padEnd(34)}${String(c.batchSize).padStart(6)}${fmt(c.iterationsPerSecond, 1, 9)}${fmt(c.cpuIterationsPerSecond, 1, 9)}${fmt(c.samplingMsPerIteration, 2, 10)}${fmt(c.lossMsPerIteration, 2, 9)}${fmt(c.optimiserMsPerIteration, 2, 8)}${fmt(c.updateMsPerIteration, 2, 10)}${fmt(c.rowsPerIteration, 0, 7)}${fmt(c.peakTensorBytes / 2 ** 20, 1, 10)}${fmt(c.peakRssBytes / 2 ** 20, 0, 8)}${flopColumns(c)}${range}`;
}

const flopTotal = (f: NonNullable<BenchCase['flopsPerIteration']>): number => f.sampling + f.loss + f.optimiser;

/** MFLOP per iteration, achieved GFLOP/s and its fraction of the backend's peak ('-' where not counted). */
function flopColumns(c: BenchCase): string {
  const f = c.flopsPerIteration;
  const percent = c.fractionOfPeak != null ? `${(100 * c.fractionOfPeak).toFixed(0)}%` : '-';
  return `${fmt(f ? flopTotal(f) / 1e6 : null, 1, 10)}${fmt(c.gflopsPerSecond?.total ?? null, 2, 9)}${percent.padStart(9)}`;
}

/** Achieved GFLOP/s of a case (all counted FLOPs over sampling + update time, and per phase) and its fraction of `peak`. */
function withAchieved(c: BenchCase, peak: MatMulPeak | null): BenchCase {
  const f = c.flopsPerIteration;
  if (!f) return c;
  const rate = (flops: number, ms: number | null): number => (ms && ms > 0 ? flops / (ms * 1e6) : 0);
  const total = rate(flopTotal(f), c.samplingMsPerIteration + c.updateMsPerIteration);
  return {
    ...c,
    gflopsPerSecond: { total, sampling: rate(f.sampling, c.samplingMsPerIteration), loss: rate(f.loss, c.lossMsPerIteration) },
    fractionOfPeak: peak ? total / peak.gflopsPerSecond : null,
  };
}

function peakLine(label: string, p: MatMulPeak | string): string {
  if (typeof p === 'string') return `${label.padEnd(11)}peak: ${p}`;
  const threads = p.threads === null ? '' : ` (${p.threads} thread${p.threads === 1 ? '' : 's'})`;
  return `${label.padEnd(11)}peak: plain matMul ${p.shape} at ${p.gflopsPerSecond.toFixed(1)} GFLOP/s${threads}, best of ${p.repeats}`;
}

function list<T extends string>(raw: string, allowed: readonly T[], option: string): T[] {
  const out = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const v of out) if (!allowed.includes(v as T)) throw new BenchUsageError(`--${option}: unknown value "${v}" (available: ${allowed.join(', ')})`);
  return out as T[];
}

/**
 * `gfn bench` (and `pnpm bench`): measures every case on every backend, prints one table row per
 * case and, with `--out`, writes the figures as JSON. Usage errors throw an error named `UsageError`.
 */
export async function benchCommand(argv: readonly string[]): Promise<void> {
  const options = parseBenchOptions(argv, BENCH_OPTIONS);
  if (options.help) {
    process.stdout.write(`${BENCH_HELP}\n`);
    return;
  }
  const backends = list(String(options.backends), BENCH_BACKENDS, 'backends') as BenchBackendName[];
  const cases = list(String(options.cases), BENCH_CASES, 'cases') as BenchCaseName[];
  const batchSizes = String(options['batch-sizes']).split(',').map((s) => Number(s.trim()));
  for (const b of batchSizes) if (!Number.isInteger(b) || b < 1) throw new BenchUsageError(`--batch-sizes: expected positive integers, got "${options['batch-sizes']}"`);
  const wasmThreads = options['wasm-threads'] as number;
  const repeats = options.repeats as number;
  const loadStart = loadavg();
  const measured: BenchCase[] = [];
  const peaks: MatMulPeak[] = [];
  const skipped: { backend: string; case: string; reason: string }[] = [];
  process.stdout.write(`${HEADER}\n`);
  for (const name of backends) {
    const label = name === 'wasm' ? `wasm${wasmThreads > 1 ? `×${wasmThreads}` : ''}` : name;
    let backend: string;
    try {
      backend = await selectBenchBackend(name, wasmThreads);
    } catch (error) {
      // A backend that cannot load here (e.g. tfjs-node not installed) is reported, not fatal.
      const reason = (error as Error).message;
      skipped.push({ backend: label, case: 'all', reason });
      process.stdout.write(`${label.padEnd(11)}skipped: ${reason}\n`);
      continue;
    }
    // The distance from the limit: a plain large matMul on this backend (and, with threads, on one thread too),
    // each in a child process.
    // Where no child can start (a runner without a TypeScript loader), the backend's own peak is measured here.
    const own = peakInChild(name, wasmThreads);
    const measuredPeaks = [
      typeof own === 'string' ? currentPeak(name === 'wasm' ? wasmThreads : null, name === 'cpu' ? 2 : 5) : own,
      ...(name === 'wasm' && wasmThreads > 1 ? [peakInChild(name, 1)] : []),
    ];
    for (const p of measuredPeaks) {
      if (typeof p !== 'string') peaks.push(p);
      process.stdout.write(`${peakLine(label, p)}\n`);
    }
    const peak = measuredPeaks[0] as MatMulPeak;
    const slow = name === 'cpu';
    const iterations = slow ? Math.max(1, Math.round((options.iterations as number) / 5)) : (options.iterations as number);
    const warmup = slow ? Math.min(options.warmup as number, 5) : (options.warmup as number);
    const report = (c: BenchCase | string, caseName: string): void => {
      if (typeof c === 'string') {
        skipped.push({ backend: label, case: caseName, reason: c });
        process.stdout.write(`${label.padEnd(11)}${caseName.padEnd(34)} skipped: ${c}\n`);
        return;
      }
      const withBackend = withAchieved({ ...c, backend: label, tfjsBackend: backend } as BenchCase, peak);
      measured.push(withBackend);
      process.stdout.write(`${row(withBackend)}\n`);
    };
    for (const caseName of cases) {
      if (caseName === 'hypergrid-2d' || caseName === 'hypergrid-4d') {
        for (const batchSize of batchSizes) {
          report(await repeated(repeats, () => trainCase(label, hypergridRun(caseName === 'hypergrid-2d' ? 2 : 4, batchSize), iterations, warmup)), caseName);
        }
      } else if (caseName === 'dag' || caseName === 'dag-paper-mlp' || caseName === 'dag-gnn') {
        const policy = caseName === 'dag' ? 'default' : caseName === 'dag-gnn' ? 'gnn' : 'paper-mlp';
        // The GNN is about ten times slower: a tenth of the iterations.
        const n = policy === 'gnn' ? Math.max(1, Math.round(iterations / 10)) : iterations;
        report(
          await repeated(repeats, async () => {
            const run = await dagRun(policy);
            return typeof run === 'string' ? run : trainCase(label, run, n, policy === 'gnn' ? Math.min(warmup, 3) : warmup);
          }),
          caseName,
        );
      } else if (caseName === 'seh-proxy') {
        report(await sehCase(label), 'seh-proxy');
      } else {
        report(await repeated(repeats, () => fragmentsCase(label, Math.max(1, Math.round(iterations / 10)), Math.min(warmup, 5))), 'fragments');
      }
    }
  }
  if (options.out) {
    const cpuList = cpus();
    writeJsonAtomic(options.out as string, {
      date: new Date().toISOString(),
      command: `gfn bench ${argv.join(' ')}`.trim(),
      machine: {
        cpus: cpuList.length,
        cpuModel: cpuList[0]?.model ?? 'unknown',
        node: process.versions.node,
        platform: process.platform,
        // Other processes on the machine slow a run down: the 1-minute load average before and after.
        loadAverage: { start: loadStart[0], end: loadavg()[0] },
        // The bench's scheduling priority (nice value): −20 when run with `nice -n -20` on a shared machine.
        nice: getPriority(),
      },
      settings: { iterations: options.iterations, warmup: options.warmup, wasmThreads, repeats, cpuIterations: 'a fifth', fragmentsIterations: 'a tenth' },
      packageVersions: packageVersions(),
      reference: {
        torchgfn: { 'hypergrid 2-D H=8': 42, 'hypergrid 4-D H=8': 24, note: 'iterations/s, PyTorch 1 thread, batch 16, this machine kind' },
        goal: { 'hypergrid 2-D H=8': 84, 'hypergrid 4-D H=8': 48, note: 'twice torchgfn, batch 16' },
      },
      peaks,
      cases: measured,
      skipped,
    });
    process.stdout.write(`written to ${options.out}\n`);
  }
}
