import type { ParameterGroup, Policy, PolicyHeads, PolicyOutputs } from '@gflownet/core';
import { dense, expandRows, PolicyTypeId, Random, uniqueRows } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Linear } from './layers.js';
import { linear, Mlp, MultiHeadAttention, product, SplitInputMlp, sumRows, swapLastAxes, truncatedNormal, variableFrom } from './layers.js';
import { sigmoidStopLogProbs } from './stop.js';

/** Options of {@link dagGnnPolicy}. */
export interface DagGnnOptions {
  /**
   * Number of variables d of the DAG environment, whose features are the `[d, d]` adjacency A
   * (`A[i·d + j] = 1` for i→j) then the `[d, d]` transposed closure C (`C[i·d + j] = 1` iff j ⇝ i),
   * with d² + 1 forward actions (edge i→j is `i·d + j`, then stop) and d² backward ones.
   */
  readonly numVariables: number;
  /** Width of the node, edge and global features and of every MLP layer (default: `128`, as the paper). */
  readonly embedding?: number;
  /** Graph-network blocks, each with a residual connection (default: `2`). */
  readonly blocks?: number;
  /** Attention heads (default: `4`). */
  readonly heads?: number;
  /** Key size of each head (default: `32`; heads × keySize is the attention's inner width). */
  readonly keySize?: number;
  /** Add a log-state-flow head, an MLP [embedding, 1] on the global features (DB, SubTB) (default: `false`). */
  readonly flow?: boolean;
  /** Only `uniform` is supported: P_B uniform over the edges that can be removed (default). */
  readonly backward?: 'uniform';
  /** Seed of the weight initialisation (default: `0`). */
  readonly seed?: number;
  /** States per network pass in {@link Policy.forwardLogits} (bounds memory on large batches; default: `512`). */
  readonly chunk?: number;
}

/** DAG-GFlowNet's graph-network policy, with its settings. */
export interface DagGnnPolicy extends Policy {
  readonly numVariables: number;
  readonly embedding: number;
  readonly blocks: number;
  readonly heads: number;
  readonly keySize: number;
}

/** One graph-network block: edge, node and global updates (jraph's `GraphNetwork`, concatenated arguments). */
interface GraphBlock {
  /** Input (edge, sender node, receiver node, global). */
  readonly edge: SplitInputMlp;
  /** Input (node, sum of its outgoing edges, sum of its incoming edges, global). */
  readonly node: SplitInputMlp;
  /** Input (sum of nodes, sum of edges, global). */
  readonly global: SplitInputMlp;
}

/** The edges of a batch of graphs: for edge r, its sender and receiver node rows (b·d + i) and its graph b. */
interface EdgeList {
  readonly count: number;
  readonly senders: Int32Array;
  readonly receivers: Int32Array;
  readonly graphs: Int32Array;
}

/** Edge list of the adjacency matrices at the start of each `2d²`-wide feature row. */
function edgeListOf(features: Float32Array, n: number, d: number): EdgeList {
  const D2 = d * d;
  let count = 0;
  for (let b = 0; b < n; b++) for (let k = 0; k < D2; k++) if (features[b * 2 * D2 + k]) count++;
  const senders = new Int32Array(count);
  const receivers = new Int32Array(count);
  const graphs = new Int32Array(count);
  let r = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < D2; k++) {
      if (!features[b * 2 * D2 + k]) continue;
      senders[r] = b * d + Math.floor(k / d);
      receivers[r] = b * d + (k % d);
      graphs[r] = b;
      r++;
    }
  }
  return { count, senders, receivers, graphs };
}

