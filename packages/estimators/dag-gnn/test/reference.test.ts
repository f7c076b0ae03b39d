import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dagGnnPolicy } from '../src/index.js';
import { referenceLogProbs } from './reference.js';

/** Closure C[a·d + b] = 1 iff b ⇝ a (a = b included), from an adjacency matrix. */
function closureOf(adjacency: number[], d: number): number[] {
  const reach = Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) === k % d || adjacency[k] ? 1 : 0));
  for (let k = 0; k < d; k++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) if (reach[a * d + k] && reach[k * d + b]) reach[a * d + b] = 1;
  return Array.from({ length: d * d }, (_, k) => reach[(k % d) * d + Math.floor(k / d)] as number);
}

describe('dagGnnPolicy against a float64 transcription of the architecture', () => {
  const d = 4;
  // Empty; one edge; a fork and a chain (a node with several parents and children); 5 edges.
  const graphs = [[], [[2, 1]], [[0, 1], [0, 2], [1, 3], [2, 3]], [[3, 0], [0, 1], [1, 2], [3, 2], [0, 2]]];
  for (const blocks of [0, 1, 2]) {
    it(`gives the reference log-probabilities with ${blocks} graph-network block(s)`, () => {
      const config = { numVariables: d, embedding: 8, blocks, heads: 2, keySize: 3, seed: 11 };
      const policy = dagGnnPolicy(config);
      // Biases start at 0 and the temperature at 1, which would hide their misuse: move every weight.
      policy.parameters().forward.forEach((v, i) => {
        const moved = tf.tensor(Float32Array.from(v.dataSync(), (x, k) => x + 0.2 * Math.sin(7 * i + k + 1)), v.shape);
        v.assign(moved);
        moved.dispose();
      });
      const rows = graphs.map((edges) => {
        const adjacency = new Array(d * d).fill(0);
        for (const [i, j] of edges) adjacency[(i as number) * d + (j as number)] = 1;
        return [...adjacency, ...closureOf(adjacency, d)];
      });
      const got = policy.forwardLogits(Float32Array.from(rows.flat()), rows.length);
      rows.forEach((row, s) => {
        const want = referenceLogProbs(policy.parameters().forward, d, 8, blocks, 2, 3, row.slice(0, d * d), row.slice(d * d));
        want.forEach((w, a) => {
          const v = got[s * (d * d + 1) + a] as number;
          if (w === Number.NEGATIVE_INFINITY) expect(v).toBeLessThanOrEqual(-1e9);
          else expect(Math.abs(v - w), `state ${s}, action ${a}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(w)));
        });
      });
      policy.dispose();
    });
  }
});
