/**
 * The sEH proxy network (an MPNN with a GRU and a Set2Set readout; see the package README) in
 * tfjs-core, batched over a block-diagonal batch. Choices made for speed on the wasm backend (XNNPACK
 * matMuls; measured in packages/bench/src/seh.ts):
 * - messages are `h · [E_single | E_double | E_triple | E_aromatic]` for every atom (one dense matMul),
 *   averaged per target by `sparseSegmentMean` over the directed edges: wasm's GatherV2 is an order of
 *   magnitude slower than its segment reduction, so no gather is used (the readout's padding is a
 *   `sparseSegmentSum` with one index per segment);
 * - tanh(x) = 2σ(2x) − 1 with the factor 2 folded into the GRU's n-gate weights: wasm's Tanh is
 *   scalar, its Sigmoid is vectorised;
 * - the GRU's r and z gates are matMuls of `[m, h]` with a fused sigmoid (no slicing: wasm's Slice
 *   of a [R, 128] matrix costs more than a second matMul call).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PackedBatch } from './batch.js';
import { NUM_BOND_TYPES } from './batch.js';
import { ATOM_FEATURES } from './featurize.js';
import type { SehWeights } from './weights.js';
import { weightOf } from './weights.js';

/** Hidden width. */
export const HIDDEN = 64;
/** Message-passing rounds (weights shared). */
export const ROUNDS = 12;
/** Set2Set steps. */
export const SET2SET_STEPS = 3;
const SLOPE = 0.01;

interface Prepared {
  lin0: tf.Tensor2D;
  lin0Bias: tf.Tensor1D;
  edges: tf.Tensor2D;
  root: tf.Tensor2D;
  convBias: tf.Tensor1D;
  gruR: tf.Tensor2D;
  gruRBias: tf.Tensor1D;
  gruZ: tf.Tensor2D;
  gruZBias: tf.Tensor1D;
  gruInputN2: tf.Tensor2D;
  gruInputN2Bias: tf.Tensor1D;
  gruHiddenN2: tf.Tensor2D;
  gruHiddenN2Bias: tf.Tensor1D;
  lstm: tf.Tensor2D;
  lstmBias: tf.Tensor1D;
  lin3: tf.Tensor2D;
  lin3Bias: tf.Tensor1D;
}

const D = HIDDEN;

function prepare(weights: SehWeights): Prepared {
  const t = (name: string, shape: number[]): tf.Tensor => tf.tensor(weightOf(weights, name, shape).data, shape, 'float32');
  const columns = (x: tf.Tensor, from: number, to: number): tf.Tensor2D => tf.slice(x, [0, from], [-1, to - from]) as tf.Tensor2D;
  const part = (x: tf.Tensor, from: number, to: number): tf.Tensor1D => tf.slice(x, from, to - from) as tf.Tensor1D;
  const two = tf.scalar(2);
  const edgeW = t('edge_W_single_double_triple_aromatic', [NUM_BOND_TYPES, D, D]);
  const wIh = tf.transpose(t('gru_W_ih', [3 * D, D]));
  const wHh = tf.transpose(t('gru_W_hh', [3 * D, D]));
  const bIh = t('gru_b_ih', [3 * D]);
  const bHh = t('gru_b_hh', [3 * D]);
  return {
    lin0: tf.transpose(t('lin0_W', [D, ATOM_FEATURES])) as tf.Tensor2D,
    lin0Bias: t('lin0_b', [D]) as tf.Tensor1D,
    // [in, k·64 + out]: row s·4 + k of (h · edges) reshaped to [4R, 64] is the message of atom s along type k.
    edges: tf.reshape(tf.transpose(edgeW, [1, 0, 2]), [D, NUM_BOND_TYPES * D]) as tf.Tensor2D,
    // root_W is applied transposed, like a linear layer's [out, in] weight (see the spec).
    root: tf.transpose(t('root_W', [D, D])) as tf.Tensor2D,
    convBias: t('conv_b', [D]) as tf.Tensor1D,
    // [m, h] · [W_i; W_h] + b_i + b_h for the r and z gates.
    gruR: tf.concat([columns(wIh, 0, D), columns(wHh, 0, D)], 0),
    gruRBias: tf.add(part(bIh, 0, D), part(bHh, 0, D)),
    gruZ: tf.concat([columns(wIh, D, 2 * D), columns(wHh, D, 2 * D)], 0),
    gruZBias: tf.add(part(bIh, D, 2 * D), part(bHh, D, 2 * D)),
    gruInputN2: tf.mul(columns(wIh, 2 * D, 3 * D), two),
    gruInputN2Bias: tf.mul(part(bIh, 2 * D, 3 * D), two),
    gruHiddenN2: tf.mul(columns(wHh, 2 * D, 3 * D), two),
    gruHiddenN2Bias: tf.mul(part(bHh, 2 * D, 3 * D), two),
    lstm: tf.concat([tf.transpose(t('s2s_W_ih', [4 * D, 2 * D])), tf.transpose(t('s2s_W_hh', [4 * D, D]))], 0) as tf.Tensor2D,
    lstmBias: tf.add(t('s2s_b_ih', [4 * D]), t('s2s_b_hh', [4 * D])),
    lin3: tf.transpose(t('lin3_W', [1, 2 * D])) as tf.Tensor2D,
    lin3Bias: t('lin3_b', [1]) as tf.Tensor1D,
  };
}

const cols = (x: tf.Tensor2D, from: number, width: number): tf.Tensor2D => tf.slice(x, [0, from], [-1, width]);

