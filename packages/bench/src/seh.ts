/**
 * Throughput of the sEH proxy (`@gflownet/reward-seh`) on the current tfjs backend: molecules/s
 * batched and one molecule at a time, and the achieved GFLOP/s of the network, counting the
 * multiply-adds its shapes need per molecule (`sehProxyMacs`: per-edge messages, root, GRU, Set2Set).
 * Select the backend first (e.g. `selectBenchBackend('wasm', 1)` for one wasm thread).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MoleculeGraph, SehMolecule, SehProxy } from '@gflownet/reward-seh';
import { sehProxy, sehProxyMacs } from '@gflownet/reward-seh';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link benchSehProxy}. */
export interface SehBenchOptions {
  /** Molecules to score (default: the 950 held-out molecules from shared/data, see {@link loadHeldoutSehMolecules}). */
  readonly molecules?: readonly SehMolecule[];
  /** Molecules per forward pass (default: `128`). */
  readonly batchSize?: number;
  /** Timed passes over the molecules after one warm-up pass; the fastest counts (default: `3`). */
  readonly repeats?: number;
  /** Molecules scored one at a time for the naive figure (default: `100`). */
  readonly naiveMolecules?: number;
}

/** What {@link benchSehProxy} measured. */
export interface SehBenchResult {
  readonly backend: string;
  readonly molecules: number;
  readonly batchSize: number;
  readonly meanAtoms: number;
  /** Network multiply-adds per molecule, on average. */
  readonly macsPerMolecule: number;
  /** Batched, end to end: RDKit featurisation (no cache) + network. */
  readonly moleculesPerSecond: number;
  /** Batched, network only (graphs featurised beforehand). */
  readonly networkMoleculesPerSecond: number;
  /** RDKit featurisation alone. */
  readonly featurizeMoleculesPerSecond: number;
  /** Achieved GFLOP/s of the batched network (2 FLOPs per multiply-add). */
  readonly gflops: number;
  /** One molecule per forward pass, network only. */
  readonly naiveMoleculesPerSecond: number;
  readonly naiveGflops: number;
}

/** The held-out molecules of the original experiment (SMILES + stem atoms), from `../shared` beside the repository or /work/shared. */
export function loadHeldoutSehMolecules(): SehMolecule[] {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const candidates = [`${repoRoot}../shared/data/seh/heldout_some_mols_U_1k.json`, '/work/shared/data/seh/heldout_some_mols_U_1k.json'];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`benchSehProxy: pass molecules, or provide ${candidates.join(' or ')}`);
  const rows = JSON.parse(readFileSync(path, 'utf8')) as { smiles: string; stem_atoms_canonical: number[] }[];
  return rows.map((r) => ({ smiles: r.smiles, stemAtoms: r.stem_atoms_canonical }));
}

/** Seconds of the fastest of `repeats` runs of `fn`, after one warm-up run. */
function fastest(repeats: number, fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

/** Measures the proxy on the current backend (see {@link SehBenchResult}). */
export async function benchSehProxy(options: SehBenchOptions = {}): Promise<SehBenchResult> {
  const molecules = options.molecules ?? loadHeldoutSehMolecules();
  const batchSize = options.batchSize ?? 128;
  const repeats = options.repeats ?? 3;
  const naiveCount = Math.min(options.naiveMolecules ?? 100, molecules.length);
  if (molecules.length === 0) throw new RangeError('benchSehProxy: molecules is empty');
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`benchSehProxy: repeats must be a positive integer, got ${repeats}`);
  // No graph cache: the end-to-end figure includes RDKit's work on every call.
  const proxy: SehProxy = await sehProxy({ batchSize, cacheSize: 0 });
  try {
    const graphs: MoleculeGraph[] = molecules.map((m, i) => proxy.graph(m.smiles, `molecule ${i}`));
    const stems = molecules.map((m) => m.stemAtoms ?? []);
    const macs = graphs.reduce((s, g) => s + sehProxyMacs(g.numAtoms, g.bondTypes.length), 0);
    const atoms = graphs.reduce((s, g) => s + g.numAtoms, 0);
    const endToEnd = fastest(repeats, () => proxy.predictSync(molecules));
    const network = fastest(repeats, () => proxy.predictGraphs(graphs, stems));
    const featurize = fastest(repeats, () => molecules.forEach((m, i) => proxy.graph(m.smiles, `molecule ${i}`)));
    // Evenly spread over the set, so that the naive sample has the set's size mix.
    const naiveIndices = Array.from({ length: naiveCount }, (_, j) => Math.floor((j * molecules.length) / naiveCount));
    const naiveGraphs = naiveIndices.map((i) => graphs[i] as MoleculeGraph);
    const naiveMacs = naiveGraphs.reduce((s, g) => s + sehProxyMacs(g.numAtoms, g.bondTypes.length), 0);
    const naive = fastest(1, () => naiveGraphs.forEach((g, j) => proxy.predictGraphs([g], [stems[naiveIndices[j] as number] as readonly number[]])));
    return {
      backend: tf.getBackend(),
      molecules: molecules.length,
      batchSize,
      meanAtoms: atoms / molecules.length,
      macsPerMolecule: macs / molecules.length,
      moleculesPerSecond: molecules.length / endToEnd,
      networkMoleculesPerSecond: molecules.length / network,
      featurizeMoleculesPerSecond: molecules.length / featurize,
      gflops: (2 * macs) / network / 1e9,
      naiveMoleculesPerSecond: naiveCount / naive,
      naiveGflops: (2 * naiveMacs) / naive / 1e9,
    };
  } finally {
    proxy.dispose();
  }
}
