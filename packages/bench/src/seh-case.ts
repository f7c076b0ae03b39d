import type { BenchCase } from './cases.js';

/**
 * The sEH proxy as a bench row: molecules/s batched (as "iterations", one molecule each), with the
 * achieved GFLOP/s and the naive one-molecule-per-pass figures in `extra`. A string when the held-out
 * molecules (../shared/data) or the package cannot be loaded.
 */
export async function sehCase(backend: string): Promise<BenchCase | string> {
  let mod: typeof import('./seh.js');
  try {
    mod = await import('./seh.js');
  } catch (error) {
    return `@gflownet/reward-seh did not load: ${(error as Error).message}`;
  }
  let molecules: ReturnType<typeof mod.loadHeldoutSehMolecules>;
  try {
    molecules = mod.loadHeldoutSehMolecules();
  } catch (error) {
    return (error as Error).message;
  }
  const r = await mod.benchSehProxy({ molecules, batchSize: 128, repeats: 2, naiveMolecules: 50 });
  return {
    backend,
    case: `sEH proxy (${r.molecules} molecules, ~${r.meanAtoms.toFixed(0)} atoms)`,
    batchSize: r.batchSize,
    iterations: r.molecules,
    iterationsPerSecond: r.moleculesPerSecond,
    cpuIterationsPerSecond: null,
    samplingMsPerIteration: 1000 / r.featurizeMoleculesPerSecond,
    updateMsPerIteration: 1000 / r.networkMoleculesPerSecond,
    lossMsPerIteration: null,
    optimiserMsPerIteration: null,
    rowsPerIteration: null,
    peakTensorBytes: 0,
    peakRssBytes: process.memoryUsage.rss(),
    flopsPerIteration: null,
    extra: { gflops: r.gflops, networkMoleculesPerSecond: r.networkMoleculesPerSecond, naiveMoleculesPerSecond: r.naiveMoleculesPerSecond, naiveGflops: r.naiveGflops, macsPerMolecule: r.macsPerMolecule },
  };
}
