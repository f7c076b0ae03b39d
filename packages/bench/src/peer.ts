import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GemmKernel } from '@gflownet/backend-wasm';
import { GEMM_KERNELS } from '@gflownet/backend-wasm';

/**
 * `pnpm bench:peer`: our trainer against torchgfn's own hypergrid script
 * (`tutorials/examples/train_hypergrid.py`), cell by cell and alternating, over batch sizes and
 * dimensions (H = 8, TB, 2×256 MLPs, learned P_B, the same iteration counts and evaluation interval).
 * Every run is a fresh process; iterations/s are counted from the end of the warm-up to the end of
 * training, periodic evaluation included on both sides. torchgfn runs with each of `torchThreads`,
 * ours with each of `ours`, and each side's better setting is compared.
 */
export interface PeerOptions {
  readonly torchgfnDir: string;
  readonly python: string;
  readonly ndims: readonly number[];
  readonly batchSizes: readonly number[];
  readonly height: number;
  readonly warmup: number;
  readonly iterations: number;
  /** Evaluation interval on both sides (torchgfn's `--validation_interval`, our `evalEvery`). */
  readonly evalEvery: number;
  readonly rounds: number;
  readonly torchThreads: readonly number[];
  /** Our settings (see {@link parseOursSetting}). */
  readonly ours: readonly OursSetting[];
  /** Called with each line of progress. */
  readonly log?: (line: string) => void;
}

/**
 * How our side runs: one trainer on a wasm backend of `wasmThreads` threads (`wasm-threads=N`), or
 * data-parallel over `threads` threads of one wasm thread each (`threads=N`); a suffix `:xnnpack`,
 * `:simd` or `:fma` chooses what multiplies matrices (default: the backend's).
 */
export interface OursSetting {
  readonly name: string;
  readonly wasmThreads: number;
  readonly threads: number;
  readonly gemm?: GemmKernel;
}

/** Parses `wasm-threads=N` or `threads=N` (N ≥ 1; `threads` needs N ≥ 2), optionally `:gemm`, or returns why not. */
export function parseOursSetting(text: string): OursSetting | string {
  const m = new RegExp(`^(wasm-threads|threads)=(\\d+)(?::(${GEMM_KERNELS.join('|')}))?$`).exec(text.trim());
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || !(n >= 1 && n <= 64)) return `expected wasm-threads=N or threads=N (N from 1 to 64), optionally ${GEMM_KERNELS.slice(0, -1).map((g) => `:${g}`).join(', ')} or :${GEMM_KERNELS.at(-1)}, got "${text}"`;
  if (m[1] === 'threads' && n < 2) return `threads=N splits the batch over N ≥ 2 threads (one thread is wasm-threads=1), got "${text}"`;
  const gemm = m[3] as OursSetting['gemm'];
  const base = m[1] === 'threads' ? { name: `threads=${n}`, wasmThreads: 1, threads: n } : { name: `wasm-threads=${n}`, wasmThreads: n, threads: 1 };
  return gemm ? { ...base, name: `${base.name}:${gemm}`, gemm } : base;
}

/** One cell's runs: ours per setting and torchgfn's per thread setting (iterations/s, in round order). */
export interface PeerCell {
  readonly ndim: number;
  readonly batchSize: number;
  readonly ours: Record<string, number[]>;
  readonly torchgfn: Record<string, number[]>;
}

export interface PeerResult {
  readonly cells: PeerCell[];
  readonly torch: string;
  readonly standIns: string[];
  readonly machine: { cpus: number; cpuModel: string; loadAverage: { start: number; end: number }; nice: number };
}

