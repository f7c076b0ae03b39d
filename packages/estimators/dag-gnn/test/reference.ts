import type * as tf from '@tensorflow/tfjs-core';

/**
 * A float64, one-state-at-a-time transcription of the DAG-GFlowNet network from its description
 * (jraph GraphNetwork with concatenated arguments, Haiku MLP and MultiHeadAttention), reading the
 * weights of a `dagGnnPolicy` in its `parameters().forward` order. Written independently of the
 * batched tensor code, with plain loops over the graph's edges.
 */
type Vec = number[];
type Mat = { rows: number; cols: number; data: Float32Array };

const mat = (v: tf.Variable): Mat => ({ rows: v.shape[0] ?? 1, cols: v.shape[1] ?? 1, data: v.dataSync() as Float32Array });
const affine = (x: Vec, w: Mat, b: Mat): Vec =>
  Array.from({ length: w.cols }, (_, c) => x.reduce((s, xi, r) => s + xi * (w.data[r * w.cols + c] as number), b.data[c] as number));
const relu = (x: Vec): Vec => x.map((v) => Math.max(v, 0));
const add = (a: Vec, b: Vec): Vec => a.map((v, i) => v + (b[i] as number));
const dot = (a: Vec, b: Vec): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** A two-layer MLP stored as [W1(, split parts…), b1, W2, b2] starting at `at`; `parts` first-layer blocks. */
function mlp(params: Mat[], at: number, parts: number, x: Vec[]): { out: Vec } {
  // The first layer's weight is split by input block (parts of the concatenated input, in order).
  const input = x.flat();
  const w1: Mat = { rows: 0, cols: (params[at] as Mat).cols, data: new Float32Array(0) };
  const chunks: Float32Array[] = [];
  for (let k = 0; k < parts; k++) ((w1.rows += (params[at + k] as Mat).rows), chunks.push((params[at + k] as Mat).data));
  w1.data = Float32Array.from(chunks.flatMap((c) => [...c]));
  const h = relu(affine(input, w1, params[at + parts] as Mat));
  return { out: affine(h, params[at + parts + 1] as Mat, params[at + parts + 2] as Mat) };
}

/** log-probabilities `[d² + 1]` of one state (adjacency and closure, d² each). */
export function referenceLogProbs(variables: tf.Variable[], d: number, E: number, blocks: number, heads: number, keySize: number, adjacency: ArrayLike<number>, closure: ArrayLike<number>): number[] {
  const p = variables.map(mat);
  const rowOf = (m: Mat, r: number): Vec => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
  let h: Vec[] = Array.from({ length: d }, (_, i) => rowOf(p[0] as Mat, i));
  const edgeList: [number, number][] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (adjacency[i * d + j]) edgeList.push([i, j]);
  let e: Vec[] = edgeList.map(() => rowOf(p[1] as Mat, 0));
  let g: Vec = [0];
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const newE = edgeList.map(([i, j], k) => mlp(p, at, 4, [e[k] as Vec, h[i] as Vec, h[j] as Vec, g]).out);
    at += 4 + 3;
    const zero = (): Vec => new Array(E).fill(0);
    const sent = h.map(() => zero());
    const received = h.map(() => zero());
    edgeList.forEach(([i, j], k) => ((sent[i] = add(sent[i] as Vec, newE[k] as Vec)), (received[j] = add(received[j] as Vec, newE[k] as Vec))));
    const newH = h.map((hi, i) => mlp(p, at, 4, [hi, sent[i] as Vec, received[i] as Vec, g]).out);
    at += 4 + 3;
    const nodeSum = newH.reduce(add, zero());
    const edgeSum = newE.reduce(add, zero());
    const newG = mlp(p, at, 3, [nodeSum, edgeSum, g]).out;
    at += 3 + 3;
    h = h.map((hi, i) => add(hi, newH[i] as Vec));
    e = e.map((ek, k) => add(ek, newE[k] as Vec));
    g = g.length === 1 ? newG.map((v) => v + (g[0] as number)) : add(g, newG);
  }
  const qkv = h.map((hi) => affine(hi, p[at] as Mat, p[at + 1] as Mat));
  at += 2;
  const project = (k: number, part: number): Vec[] => qkv.map((x) => affine(x.slice(part * E, (part + 1) * E), p[at + 2 * k] as Mat, p[at + 2 * k + 1] as Mat));
  const [Q, K, V] = [project(0, 0), project(1, 1), project(2, 2)] as [Vec[], Vec[], Vec[]];
  const attended = h.map((_, i) => {
    const concat: Vec = [];
    for (let hd = 0; hd < heads; hd++) {
      const slice = (x: Vec): Vec => x.slice(hd * keySize, (hd + 1) * keySize);
      const scores = K.map((kj) => dot(slice(Q[i] as Vec), slice(kj)) / Math.sqrt(keySize));
      const max = Math.max(...scores);
      const w = scores.map((s) => Math.exp(s - max));
      const z = w.reduce((a, c) => a + c, 0);
      for (let c = 0; c < keySize; c++) concat.push(V.reduce((s, vj, j) => s + ((w[j] as number) / z) * (slice(vj)[c] as number), 0));
    }
    return affine(concat, p[at + 6] as Mat, p[at + 7] as Mat);
  });
  at += 8;
  const senders = attended.map((x) => mlp(p, at, 1, [x]).out);
  const receivers = attended.map((x) => mlp(p, at + 4, 1, [x]).out);
  const stop = (mlp(p, at + 8, 1, [g]).out[0] as number) ?? 0;
  const temperature = softplus(p[at + 12]?.data[0] as number);
  const logits = Array.from({ length: d * d }, (_, k) => dot(senders[Math.floor(k / d)] as Vec, receivers[k % d] as Vec) / temperature);
  const valid = logits.map((_, k) => !adjacency[k] && !closure[k]);
  const lse = Math.log(logits.reduce((s, l, k) => s + (valid[k] ? Math.exp(l) : 0), 0));
  const any = valid.some((v) => v);
  const out = logits.map((l, k) => (valid[k] ? -softplus(stop) + l - lse : Number.NEGATIVE_INFINITY));
  out.push(any ? -softplus(-stop) : 0);
  return out;
}
