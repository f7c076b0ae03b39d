import type { DagData } from './data.js';
import { choleskySolve, lnGamma, logDetSubmatrix } from './linalg.js';

/**
 * A decomposable score: log p(D | G) = Σ_j LocalScore(j | Pa_G(j)). `local` is uncached; the
 * environment caches it by (node, parent set).
 */
export interface LocalScore {
  /** `"bge"`, `"lingauss"` or a custom name. */
  readonly name: string;
  /** Number of variables. */
  readonly d: number;
  /** LocalScore(node | parents); `parents` are distinct variable indices other than `node`, in ascending order. */
  local(node: number, parents: readonly number[]): number;
}

/** Options of {@link bgeScore}. */
export interface BgeOptions {
  /** Precision α_μ of the Normal prior on the mean (default: `1`). */
  readonly alphaMu?: number;
  /** Degrees of freedom α_w of the Wishart prior; must exceed d + 1 (default: `d + 2`). */
  readonly alphaW?: number;
  /** Prior mean μ0 of every variable (default: `0`). */
  readonly priorMean?: number;
}

/**
 * The BGe score (Geiger & Heckerman 1994, with the Kuipers et al. 2014 correction), as in
 * DAG-GFlowNet's `scores/bge_score.py`: with t = α_μ(α_w − d − 1)/(α_μ + 1) and
 * R = t·I + (X − x̄)ᵀ(X − x̄) + (Nα_μ/(N + α_μ))(x̄ − μ0)(x̄ − μ0)ᵀ,
 * LocalScore(j | Pa) = g[l] + ½(N + α_w − d + l)·log det R[Pa,Pa] − ½(N + α_w − d + l + 1)·log det R[V,V]
 * with l = |Pa|, V = {j} ∪ Pa, and
 * g[l] = ½(log α_μ − log(N + α_μ)) + lnΓ(½(N + α_w − d + l + 1)) − lnΓ(½(α_w − d + l + 1)) − ½N log π
 * + ½(α_w − d + 2l + 1)·log t. BGe is score-equivalent: Markov-equivalent DAGs score equally.
 */
export function bgeScore(data: DagData, options: BgeOptions = {}): LocalScore {
  const { n: N, d } = data;
  const alphaMu = options.alphaMu ?? 1;
  const alphaW = options.alphaW ?? d + 2;
  const mu0 = options.priorMean ?? 0;
  if (!(alphaMu > 0 && Number.isFinite(alphaMu))) throw new RangeError(`bgeScore: alphaMu must be a positive number, got ${alphaMu}`);
  if (!(alphaW > d + 1 && Number.isFinite(alphaW))) throw new RangeError(`bgeScore: alphaW must exceed d + 1 = ${d + 1}, got ${alphaW}`);
  if (!Number.isFinite(mu0)) throw new RangeError(`bgeScore: priorMean must be finite, got ${mu0}`);
  const t = (alphaMu * (alphaW - d - 1)) / (alphaMu + 1);
  const X = data.values;
  const mean = new Float64Array(d);
  for (let r = 0; r < N; r++) for (let c = 0; c < d; c++) mean[c] = (mean[c] as number) + (X[r * d + c] as number) / N;
  const R = new Float64Array(d * d);
  const w = (N * alphaMu) / (N + alphaMu);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let r = 0; r < N; r++) s += ((X[r * d + a] as number) - (mean[a] as number)) * ((X[r * d + b] as number) - (mean[b] as number));
      s += w * ((mean[a] as number) - mu0) * ((mean[b] as number) - mu0);
      if (a === b) s += t;
      R[a * d + b] = s;
      R[b * d + a] = s;
    }
  }
  const g = new Float64Array(d);
  for (let l = 0; l < d; l++) {
    g[l] =
      0.5 * (Math.log(alphaMu) - Math.log(N + alphaMu)) +
      lnGamma(0.5 * (N + alphaW - d + l + 1)) -
      lnGamma(0.5 * (alphaW - d + l + 1)) -
      0.5 * N * Math.log(Math.PI) +
      0.5 * (alphaW - d + 2 * l + 1) * Math.log(t);
  }
  return {
    name: 'bge',
    d,
    local(node, parents) {
      const l = parents.length;
      if (l === 0) return (g[0] as number) - 0.5 * (N + alphaW - d + 1) * Math.log(Math.abs(R[node * d + node] as number));
      return (
        (g[l] as number) +
        0.5 * (N + alphaW - d + l) * logDetSubmatrix(R, d, parents) -
        0.5 * (N + alphaW - d + l + 1) * logDetSubmatrix(R, d, [node, ...parents])
      );
    },
  };
}

