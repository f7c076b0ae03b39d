/**
 * An independent float64 re-implementation of the proxy, written from the spec
 * (shared/spec/seh-proxy.md) one molecule at a time with plain loops: per-edge messages, an explicit
 * mean, PyTorch's GRU and LSTM gate formulas, and Set2Set with an ordinary softmax.
 */
import type { MoleculeGraph, SehWeights } from '../src/index.js';
import { ATOM_FEATURES, packBatch } from '../src/index.js';

const D = 64;
const lrelu = (v: number): number => (v > 0 ? v : 0.01 * v);
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** y = W·v + b for a row-major [out, in] weight (a linear layer). */
function linear(W: Float32Array, b: Float32Array | undefined, v: ArrayLike<number>, outDim: number, inDim: number): Float64Array {
  const out = new Float64Array(outDim);
  for (let o = 0; o < outDim; o++) {
    let s = b ? (b[o] as number) : 0;
    for (let i = 0; i < inDim; i++) s += (W[o * inDim + i] as number) * (v[i] as number);
    out[o] = s;
  }
  return out;
}

/** y of one molecule with the given stem atoms, in float64. */
export function referenceY(weights: SehWeights, graph: MoleculeGraph, stemAtoms: readonly number[]): number {
  const w = (name: string): Float32Array => (weights[name] as { data: Float32Array }).data;
  const n = graph.numAtoms;
  // The features of the molecule, taken from a one-molecule batch (rows 0 … n−1).
  const x = packBatch([graph], [stemAtoms], ['reference']).features;
  let h: Float64Array[] = [];
  for (let a = 0; a < n; a++) h.push(linear(w('lin0_W'), w('lin0_b'), x.subarray(a * ATOM_FEATURES, (a + 1) * ATOM_FEATURES), D, ATOM_FEATURES).map(lrelu));
  const E = w('edge_W_single_double_triple_aromatic');
  const edges: [number, number, number][] = [];
  for (let e = 0; e < graph.bondTypes.length; e++) {
    const s = graph.bondAtoms[2 * e] as number;
    const t = graph.bondAtoms[2 * e + 1] as number;
    const k = graph.bondTypes[e] as number;
    edges.push([s, t, k], [t, s, k]);
  }
  for (let round = 0; round < 12; round++) {
    const agg = Array.from({ length: n }, () => new Float64Array(D));
    const deg = new Float64Array(n);
    for (const [s, t, k] of edges) {
      deg[t] = (deg[t] as number) + 1;
      const hs = h[s] as Float64Array;
      const at = agg[t] as Float64Array;
      for (let o = 0; o < D; o++) {
        let v = 0;
        for (let i = 0; i < D; i++) v += (hs[i] as number) * (E[(k * D + i) * D + o] as number);
        at[o] = (at[o] as number) + v;
      }
    }
    const next: Float64Array[] = [];
    for (let a = 0; a < n; a++) {
      const ha = h[a] as Float64Array;
      const root = linear(w('root_W'), w('conv_b'), ha, D, D);
      const m = root.map((r, o) => lrelu(((agg[a] as Float64Array)[o] as number) / Math.max(1, deg[a] as number) + r));
      const gi = linear(w('gru_W_ih'), w('gru_b_ih'), m, 3 * D, D);
      const gh = linear(w('gru_W_hh'), w('gru_b_hh'), ha, 3 * D, D);
      const hn = new Float64Array(D);
      for (let o = 0; o < D; o++) {
        const r = sigmoid((gi[o] as number) + (gh[o] as number));
        const z = sigmoid((gi[D + o] as number) + (gh[D + o] as number));
        const cand = Math.tanh((gi[2 * D + o] as number) + r * (gh[2 * D + o] as number));
        hn[o] = (1 - z) * cand + z * (ha[o] as number);
      }
      next.push(hn);
    }
    h = next;
  }
  let q = new Float64Array(2 * D);
  let hs = new Float64Array(D);
  let cs = new Float64Array(D);
  for (let step = 0; step < 3; step++) {
    const gi = linear(w('s2s_W_ih'), w('s2s_b_ih'), q, 4 * D, 2 * D);
    const gh = linear(w('s2s_W_hh'), w('s2s_b_hh'), hs, 4 * D, D);
    const g = gi.map((v, j) => v + (gh[j] as number));
    const nextC = new Float64Array(D);
    const nextH = new Float64Array(D);
    for (let o = 0; o < D; o++) {
      const i = sigmoid(g[o] as number);
      const f = sigmoid(g[D + o] as number);
      const gg = Math.tanh(g[2 * D + o] as number);
      const og = sigmoid(g[3 * D + o] as number);
      nextC[o] = f * (cs[o] as number) + i * gg;
      nextH[o] = og * Math.tanh(nextC[o] as number);
    }
    cs = nextC;
    hs = nextH;
    const logits = h.map((ha) => ha.reduce((acc, v, o) => acc + v * (hs[o] as number), 0));
    const top = Math.max(...logits);
    const ex = logits.map((v) => Math.exp(v - top));
    const total = ex.reduce((p, v) => p + v, 0);
    const r = new Float64Array(D);
    h.forEach((ha, a) => {
      for (let o = 0; o < D; o++) r[o] = (r[o] as number) + ((ex[a] as number) / total) * (ha[o] as number);
    });
    q = new Float64Array(2 * D);
    q.set(hs, 0);
    q.set(r, D);
  }
  return linear(w('lin3_W'), w('lin3_b'), q, 1, 2 * D)[0] as number;
}