function checkInteger(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`dagGnnPolicy: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/**
 * The policy network of DAG-GFlowNet (Deleu et al. 2022), as the paper's DAG experiment uses it:
 * learned node embeddings (one per variable) and one learned edge embedding; `blocks` graph-network
 * blocks over the current graph's edges (edge, node and global MLPs [E, E], residual connections);
 * a linear projection to queries, keys and values and multi-head self-attention over the nodes;
 * sender and receiver MLPs [E, E] whose products give the d × d edge logits, divided by a learned
 * temperature (softplus, starting at 1); and a stop logit s from an MLP [E, 1] on the global
 * features. P(stop) = σ(s) and P(i→j) = (1 − σ(s))·softmax over the valid edges, where an edge is
 * valid iff A[i·d + j] = 0 and C[i·d + j] = 0 (read from the features, as the environment's mask).
 * The returned forward logits are these log-probabilities (see {@link sigmoidStopLogProbs}). The
 * graph network runs over the graphs' edges only (read from the features on the host), with
 * gathers and segment sums that have gradients on every backend.
 * Weights follow Haiku's initialisers, drawn from `seed`. P_B is uniform.
 *
 * @example
 * const policy = dagGnnPolicy({ numVariables: env.d, seed: 0 });
 */
export function dagGnnPolicy(options: DagGnnOptions): DagGnnPolicy {
  const d = options.numVariables;
  const E = options.embedding ?? 128;
  const blocks = options.blocks ?? 2;
  const heads = options.heads ?? 4;
  const keySize = options.keySize ?? 32;
  const chunk = options.chunk ?? 512;
  checkInteger('numVariables', d, 2);
  checkInteger('embedding', E, 1);
  checkInteger('blocks', blocks, 0);
  checkInteger('heads', heads, 1);
  checkInteger('keySize', keySize, 1);
  checkInteger('chunk', chunk, 1);
  if ((options.backward ?? 'uniform') !== 'uniform') throw new RangeError('dagGnnPolicy: backward must be "uniform" (the only backward policy it has)');
  const D2 = d * d;
  const F = 2 * D2;
  const A = D2 + 1;
  const random = new Random(options.seed ?? 0);

  const nodeEmbedding = variableFrom(tf.tensor2d(truncatedNormal(random, d * E, 1), [d, E]));
  const edgeEmbedding = variableFrom(tf.tensor2d(truncatedNormal(random, E, 1), [1, E]));
  const graphBlocks: GraphBlock[] = [];
  for (let b = 0; b < blocks; b++) {
    // The globals start as one zero (Haiku's `globals = zeros((n, 1))`), then are E wide.
    const G = b === 0 ? 1 : E;
    graphBlocks.push({
      edge: new SplitInputMlp([E, E, E, G], [E, E], random),
      node: new SplitInputMlp([E, E, E, G], [E, E], random),
      global: new SplitInputMlp([E, E, G], [E, E], random),
    });
  }
  const G = blocks === 0 ? 1 : E;
  const projection: Linear = linear(E, 3 * E, random);
  const attention = new MultiHeadAttention(E, heads, keySize, E, random, 2);
  const senders = new Mlp([E, E, E], random);
  const receivers = new Mlp([E, E, E], random);
  const stopNet = new Mlp([G, E, 1], random);
  // softplus(log(e − 1)) = 1: the temperature starts at 1.
  const temperature = variableFrom(tf.scalar(Math.log(Math.expm1(1))));
  const flowNet = options.flow ? new Mlp([G, E, 1], random) : undefined;

  const forwardVars = (): tf.Variable[] => [
    nodeEmbedding,
    edgeEmbedding,
    ...graphBlocks.flatMap((g) => [...g.edge.variables(), ...g.node.variables(), ...g.global.variables()]),
    projection.w,
    projection.b,
    ...attention.variables(),
    ...senders.variables(),
    ...receivers.variables(),
    ...stopNet.variables(),
    temperature,
  ];
  const flowVars = (): tf.Variable[] => flowNet?.variables() ?? [];

  // Row b·d + i of the node features is variable i of state b.
  const nodeIdentity = (n: number): Int32Array => Int32Array.from({ length: n * d }, (_, r) => r % d);
  const graphOfNode = (n: number): Int32Array => Int32Array.from({ length: n * d }, (_, r) => Math.floor(r / d));

  /** Node and global features after the graph-network blocks, which run over the graphs' edges only. */
  const graphNetwork = (edges: EdgeList, n: number): { nodes: tf.Tensor2D; globals: tf.Tensor2D } => {
    const nodeGraph = graphOfNode(n);
    let nodes = expandRows(nodeEmbedding, nodeIdentity(n));
    // Every edge starts from the same embedding: keep it `[1, E]` (broadcast) until the first update.
    let edgeFeatures: tf.Tensor2D = edgeEmbedding;
    let globals = tf.zeros([n, 1]) as tf.Tensor2D;
    for (const block of graphBlocks) {
      let sent: tf.Tensor2D;
      let received: tf.Tensor2D;
      let edgeSum: tf.Tensor2D;
      if (edges.count > 0) {
        // Project nodes and globals first (n·d rows), then gather per edge (fewer than n·d² rows).
        const pre = tf.addN([
          expandRows(block.edge.project(1, nodes), edges.senders),
          expandRows(block.edge.project(2, nodes), edges.receivers),
          expandRows(block.edge.project(3, globals), edges.graphs),
        ]);
        const newEdges = block.edge.finish(tf.add(pre, block.edge.project(0, edgeFeatures)) as tf.Tensor2D);
        sent = sumRows(newEdges, edges.senders, n * d);
        received = sumRows(newEdges, edges.receivers, n * d);
        edgeSum = sumRows(newEdges, edges.graphs, n);
        edgeFeatures = tf.add(edgeFeatures, newEdges) as tf.Tensor2D;
      } else {
        sent = tf.zeros([n * d, E]);
        received = sent;
        edgeSum = tf.zeros([n, E]);
      }
      const nodePre = tf.addN([
        block.node.project(0, nodes),
        block.node.project(1, sent),
        block.node.project(2, received),
        expandRows(block.node.project(3, globals), nodeGraph),
      ]);
      const newNodes = block.node.finish(nodePre);
      const nodeSum = tf.sum(tf.reshape(newNodes, [n, d, E]), 1) as tf.Tensor2D;
      const globalPre = tf.addN([block.global.project(0, nodeSum), block.global.project(1, edgeSum), block.global.project(2, globals)]);
      nodes = tf.add(nodes, newNodes) as tf.Tensor2D;
      globals = tf.add(globals, block.global.finish(globalPre)) as tf.Tensor2D;
    }
    return { nodes, globals };
  };

  const apply = (features: tf.Tensor2D, wanted: PolicyHeads = {}): PolicyOutputs =>
    tf.tidy(() => {
      const [n, width] = features.shape;
      if (width !== F) throw new RangeError(`dagGnnPolicy: features have width ${width}, expected 2·d² = ${F} for d = ${d}`);
      const adjacency = tf.slice(features, [0, 0], [n, D2]);
      const closure = tf.slice(features, [0, D2], [n, D2]);
      const edgeMask = tf.relu(tf.sub(tf.sub(1, adjacency), closure)) as tf.Tensor2D;
      const { nodes, globals } = graphNetwork(edgeListOf(features.dataSync() as Float32Array, n, d), n);
      const [q, k, v] = tf.split(dense(nodes, projection.w, projection.b, 'linear'), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const attended = attention.apply(q, k, v, n, d);
      const s = tf.reshape(senders.apply(attended), [n, d, E]) as tf.Tensor3D;
      const r = tf.reshape(receivers.apply(attended), [n, d, E]) as tf.Tensor3D;
      const edgeLogits = tf.div(tf.reshape(product(s, swapLastAxes(r)), [n, D2]), tf.softplus(temperature)) as tf.Tensor2D;
      const forwardLogits = sigmoidStopLogProbs(edgeLogits, stopNet.apply(globals), edgeMask);
      if (wanted.flow && flowNet) return { forwardLogits, logFlow: tf.reshape(flowNet.apply(globals), [n]) as tf.Tensor1D };
      return { forwardLogits };
    });

  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: F,
    numActions: A,
    numBackwardActions: D2,
    backward: 'uniform',
    hasFlow: flowNet !== undefined,
    numVariables: d,
    embedding: E,
    blocks,
    heads,
    keySize,
    apply,
    forwardLogits(features: Float32Array, n: number): Float32Array {
      if (features.length !== n * F) throw new RangeError(`dagGnnPolicy.forwardLogits: expected ${n}×${F} features, got ${features.length}`);
      // Trajectories share states (all start at the empty graph): run the network once per distinct row.
      const unique = uniqueRows(features, n, F);
      const m = unique.numUnique;
      const rows = m < n ? unique.rows : features;
      const out = new Float32Array(m * A);
      for (let lo = 0; lo < m; lo += chunk) {
        const hi = Math.min(m, lo + chunk);
        // Read outside tidy: tidy walks a returned typed array element by element.
        const part = tf.tidy(() => apply(tf.tensor2d(rows.subarray(lo * F, hi * F), [hi - lo, F])).forwardLogits);
        out.set(part.dataSync() as Float32Array, lo * A);
        part.dispose();
      }
      if (m === n) return out;
      const logits = new Float32Array(n * A);
      for (let i = 0; i < n; i++) logits.set(out.subarray((unique.index[i] as number) * A, (unique.index[i] as number) * A + A), i * A);
      return logits;
    },
    parameters(): Record<ParameterGroup, tf.Variable[]> {
      return { forward: forwardVars(), backward: [], flow: flowVars() };
    },
    dispose() {
      for (const v of [...forwardVars(), ...flowVars()]) v.dispose();
    },
  };
}