/** Options of {@link linearGaussianScore}. */
export interface LinearGaussianOptions {
  /** Mean μ_w of the Normal prior on each edge weight (default: `0`). */
  readonly priorMean?: number;
  /** Standard deviation σ_w of the Normal prior on each edge weight (default: `1`). */
  readonly priorScale?: number;
  /** Standard deviation σ of the observation noise (default: `√0.1`, as in DAG-GFlowNet). */
  readonly obsScale?: number;
}

/**
 * The linear-Gaussian score of DAG-GFlowNet: x_j = X_Pa w + ε with w ~ N(μ_w, σ_w² I) and
 * ε ~ N(0, σ² I), integrated over w, on the raw (uncentred) data. For k = |Pa|,
 * diff = (x_j − μ_w X_Pa 1)/σ, y = σ_w X_Paᵀ diff, Σ = σ² I_k + σ_w² X_Paᵀ X_Pa and
 * LocalScore = −½[‖diff‖² − yᵀΣ⁻¹y + log det Σ + 2(N − k) log σ + N log 2π]
 * (the original's d × d form with the non-parent columns zeroed reduces to this). Not
 * score-equivalent.
 */
export function linearGaussianScore(data: DagData, options: LinearGaussianOptions = {}): LocalScore {
  const { n: N, d } = data;
  const muW = options.priorMean ?? 0;
  const sigmaW = options.priorScale ?? 1;
  const sigma = options.obsScale ?? Math.sqrt(0.1);
  if (!Number.isFinite(muW)) throw new RangeError(`linearGaussianScore: priorMean must be finite, got ${muW}`);
  if (!(sigmaW > 0 && Number.isFinite(sigmaW))) throw new RangeError(`linearGaussianScore: priorScale must be positive, got ${sigmaW}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`linearGaussianScore: obsScale must be positive, got ${sigma}`);
  const X = data.values;
  const G = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let r = 0; r < N; r++) s += (X[r * d + a] as number) * (X[r * d + b] as number);
      G[a * d + b] = s;
      G[b * d + a] = s;
    }
  }
  const constant = N * Math.log(2 * Math.PI);
  return {
    name: 'lingauss',
    d,
    local(node, parents) {
      const k = parents.length;
      // Everything comes from the Gram matrix G = XᵀX.
      let diff2 = G[node * d + node] as number;
      const Sigma = new Float64Array(k * k);
      const y = new Float64Array(k);
      for (let a = 0; a < k; a++) {
        const pa = parents[a] as number;
        let rowSum = 0;
        for (let b = 0; b < k; b++) {
          const gab = G[pa * d + (parents[b] as number)] as number;
          rowSum += gab;
          Sigma[a * k + b] = sigmaW * sigmaW * gab + (a === b ? sigma * sigma : 0);
        }
        diff2 += -2 * muW * (G[pa * d + node] as number) + muW * muW * rowSum;
        y[a] = (sigmaW / sigma) * ((G[pa * d + node] as number) - muW * rowSum);
      }
      diff2 /= sigma * sigma;
      let quad = 0;
      let logDet = 0;
      if (k > 0) {
        const solved = choleskySolve(Sigma, k, y);
        logDet = solved.logDet;
        for (let a = 0; a < k; a++) quad += (y[a] as number) * (solved.x[a] as number);
      }
      return -0.5 * (diff2 - quad + logDet + 2 * (N - k) * Math.log(sigma) + constant);
    },
  };
}