/** Why the peer benchmark cannot run here, or null when it can. */
export function peerUnavailable(torchgfnDir: string | undefined, python: string): string | null {
  if (!torchgfnDir) return 'TORCHGFN_DIR is not set: point it at a torchgfn checkout (one with tutorials/examples/train_hypergrid.py)';
  if (!existsSync(join(torchgfnDir, 'tutorials', 'examples', 'train_hypergrid.py'))) return `TORCHGFN_DIR=${torchgfnDir} has no tutorials/examples/train_hypergrid.py`;
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${python} did not start (${probe.error.message}); set GFN_PEER_PYTHON to a Python 3 with PyTorch`;
  if (probe.status !== 0) return `${python} has no PyTorch (import torch failed); set GFN_PEER_PYTHON to a Python 3 with PyTorch`;
  return null;
}

/** GFN_PEER_PYTHON, else /usr/bin/python3 where it has PyTorch, else `python3` on the PATH. */
export function defaultPeerPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GFN_PEER_PYTHON) return env.GFN_PEER_PYTHON;
  const system = '/usr/bin/python3';
  if (existsSync(system) && spawnSync(system, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return system;
  return 'python3';
}

const RESULT_MARK = 'GFN_PEER_RESULT ';

function resultOf(child: ReturnType<typeof spawnSync>, what: string): Record<string, unknown> {
  const stdout = String(child.stdout ?? '');
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (child.status !== 0 || !line) {
    const tail = String(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${what} failed (exit ${child.status ?? child.signal}): ${tail || child.error?.message || 'no output'}`);
  }
  return JSON.parse(line.slice(RESULT_MARK.length)) as Record<string, unknown>;
}

/** Environment of a torch run on `threads` threads: OpenBLAS's pool must not fight OpenMP's (see ../shared/design/tfjs-notes.md). */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  const t = String(threads);
  return { ...process.env, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, OMP_WAIT_POLICY: 'PASSIVE' };
}

function runTorchgfn(o: PeerOptions, ndim: number, batchSize: number, threads: number): Record<string, unknown> {
  const runner = fileURLToPath(new URL('../python/torchgfn_hypergrid.py', import.meta.url));
  const args = [runner, o.torchgfnDir, String(o.warmup), String(threads), '--'];
  args.push('--ndim', String(ndim), '--height', String(o.height), '--batch_size', String(batchSize), '--loss', 'TB');
  args.push('--n_trajectories', String((o.warmup + o.iterations) * batchSize), '--validation_interval', String(o.evalEvery), '--no_cuda');
  const child = spawnSync(o.python, args, { encoding: 'utf8', env: torchEnv(threads), maxBuffer: 64 * 2 ** 20 });
  return resultOf(child, `torchgfn (${ndim}-D, batch ${batchSize}, ${threads} thread${threads === 1 ? '' : 's'})`);
}

