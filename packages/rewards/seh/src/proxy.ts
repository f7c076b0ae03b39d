import type { PackedBatch } from './batch.js';
import { packBatch } from './batch.js';
import type { MoleculeGraph } from './featurize.js';
import { featurizeMolecule, SmilesParseError } from './featurize.js';
import { SehNetwork } from './network.js';
import type { RDKitModule } from './rdkit.js';
import { loadRDKit } from './rdkit.js';
import type { SehWeights } from './weights.js';
import { shippedSehWeights } from './weights.js';

/** A fragment-environment state as the proxy reads it. */
export interface SehMolecule {
  /** SMILES; atom i is the i-th atom written (RDKit's atom order). */
  readonly smiles: string;
  /**
   * Atom indices (into `smiles` as written) that carry a free attachment point; each gets the stem
   * mask. Empty or absent: atom 0 gets it, the convention for a molecule without free stems.
   */
  readonly stemAtoms?: readonly number[];
}

/** Options of {@link sehProxy}. */
export interface SehProxyOptions {
  /** An RDKit MinimalLib module to share (e.g. the fragment environment's); default: loaded once by this package. */
  readonly rdkit?: RDKitModule | Promise<RDKitModule>;
  /** Weights to use instead of the shipped ones (same names and shapes). */
  readonly weights?: SehWeights;
  /** Molecules per forward pass (default 128; molecules are sorted by size first to keep padding small). */
  readonly batchSize?: number;
  /** Featurised graphs kept by SMILES (default 10 000; 0 disables). Stems are applied per call, so this is exact. */
  readonly cacheSize?: number;
  /** What a SMILES RDKit cannot parse gives: an error (default) or y = 0.1, the original code's value. */
  readonly invalid?: 'throw' | 'floor';
}

/** The sEH proxy, ready to predict. */
export interface SehProxy {
  readonly rdkit: RDKitModule;
  readonly batchSize: number;
  /** y of every molecule (batched; one tfjs readback per batch). */
  predict(molecules: readonly SehMolecule[]): Promise<Float64Array>;
  /** Like {@link predict}, reading results back synchronously (cpu and wasm backends). */
  predictSync(molecules: readonly SehMolecule[]): Float64Array;
  /** The featurised graph of a SMILES (cached); throws naming `label` when RDKit cannot parse it. */
  graph(smiles: string, label?: string): MoleculeGraph;
  /** y of already featurised graphs, one forward pass per `batchSize` (no RDKit work). */
  predictGraphs(graphs: readonly MoleculeGraph[], stemAtoms: readonly (readonly number[])[]): Float64Array;
  /** Releases the weight tensors. */
  dispose(): void;
}

/** y given to molecules RDKit cannot parse with `invalid: 'floor'` (the original code's value). */
export const INVALID_MOLECULE_Y = 0.1;

function checkPositiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`sehProxy: ${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/** Molecule indices sorted by atom count, cut into batches of `size`. */
function sizeOrderedBatches(graphs: readonly MoleculeGraph[], indices: number[], size: number): number[][] {
  const order = [...indices].sort((a, b) => (graphs[a] as MoleculeGraph).numAtoms - (graphs[b] as MoleculeGraph).numAtoms);
  const out: number[][] = [];
  for (let s = 0; s < order.length; s += size) out.push(order.slice(s, s + size));
  return out;
}

/**
 * Loads the sEH binding proxy of Bengio et al. (2021) with its shipped weights on the current tfjs
 * backend. Its input is a molecule *with its free stems*: the stem mask is an atom feature.
 *
 * @example
 * const proxy = await sehProxy();
 * const y = await proxy.predict([{ smiles: 'c1ccccc1O', stemAtoms: [2, 4] }]);
 */
export async function sehProxy(options: SehProxyOptions = {}): Promise<SehProxy> {
  const batchSize = checkPositiveInteger(options.batchSize ?? 128, 'batchSize');
  if (batchSize === 0) throw new RangeError('sehProxy: batchSize must be at least 1');
  const cacheSize = checkPositiveInteger(options.cacheSize ?? 10_000, 'cacheSize');
  const invalid = options.invalid ?? 'throw';
  if (invalid !== 'throw' && invalid !== 'floor') throw new RangeError(`sehProxy: invalid must be 'throw' or 'floor', got ${String(invalid)}`);
  const rdkit = await (options.rdkit ?? loadRDKit());
  const network = new SehNetwork(options.weights ?? shippedSehWeights());
  const cache = new Map<string, MoleculeGraph>();

  const graph = (smiles: string, label = `SMILES "${smiles}"`): MoleculeGraph => {
    const hit = cache.get(smiles);
    if (hit) {
      // Re-insert: the Map's insertion order is the least-recently-used order.
      cache.delete(smiles);
      cache.set(smiles, hit);
      return hit;
    }
    const g = featurizeMolecule(rdkit, smiles, label);
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(smiles, g);
    }
    return g;
  };

  /** Graphs of the molecules, or undefined for ones RDKit cannot parse (with `invalid: 'floor'`). */
  const prepare = (molecules: readonly SehMolecule[]): { graphs: (MoleculeGraph | undefined)[]; stems: (readonly number[])[] } => {
    if (!Array.isArray(molecules)) throw new TypeError('sehProxy: molecules must be an array of { smiles, stemAtoms }');
    const stems: (readonly number[])[] = [];
    const graphs = molecules.map((m, i) => {
      const label = `molecule ${i}`;
      if (m === null || typeof m !== 'object') throw new TypeError(`sehProxy: ${label} must be an object { smiles, stemAtoms }`);
      stems.push(m.stemAtoms ?? []);
      try {
        return graph(m.smiles, label);
      } catch (err) {
        if (invalid === 'floor' && err instanceof SmilesParseError) return undefined;
        throw err;
      }
    });
    return { graphs, stems };
  };

  const batchesOf = (graphs: readonly (MoleculeGraph | undefined)[], stems: readonly (readonly number[])[]) => {
    const valid = graphs.flatMap((g, i) => (g ? [i] : []));
    return sizeOrderedBatches(graphs as MoleculeGraph[], valid, batchSize).map((idx) => ({
      idx,
      batch: packBatch(
        idx.map((i) => graphs[i] as MoleculeGraph),
        idx.map((i) => stems[i] as readonly number[]),
        idx.map((i) => `molecule ${i}`),
      ),
    }));
  };

  const run = (batch: PackedBatch): Float32Array => {
    const y = network.forward(batch);
    try {
      return y.dataSync() as Float32Array;
    } finally {
      y.dispose();
    }
  };

  const predictSync = (molecules: readonly SehMolecule[]): Float64Array => {
    const { graphs, stems } = prepare(molecules);
    const out = new Float64Array(graphs.length).fill(INVALID_MOLECULE_Y);
    for (const { idx, batch } of batchesOf(graphs, stems)) {
      const y = run(batch);
      idx.forEach((i, j) => (out[i] = y[j] as number));
    }
    return out;
  };

  return {
    rdkit,
    batchSize,
    graph,
    predictSync,
    async predict(molecules) {
      const { graphs, stems } = prepare(molecules);
      const out = new Float64Array(graphs.length).fill(INVALID_MOLECULE_Y);
      for (const { idx, batch } of batchesOf(graphs, stems)) {
        const t = network.forward(batch);
        const y = await t.data();
        t.dispose();
        idx.forEach((i, j) => (out[i] = y[j] as number));
      }
      return out;
    },
    predictGraphs(graphs, stemAtoms) {
      if (graphs.length !== stemAtoms.length) throw new RangeError(`sehProxy: ${graphs.length} graphs but ${stemAtoms.length} stem lists`);
      const out = new Float64Array(graphs.length);
      for (const { idx, batch } of batchesOf(graphs, stemAtoms)) {
        const y = run(batch);
        idx.forEach((i, j) => (out[i] = y[j] as number));
      }
      return out;
    },
    dispose: () => network.dispose(),
  };
}
