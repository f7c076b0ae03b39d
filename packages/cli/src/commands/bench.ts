import { UsageError } from '../options.js';

/**
 * The benchmarks live in the private package `@gflownet/bench` (a devDependency: they pull in every
 * environment and the trainer, and are not published). This module only forwards to it.
 */
const BENCH_PACKAGE = '@gflownet/bench';

/** What this shim uses of `@gflownet/bench`. */
interface BenchModule {
  readonly BENCH_HELP: string;
  benchCommand(argv: readonly string[]): Promise<void>;
}

export const BENCH_HELP: string = [
  'Usage: gfn bench [options]',
  '',
  'Measures training iterations/s of trajectory balance per backend (hypergrid, DAG, fragments). Runs from a checkout of the gflownet-ts repository (`pnpm bench --help` there lists the options).',
].join('\n');

async function loadBench(): Promise<BenchModule | undefined> {
  try {
    // A variable specifier: the published CLI neither bundles nor type-checks against the private package.
    return (await import(BENCH_PACKAGE)) as BenchModule;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to load url/.test(e.message ?? '')) && (e.message ?? '').includes(BENCH_PACKAGE);
    if (missing) return undefined;
    throw error;
  }
}

/** `gfn bench`: runs `@gflownet/bench` where it is installed (this repository), else says where it runs (exit 2). */
export async function benchCommand(argv: readonly string[]): Promise<number | undefined> {
  const bench = await loadBench();
  if (!bench) {
    if (argv.includes('--help')) {
      process.stdout.write(`${BENCH_HELP}\n`);
      return 0;
    }
    process.stderr.write('gfn bench: runs from the gflownet-ts repository, not from an installed CLI: clone it, then `pnpm install && pnpm bench`\n');
    return 2;
  }
  try {
    await bench.benchCommand(argv);
    return undefined;
  } catch (error) {
    // The bench package's usage errors carry the same name; make them the CLI's (exit code 2, one line).
    if (error instanceof Error && error.name === 'UsageError') throw new UsageError(error.message);
    throw error;
  }
}