/** The network with its weights on the current tfjs backend. */
export class SehNetwork {
  private readonly w: Prepared;
  private disposed = false;

  constructor(weights: SehWeights) {
    // tidy keeps the tensors it returns and frees the intermediate ones.
    this.w = tf.tidy(() => prepare(weights) as unknown as tf.TensorContainer) as unknown as Prepared;
  }

  /** y of every molecule of the batch, as a `[numMolecules]` tensor (the caller disposes it). */
  forward(batch: PackedBatch): tf.Tensor1D {
    if (this.disposed) throw new Error('sehProxy: the network was disposed');
    const w = this.w;
    return tf.tidy(() => {
      const rows = batch.numAtoms + 1;
      const x = tf.tensor2d(batch.features, [rows, ATOM_FEATURES]);
      const messageRows = tf.tensor1d(batch.messageRows, 'int32');
      const targets = tf.tensor1d(batch.targets, 'int32');
      let h = tf.fused.matMul({ a: x, b: w.lin0, bias: w.lin0Bias, activation: 'leakyrelu', leakyreluAlpha: SLOPE }) as tf.Tensor2D;
      for (let round = 0; round < ROUNDS; round++) {
        const messages = tf.reshape(tf.matMul(h, w.edges), [rows * NUM_BOND_TYPES, D]);
        const mean = tf.sparse.sparseSegmentMean(messages, messageRows, targets) as tf.Tensor2D;
        const self = tf.fused.matMul({ a: h, b: w.root, bias: w.convBias });
        const m = tf.leakyRelu(tf.add(mean, self), SLOPE) as tf.Tensor2D;
        h = this.gru(m, h);
      }
      return this.readout(h, batch);
    });
  }

  /** PyTorch's GRU cell, input m, state h (gate order r, z, n). */
  private gru(m: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const w = this.w;
    // Separate r and z matMuls: slicing one [R, 128] result costs more on wasm than the extra call.
    const mh = tf.concat([m, h], 1);
    const r = tf.fused.matMul({ a: mh, b: w.gruR, bias: w.gruRBias, activation: 'sigmoid' });
    const z = tf.fused.matMul({ a: mh, b: w.gruZ, bias: w.gruZBias, activation: 'sigmoid' });
    const inputN = tf.fused.matMul({ a: m, b: w.gruInputN2, bias: w.gruInputN2Bias });
    const hiddenN = tf.fused.matMul({ a: h, b: w.gruHiddenN2, bias: w.gruHiddenN2Bias });
    // n = tanh(a) = 2σ(2a) − 1, the 2 being in the weights.
    const s = tf.sigmoid(tf.add(inputN, tf.mul(r, hiddenN)));
    const n = tf.sub(tf.add(s, s), 1);
    return tf.add(n, tf.mul(z, tf.sub(h, n)));
  }

  /** Set2Set over each molecule's atoms (padded to the largest, masked), then the final linear layer. */
  private readout(h: tf.Tensor2D, batch: PackedBatch): tf.Tensor1D {
    const w = this.w;
    const B = batch.numMolecules;
    const N = batch.maxAtoms;
    const slots = tf.tensor1d(batch.paddedRows, 'int32');
    const padded = tf.reshape(tf.sparse.sparseSegmentSum(h, slots, tf.range(0, B * N, 1, 'int32')), [B, N, D]);
    const mask = tf.tensor2d(batch.attentionMask, [B, N]);
    let hs: tf.Tensor2D = tf.zeros([B, D]);
    let cs: tf.Tensor2D = tf.zeros([B, D]);
    let q: tf.Tensor2D = tf.zeros([B, 2 * D]);
    for (let step = 0; step < SET2SET_STEPS; step++) {
      const g = tf.fused.matMul({ a: tf.concat([q, hs], 1), b: w.lstm, bias: w.lstmBias }) as tf.Tensor2D;
      const i = tf.sigmoid(cols(g, 0, D));
      const f = tf.sigmoid(cols(g, D, D));
      const gg = tf.tanh(cols(g, 2 * D, D));
      const o = tf.sigmoid(cols(g, 3 * D, D));
      cs = tf.add(tf.mul(f, cs), tf.mul(i, gg));
      hs = tf.mul(o, tf.tanh(cs));
      const logits = tf.add(tf.sum(tf.mul(padded, tf.expandDims(hs, 1)), 2), mask);
      const attention = tf.softmax(logits, 1);
      const r = tf.sum(tf.mul(padded, tf.expandDims(attention, 2)), 1) as tf.Tensor2D;
      q = tf.concat([hs, r], 1);
    }
    return tf.reshape(tf.fused.matMul({ a: q, b: w.lin3, bias: w.lin3Bias }), [B]);
  }

  /** Releases the weight tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const x of Object.values(this.w)) x.dispose();
  }
}

/**
 * Multiply-adds the network needs for one molecule (bonds counted once; each is two directed edges),
 * counting messages per edge as the original per-edge network does: lin0, 12 × (messages, root, GRU),
 * Set2Set and the final layer. A 35-atom, 38-bond molecule needs about 16 million.
 */
export function sehProxyMacs(numAtoms: number, numBonds: number): number {
  const perRound = 2 * numBonds * D * D + numAtoms * D * D + 2 * numAtoms * D * 3 * D;
  const set2set = SET2SET_STEPS * (3 * D * 4 * D + 2 * numAtoms * D);
  return numAtoms * ATOM_FEATURES * D + ROUNDS * perRound + set2set + 2 * D;
}
