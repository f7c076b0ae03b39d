import type { ParameterGroup, Policy, PolicyHeads, PolicyOutputs } from '@gflownet/core';
import { dense, PolicyTypeId, Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The fixed-size feature layout of fragment-tree states (structurally the `layout` of
 * `@gflownet/env-fragments`; declared here so this package does not depend on the environment).
 * Features: `maxFragments` node blocks of `nodeWidth = 1 + numTypes + maxLocalStems` (present flag,
 * type one-hot, free-stem counts per local stem), then the `maxFragments²` adjacency matrix at
 * `adjacencyOffset`, then 3 globals at `globalOffset` (empty flag, …). Actions: `stemSlot *
 * numBlocks + block` for `maxStems` stem slots (free stems enumerated slot by slot, local stem by
 * local stem, a stem with count c taking c consecutive slots), then stop.
 */
export interface FragmentFeatureLayout {
  readonly maxFragments: number;
  readonly numTypes: number;
  readonly maxLocalStems: number;
  readonly numBlocks: number;
  readonly maxStems: number;
  readonly nodeWidth: number;
  readonly adjacencyOffset: number;
  readonly globalOffset: number;
  readonly featureSize: number;
  readonly numActions: number;
  readonly numBackwardActions: number;
}

/** Options of {@link fragmentMpnnPolicy}. */
export interface FragmentMpnnOptions {
  /** The environment's feature layout (`env.layout`). */
  readonly layout: FragmentFeatureLayout;
  /** Node embedding width (default: `64`). */
  readonly hidden?: number;
  /** Message-passing rounds (default: `3`). */
  readonly rounds?: number;
  /** Width of the per-stem hidden layer (default: `hidden`). */
  readonly stemHidden?: number;
  /** Add a log-state-flow head (DB, SubTB) (default: `false`). */
  readonly flow?: boolean;
  /** Only `uniform` is supported: P_B uniform over distinct parents (default). */
  readonly backward?: 'uniform';
  /** Seed of the weight initialisation (default: `0`). */
  readonly seed?: number;
}

interface Dense {
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
}

function variableFrom<R extends tf.Rank>(t: tf.Tensor<R>): tf.Variable<R> {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A dense layer initialised like PyTorch's Linear, U(−1/√fan_in, 1/√fan_in), from the seeded generator. */
function makeDense(fanIn: number, fanOut: number, random: Random): Dense {
  const bound = 1 / Math.sqrt(fanIn);
  const w = Float32Array.from({ length: fanIn * fanOut }, () => (2 * random.next() - 1) * bound);
  const b = Float32Array.from({ length: fanOut }, () => (2 * random.next() - 1) * bound);
  return {
    w: variableFrom(tf.tensor2d(w, [fanIn, fanOut])),
    b: variableFrom(tf.tensor1d(b)),
  };
}

/** A fragment MPNN policy, with its settings. */
export interface FragmentMpnnPolicy extends Policy {
  readonly hidden: number;
  readonly rounds: number;
  readonly layout: FragmentFeatureLayout;
}

function checkLayout(l: FragmentFeatureLayout): void {
  const nw = 1 + l.numTypes + l.maxLocalStems;
  const ok =
    l.nodeWidth === nw &&
    l.adjacencyOffset === l.maxFragments * nw &&
    l.globalOffset === l.adjacencyOffset + l.maxFragments * l.maxFragments &&
    l.featureSize === l.globalOffset + 3 &&
    l.numActions === l.maxStems * l.numBlocks + 1;
  if (!ok) throw new RangeError('fragmentMpnnPolicy: the layout is inconsistent (pass env.layout of @gflownet/env-fragments)');
}

/**
 * A small message-passing network over fragment trees that reads the environment's fixed-size
 * features and decodes them inside tfjs: node embeddings from (type, free stems), `rounds` of sum
 * messages over the adjacency matrix, a graph vector (sum of nodes + globals). Each (node, local
 * stem) position gets logits over blocks from its node embedding and the graph vector; a 0/1 matrix
 * built from cumulative free-stem counts routes positions to the action space's stem slots (so
 * repeated stems share logits); the empty state uses a learned first-block vector; stop and log F
 * come from the graph vector. Logits are unmasked (the environment's masks apply). P_B is uniform.
 *
 * @example
 * const policy = fragmentMpnnPolicy({ layout: env.layout, hidden: 64 });
 */
export function fragmentMpnnPolicy(options: FragmentMpnnOptions): FragmentMpnnPolicy {
  const layout = options.layout;
  checkLayout(layout);
  const H = options.hidden ?? 64;
  const R = options.rounds ?? 3;
  const H2 = options.stemHidden ?? H;
  for (const [name, v, min] of [
    ['hidden', H, 1],
    ['rounds', R, 0],
    ['stemHidden', H2, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`fragmentMpnnPolicy: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if ((options.backward ?? 'uniform') !== 'uniform') throw new RangeError('fragmentMpnnPolicy: only a uniform backward policy is supported');
  const { maxFragments: N, numTypes: T, maxLocalStems: L, numBlocks: B, maxStems: S, nodeWidth: NW } = layout;
  const M = N * L;
  const random = new Random(options.seed ?? 0);
  const embed = makeDense(NW, H, random);
  const rounds = Array.from({ length: R }, () => makeDense(2 * H, H, random));
  const graphLayer = makeDense(H + 3, H, random);
  const stemNode = makeDense(H, L * H2, random);
  const stemGraph = makeDense(H, L * H2, random);
  const blockOut = makeDense(H2, B, random);
  const stopOut = makeDense(H, 1, random);
  const first = variableFrom(tf.zeros([1, B]) as tf.Tensor2D);
  const flowHidden = options.flow ? makeDense(H, H, random) : undefined;
  const flowOut = options.flow ? makeDense(H, 1, random) : undefined;
  const slotIndex = tf.keep(tf.reshape(tf.range(0, S, 1, 'float32'), [1, S, 1]));

  const forwardVars = (): tf.Variable[] => [...[embed, ...rounds, graphLayer, stemNode, stemGraph, blockOut, stopOut].flatMap((d) => [d.w, d.b]), first];
  const flowVars = (): tf.Variable[] => (flowHidden && flowOut ? [flowHidden.w, flowHidden.b, flowOut.w, flowOut.b] : []);

  const apply = (features: tf.Tensor2D, heads: PolicyHeads = {}): PolicyOutputs => {
    const n = features.shape[0];
    if (features.shape[1] !== layout.featureSize)
      throw new RangeError(`fragmentMpnnPolicy: features have width ${features.shape[1]}, expected ${layout.featureSize}`);
    const nodes = tf.reshape(tf.slice(features, [0, 0], [n, N * NW]), [n * N, NW]) as tf.Tensor2D;
    const present = tf.slice(nodes, [0, 0], [n * N, 1]);
    const free = tf.reshape(tf.slice(nodes, [0, 1 + T], [n * N, L]), [n, M]) as tf.Tensor2D;
    const adjacency = tf.reshape(tf.slice(features, [0, layout.adjacencyOffset], [n, N * N]), [n, N, N]) as tf.Tensor3D;
    const globals = tf.slice(features, [0, layout.globalOffset], [n, 3]) as tf.Tensor2D;

    let h = tf.mul(dense(nodes, embed.w, embed.b, 'relu'), present) as tf.Tensor2D;
    for (const layer of rounds) {
      const messages = tf.reshape(tf.matMul(adjacency, tf.reshape(h, [n, N, H]) as tf.Tensor3D), [n * N, H]);
      h = tf.mul(dense(tf.concat([h, messages], 1) as tf.Tensor2D, layer.w, layer.b, 'relu'), present) as tf.Tensor2D;
    }
    const pooled = tf.div(tf.sum(tf.reshape(h, [n, N, H]), 1), N) as tf.Tensor2D;
    const graph = dense(tf.concat([pooled, globals], 1) as tf.Tensor2D, graphLayer.w, graphLayer.b, 'relu');

    // Per (node, local stem): hidden from the node and the graph, then logits over blocks.
    const perNode = tf.reshape(dense(h, stemNode.w, stemNode.b, 'linear'), [n, N, L * H2]);
    const perGraph = tf.reshape(dense(graph, stemGraph.w, stemGraph.b, 'linear'), [n, 1, L * H2]);
    const stemHidden = tf.reshape(tf.relu(tf.add(perNode, perGraph)), [n * M, H2]) as tf.Tensor2D;
    const positionLogits = tf.reshape(dense(stemHidden, blockOut.w, blockOut.b, 'linear'), [n, M, B]) as tf.Tensor3D;

    // Stem slot k belongs to position m when start[m] ≤ k < end[m] (cumulative free-stem counts).
    const end = tf.cumsum(free, 1);
    const start = tf.sub(end, free);
    const routing = tf.cast(
      tf.logicalAnd(tf.greaterEqual(slotIndex, tf.reshape(start, [n, 1, M])), tf.less(slotIndex, tf.reshape(end, [n, 1, M]))),
      'float32',
    ) as tf.Tensor3D;
    const slotLogits = tf.reshape(tf.matMul(routing, positionLogits), [n, S * B]);
    const empty = tf.slice(globals, [0, 0], [n, 1]);
    const firstLogits = tf.pad(tf.mul(empty, first), [
      [0, 0],
      [0, (S - 1) * B],
    ]);
    const stop = dense(graph, stopOut.w, stopOut.b, 'linear');
    const forwardLogits = tf.concat([tf.add(slotLogits, firstLogits), stop], 1) as tf.Tensor2D;
    const out: { forwardLogits: tf.Tensor2D; logFlow?: tf.Tensor1D } = {
      forwardLogits,
    };
    if (heads.flow && flowHidden && flowOut) {
      const f = dense(dense(graph, flowHidden.w, flowHidden.b, 'relu'), flowOut.w, flowOut.b, 'linear');
      out.logFlow = tf.reshape(f, [n]) as tf.Tensor1D;
    }
    return out;
  };

  return {
    [PolicyTypeId]: PolicyTypeId,
    featureSize: layout.featureSize,
    numActions: layout.numActions,
    numBackwardActions: layout.numBackwardActions,
    backward: 'uniform',
    hasFlow: flowHidden !== undefined,
    hidden: H,
    rounds: R,
    layout,
    apply,
    forwardLogits(features: Float32Array, n: number): Float32Array {
      if (features.length !== n * layout.featureSize)
        throw new RangeError(`fragmentMpnnPolicy.forwardLogits: expected ${n}×${layout.featureSize} features, got ${features.length}`);
      return tf.tidy(() => apply(tf.tensor2d(features, [n, layout.featureSize])).forwardLogits.dataSync() as Float32Array);
    },
    parameters(): Record<ParameterGroup, tf.Variable[]> {
      return { forward: forwardVars(), backward: [], flow: flowVars() };
    },
    dispose() {
      for (const v of [...forwardVars(), ...flowVars()]) v.dispose();
      slotIndex.dispose();
    },
  };
}
