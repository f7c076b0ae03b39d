import type { Environment, Rows } from '@gflownet/core';
import { concatRows, EnvironmentTypeId, selectRows } from '@gflownet/core';

/**
 * Bit strings of a fixed length L, written left to right: a state is a prefix (unset positions are −1),
 * actions append 0 or 1, and stop is allowed once all L bits are set. R(x) = base + (number of ones).
 */
export function bitSequences(length: number, base = 0.5): Environment<Rows<Int8Array>> {
  const L = length;
  const empty: Rows<Int8Array> = { data: new Int8Array(0), width: L, n: 0 };
  const len = (s: Rows<Int8Array>, i: number): number => {
    let k = 0;
    while (k < L && (s.data[i * L + k] as number) >= 0) k++;
    return k;
  };
  const map = (s: Rows<Int8Array>, f: (row: Int8Array, k: number, i: number) => void): Rows<Int8Array> => {
    const data = s.data.slice();
    for (let i = 0; i < s.n; i++) f(data.subarray(i * L, (i + 1) * L), len(s, i), i);
    return { data, width: L, n: s.n };
  };
  const perState = <T extends Uint8Array | Float64Array>(s: Rows<Int8Array>, out: T, f: (k: number, i: number) => void): T => {
    for (let i = 0; i < s.n; i++) f(len(s, i), i);
    return out;
  };
  return {
    [EnvironmentTypeId]: EnvironmentTypeId,
    name: 'bits',
    numActions: 3,
    numBackwardActions: 1,
    featureSize: 2 * L,
    maxTrajectoryLength: L + 1,
    initialStates: (n) => ({ data: new Int8Array(n * L).fill(-1), width: L, n }),
    batchSize: (s) => s.n,
    select: (s, idx) => selectRows(s, idx),
    concat: (batches) => concatRows(batches, empty),
    forwardMask(s) {
      const m = new Uint8Array(s.n * 3);
      return perState(s, m, (k, i) => m.set(k < L ? [1, 1, 0] : [0, 0, 1], i * 3));
    },
    backwardMask(s) {
      const m = new Uint8Array(s.n);
      return perState(s, m, (k, i) => (m[i] = k > 0 ? 1 : 0));
    },
    step: (s, actions) => map(s, (row, k, i) => (row[k] = actions[i] as number)),
    backwardStep: (s) => map(s, (row, k) => (row[k - 1] = -1)),
    inverseForward: (s) => new Int32Array(s.n),
    inverseBackward(s) {
      const out = new Int32Array(s.n);
      for (let i = 0; i < s.n; i++) out[i] = s.data[i * L + len(s, i) - 1] as number;
      return out;
    },
    isInitial(s) {
      const m = new Uint8Array(s.n);
      return perState(s, m, (k, i) => (m[i] = k === 0 ? 1 : 0));
    },
    logReward(s) {
      const out = new Float64Array(s.n);
      for (let i = 0; i < s.n; i++) out[i] = Math.log(base + s.data.subarray(i * L, (i + 1) * L).reduce((a, b) => a + b, 0));
      return out;
    },
    features(s) {
      // Two one-hot slots per position (bit 0, bit 1); an unset position is all zero.
      const f = new Float32Array(s.n * 2 * L);
      s.data.forEach((b, j) => b >= 0 && (f[2 * j + b] = 1));
      return f;
    },
    stateKey: (s, i) => Array.from(s.data.subarray(i * L, (i + 1) * L), (b) => (b < 0 ? '.' : String(b))).join(''),
    enumerate() {
      const rows: number[] = [];
      for (let k = 0; k <= L; k++) for (let v = 0; v < 2 ** k; v++) for (let j = 0; j < L; j++) rows.push(j < k ? (v >> (k - 1 - j)) & 1 : -1);
      return { data: Int8Array.from(rows), width: L, n: rows.length / L };
    },
  };
}