function runOurs(o: PeerOptions, ndim: number, batchSize: number, setting: OursSetting): Record<string, unknown> {
  const entry = fileURLToPath(new URL('./peer-ours.ts', import.meta.url));
  const cell = { ndim, height: o.height, batchSize, warmup: o.warmup, iterations: o.iterations, evalEvery: o.evalEvery, wasmThreads: setting.wasmThreads, threads: setting.threads, ...(setting.gemm ? { gemm: setting.gemm } : {}) };
  const child = spawnSync(process.execPath, [...process.execArgv, entry, JSON.stringify(cell)], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return resultOf(child, `ours (${ndim}-D, batch ${batchSize}, ${setting.name})`);
}

/** Runs every cell `rounds` times, alternating which side goes first. */
export function runPeer(o: PeerOptions): PeerResult {
  const log = o.log ?? (() => {});
  const loadStart = loadavg()[0] as number;
  const cells: PeerCell[] = [];
  for (const ndim of o.ndims) {
    for (const batchSize of o.batchSizes) {
      cells.push({ ndim, batchSize, ours: Object.fromEntries(o.ours.map((s) => [s.name, []])), torchgfn: Object.fromEntries(o.torchThreads.map((t) => [String(t), []])) });
    }
  }
  let torch = '';
  const standIns = new Set<string>();
  for (let round = 0; round < o.rounds; round++) {
    for (const cell of cells) {
      const ours = (): void => {
        for (const setting of o.ours) {
          const r = runOurs(o, cell.ndim, cell.batchSize, setting);
          (cell.ours[setting.name] as number[]).push(r.iterationsPerSecond as number);
          log(`round ${round + 1}: ${cell.ndim}-D batch ${cell.batchSize}: ours ${setting.name} ${(r.iterationsPerSecond as number).toFixed(1)} it/s`);
        }
      };
      const theirs = (): void => {
        for (const t of o.torchThreads) {
          const r = runTorchgfn(o, cell.ndim, cell.batchSize, t);
          (cell.torchgfn[String(t)] as number[]).push(r.iterationsPerSecond as number);
          torch = String(r.torch);
          for (const s of r.standIns as string[]) standIns.add(s);
          log(`round ${round + 1}: ${cell.ndim}-D batch ${cell.batchSize}: torchgfn ${t} thread${t === 1 ? '' : 's'} ${(r.iterationsPerSecond as number).toFixed(1)} it/s`);
        }
      };
      if (round % 2 === 0) {
        ours();
        theirs();
      } else {
        theirs();
        ours();
      }
    }
  }
  const cpuList = cpus();
  return {
    cells,
    torch,
    standIns: [...standIns],
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', loadAverage: { start: loadStart, end: loadavg()[0] as number }, nice: getPriority() },
  };
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The setting with the highest median iterations/s, and that median. */
function bestOf(runsBySetting: Record<string, number[]>): { setting: string; iterationsPerSecond: number } {
  let best = { setting: '', iterationsPerSecond: Number.NEGATIVE_INFINITY };
  for (const [setting, runs] of Object.entries(runsBySetting)) {
    const m = median(runs);
    if (m > best.iterationsPerSecond) best = { setting, iterationsPerSecond: m };
  }
  return best;
}

/** torchgfn's better thread setting for a cell (by median iterations/s) and that median. */
export function bestTorch(cell: PeerCell): { threads: string; iterationsPerSecond: number } {
  const best = bestOf(cell.torchgfn);
  return { threads: best.setting, iterationsPerSecond: best.iterationsPerSecond };
}

/** Our better setting for a cell (by median iterations/s) and that median. */
export function bestOurs(cell: PeerCell): { setting: string; iterationsPerSecond: number } {
  return bestOf(cell.ours);
}

const fmtRate = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The ratio table of issue 15 (medians over rounds; each side at its better setting), as Markdown. */
export function peerTable(r: PeerResult, height: number): string {
  const batches = [...new Set(r.cells.map((c) => c.batchSize))];
  const ndims = [...new Set(r.cells.map((c) => c.ndim))];
  const lines = [`| hypergrid, H = ${height} | ${batches.map((b) => `batch ${b}`).join(' | ')} |`, `|---|${batches.map(() => '---|').join('')}`];
  for (const d of ndims) {
    const row = batches.map((b) => {
      const cell = r.cells.find((c) => c.ndim === d && c.batchSize === b) as PeerCell;
      const ours = bestOurs(cell).iterationsPerSecond;
      const theirs = bestTorch(cell);
      const ratio = ours / theirs.iterationsPerSecond;
      const text = `${fmtRate(ours)} / ${fmtRate(theirs.iterationsPerSecond)} (${ratio.toFixed(1)}×)`;
      return ratio < 2 ? `**${text}**` : text;
    });
    lines.push(`| ${d}-D: ours / torchgfn | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Every run, for the record: ours per setting and torchgfn per thread setting, in round order. */
export function peerRuns(r: PeerResult): string {
  const settings = Object.keys(r.cells[0]?.ours ?? {});
  const threads = Object.keys(r.cells[0]?.torchgfn ?? {});
  const header = [...settings.map((s) => `ours, ${s}`), "ours' better", ...threads.map((t) => `torchgfn, ${t} thread${t === '1' ? '' : 's'}`), "torchgfn's better"];
  const lines = [`| cell | ${header.join(' | ')} |`, `|---|${header.map(() => '---|').join('')}`];
  for (const c of r.cells) {
    const runs = (v: number[]): string => v.map(fmtRate).join(', ');
    const torchBest = bestTorch(c).threads;
    const row = [...settings.map((s) => runs(c.ours[s] as number[])), bestOurs(c).setting, ...threads.map((t) => runs(c.torchgfn[t] as number[])), `${torchBest} thread${torchBest === '1' ? '' : 's'}`];
    lines.push(`| ${c.ndim}-D, batch ${c.batchSize} | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}
