import { lnGamma } from './linalg.js';

/**
 * A modular prior over DAGs: log p(G) = Σ_j logPrior(|Pa_G(j)|) (up to a constant), as the
 * DAG-GFlowNet code defines its priors (`scores/priors.py`).
 */
export interface GraphPrior {
  /** `"uniform"`, `"erdos-renyi"`, `"edge"`, `"fair"` or a custom name. */
  readonly name: string;
  /** The per-node term for a node with `numParents` parents (0 ≤ numParents < d). */
  logPrior(numParents: number): number;
}

/** Names of the built-in priors. */
export type PriorName = 'uniform' | 'erdos-renyi' | 'edge' | 'fair';

/** Names of {@link GraphPrior}s {@link graphPrior} builds. */
export const PRIOR_NAMES: readonly PriorName[] = ['uniform', 'erdos-renyi', 'edge', 'fair'];

/** Options of {@link graphPrior}. */
export interface PriorOptions {
  /**
   * `erdos-renyi`: expected number of edges E; p = E/(d(d−1)/2) must lie in (0, 1)
   * (default: d(d−1)/4, i.e. p = 0.5; the code's default, one edge per node, is the same at d = 5).
   */
  readonly expectedEdges?: number;
  /** `edge`: the factor β per edge (default: `1`, which is the uniform prior). */
  readonly beta?: number;
}

/**
 * The DAG-GFlowNet priors, per node with k parents:
 * - `uniform`: 0 (every DAG equally likely).
 * - `erdos-renyi`: k·log p + (d − k − 1)·log(1 − p), i.e. each of the d − 1 possible parents
 *   independently with probability p.
 * - `edge`: k·log β, so p(G) ∝ β^|E|.
 * - `fair`: −log C(d, k) = −lnΓ(d + 1) + lnΓ(d − k + 1) + lnΓ(k + 1), which down-weights parent
 *   sets by how many there are of their size (the code uses d, not d − 1, here; kept as is).
 */
export function graphPrior(name: PriorName, d: number, options: PriorOptions = {}): GraphPrior {
  if (!Number.isInteger(d) || d < 2) throw new RangeError(`graphPrior: d must be an integer ≥ 2, got ${d}`);
  let table: Float64Array;
  const k = Float64Array.from({ length: d }, (_, i) => i);
  switch (name) {
    case 'uniform':
      table = new Float64Array(d);
      break;
    case 'erdos-renyi': {
      const pairs = (d * (d - 1)) / 2;
      const E = options.expectedEdges ?? pairs / 2;
      const p = E / pairs;
      if (!(p > 0 && p < 1)) {
        throw new RangeError(`erdos-renyi prior: expected edges ${E} gives edge probability ${p} for ${d} variables; it must lie strictly between 0 and ${pairs}`);
      }
      table = k.map((kk) => kk * Math.log(p) + (d - kk - 1) * Math.log1p(-p));
      break;
    }
    case 'edge': {
      const beta = options.beta ?? 1;
      if (!(beta > 0 && Number.isFinite(beta))) throw new RangeError(`edge prior: beta must be a positive number, got ${beta}`);
      table = k.map((kk) => kk * Math.log(beta));
      break;
    }
    case 'fair':
      table = k.map((kk) => -lnGamma(d + 1) + lnGamma(d - kk + 1) + lnGamma(kk + 1));
      break;
    default:
      throw new RangeError(`unknown prior "${String(name)}" (choose one of ${PRIOR_NAMES.join(', ')})`);
  }
  return {
    name,
    logPrior(numParents) {
      const v = table[numParents];
      if (v === undefined) throw new RangeError(`${name} prior: a node cannot have ${numParents} parents among ${d} variables`);
      return v;
    },
  };
}
