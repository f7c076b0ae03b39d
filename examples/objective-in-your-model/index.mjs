// Your own tfjs-layers model, trained with gflownet-ts's pure loss functions on a tiny problem:
// build a 3-bit string one bit at a time, then stop; reward R(x) = 0.5 + (number of ones)².
// Every state has one parent (a tree), so P_B = 1 and log P_B = 0 everywhere.
// Run: node index.mjs   (exits with a non-zero code if the loss does not go down or the fit is poor)
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maskedLogSoftmax } from '@gflownet/core';
import { detailedBalance } from '@gflownet/objective-detailed-balance';
import { trajectoryBalance } from '@gflownet/objective-trajectory-balance';

await tf.setBackend('cpu');
const BITS = 3;
const A = 3; // append 0, append 1, stop
const STOP = 2;
const logReward = (bits) => Math.log(0.5 + bits.filter((b) => b === 1).length ** 2);

/** One-hot per position over {empty, 0, 1}. */
function features(bits) {
  const f = new Float32Array(BITS * 3);
  for (let i = 0; i < BITS; i++) f[i * 3 + (i < bits.length ? 1 + bits[i] : 0)] = 1;
  return f;
}
/** Appending is allowed until the string is full; stopping only when it is. */
const mask = (bits) => (bits.length < BITS ? [1, 1, 0] : [0, 0, 1]);

// A seeded generator, so the run is reproducible.
let seed = 12345;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Your model: features → 3 action logits and (for detailed balance) 1 log state flow. */
function makeModel() {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [BITS * 3], units: 32, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: A + 1 }));
  return model;
}

/** Samples `n` trajectories on-policy; returns packed rows (one per visited state) on the host. */
function sample(model, n) {
  const rows = { features: [], masks: [], actions: [], trajectory: [], logR: [] };
  for (let b = 0; b < n; b++) {
    const bits = [];
    for (;;) {
      const m = mask(bits);
      const logits = tf.tidy(() => model.predict(tf.tensor2d(features(bits), [1, BITS * 3])).dataSync());
      const w = [0, 1, 2].map((a) => (m[a] ? Math.exp(logits[a]) : 0));
      let u = random() * w.reduce((s, v) => s + v, 0);
      let a = 0;
      while (u > w[a] || !m[a]) u -= w[a++];
      rows.features.push(...features(bits));
      rows.masks.push(...m);
      rows.actions.push(a);
      rows.trajectory.push(b);
      if (a === STOP) break;
      bits.push(a);
    }
    rows.logR.push(logReward(bits));
  }
  return rows;
}

/** log P_F of the taken action at each row, and the model's log-flow column, under the tape. */
function rowTensors(model, rows) {
  const N = rows.actions.length;
  const out = model.apply(tf.tensor2d(rows.features, [N, BITS * 3]));
  const logProbs = maskedLogSoftmax(tf.slice(out, [0, 0], [N, A]), Uint8Array.from(rows.masks));
  const oneHot = tf.oneHot(tf.tensor1d(rows.actions, 'int32'), A);
  return { logPF: tf.sum(tf.mul(logProbs, oneHot), 1), logF: tf.reshape(tf.slice(out, [0, A], [N, 1]), [N]) };
}

function tbLoss(model, logZ, rows) {
  const N = rows.actions.length;
  const B = rows.logR.length;
  const { logPF } = rowTensors(model, rows);
  // Sum per trajectory with a [B, N] 0/1 matrix.
  const segment = new Float32Array(B * N);
  rows.trajectory.forEach((b, r) => (segment[b * N + r] = 1));
  const perTrajectory = tf.reshape(tf.matMul(tf.tensor2d(segment, [B, N]), tf.reshape(logPF, [N, 1])), [B]);
  return trajectoryBalance({ logZ, logPF: perTrajectory, logPB: tf.zeros([B]), logR: tf.tensor1d(rows.logR) });
}

function dbLoss(model, rows) {
  const N = rows.actions.length;
  const { logPF, logF } = rowTensors(model, rows);
  // Transition r goes from row r to row r + 1, or to the sink (F = R(x)) when it stops.
  const stops = rows.actions.map((a) => a === STOP);
  const next = rows.actions.map((_, r) => (stops[r] ? r : r + 1));
  const logRRow = rows.trajectory.map((b) => rows.logR[b]);
  const logFTarget = tf.where(tf.tensor1d(stops, 'bool'), tf.tensor1d(logRRow), tf.gather(logF, tf.tensor1d(next, 'int32')));
  return detailedBalance({ logFSource: logF, logPF, logFTarget, logPB: tf.zeros([N]) });
}

/** Exact P_F^T over the 8 strings (every string has one trajectory), and the target R/Z. */
function distributions(model) {
  const learned = [];
  const target = [];
  for (let x = 0; x < 2 ** BITS; x++) {
    const bits = Array.from({ length: BITS }, (_, i) => (x >> (BITS - 1 - i)) & 1);
    let logp = 0;
    for (let k = 0; k <= BITS; k++) {
      const prefix = bits.slice(0, k);
      const m = mask(prefix);
      const logits = tf.tidy(() => model.predict(tf.tensor2d(features(prefix), [1, BITS * 3])).dataSync());
      const lse = Math.log([0, 1, 2].reduce((s, a) => s + (m[a] ? Math.exp(logits[a]) : 0), 0));
      logp += logits[k < BITS ? bits[k] : STOP] - lse;
    }
    learned.push(Math.exp(logp));
    target.push(Math.exp(logReward(bits)));
  }
  const Z = target.reduce((s, v) => s + v, 0);
  return { learned, target: target.map((r) => r / Z), logZ: Math.log(Z) };
}

function trainWith(name, iterations = 300) {
  const model = makeModel();
  const logZ = tf.variable(tf.scalar(0));
  // log Z gets its own, larger learning rate, as in the TB paper.
  const optimizer = tf.train.adam(0.01);
  const optimizerZ = tf.train.adam(0.1);
  const losses = [];
  for (let it = 0; it < iterations; it++) {
    const rows = sample(model, 16);
    const { value, grads } = tf.variableGrads(() => (name === 'tb' ? tbLoss(model, logZ, rows) : dbLoss(model, rows)));
    const { [logZ.name]: gradZ, ...gradModel } = grads;
    optimizer.applyGradients(gradModel);
    if (gradZ) optimizerZ.applyGradients({ [logZ.name]: gradZ });
    losses.push(value.dataSync()[0]);
    tf.dispose([value, grads]);
  }
  const mean = (xs) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const first = mean(losses.slice(0, 20));
  const last = mean(losses.slice(-20));
  const { learned, target, logZ: trueLogZ } = distributions(model);
  const l1 = learned.reduce((s, p, i) => s + Math.abs(p - target[i]), 0);
  console.log(`${name}: loss ${first.toFixed(4)} → ${last.toFixed(4)}, L1(P_F^T, R/Z) = ${l1.toFixed(4)}${name === 'tb' ? `, log Z ${logZ.dataSync()[0].toFixed(3)} (true ${trueLogZ.toFixed(3)})` : ''}`);
  model.dispose?.();
  logZ.dispose();
  optimizer.dispose();
  optimizerZ.dispose();
  if (!(last < 0.2 * first)) throw new Error(`${name}: the loss did not go down enough (${first} → ${last})`);
  if (!(l1 < 0.15)) throw new Error(`${name}: the learned distribution is far from the target (L1 ${l1})`);
}

trainWith('tb');
trainWith('db');
console.log('ok');
