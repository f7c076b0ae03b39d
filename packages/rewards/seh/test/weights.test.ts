import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEH_WEIGHTS_SHA256, shippedSehWeights } from '../src/index.js';
import { SEH_WEIGHTS_COUNT, SEH_WEIGHTS_MANIFEST } from '../src/weights.generated.js';
import { sharedFile } from './helpers.js';

describe('shipped weights', () => {
  it('decode to the recorded bytes (sha256) with the spec shapes', () => {
    const weights = shippedSehWeights();
    const bytes = new Uint8Array(SEH_WEIGHTS_COUNT * 4);
    const view = new DataView(bytes.buffer);
    let k = 0;
    for (const t of SEH_WEIGHTS_MANIFEST) for (const v of (weights[t.name] as { data: Float32Array }).data) view.setFloat32(4 * k++, v, true);
    expect(k).toBe(99_905);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(SEH_WEIGHTS_SHA256);
    expect(weights.edge_W_single_double_triple_aromatic?.shape).toEqual([4, 64, 64]);
    expect(weights.s2s_W_ih?.shape).toEqual([256, 128]);
    expect(weights.lin3_b?.shape).toEqual([1]);
  });

  const SOURCE = sharedFile('seh/seh_proxy_reduced.json', 'the weights-vs-source comparison');
  it.skipIf(!SOURCE)('equal seh_proxy_reduced.json value for value', () => {
    const source = JSON.parse(readFileSync(SOURCE as string, 'utf8')) as { weights: Record<string, { shape: number[]; data: number[] }> };
    const weights = shippedSehWeights();
    expect(Object.keys(weights).sort()).toEqual(Object.keys(source.weights).sort());
    for (const [name, w] of Object.entries(source.weights)) {
      expect(weights[name]?.shape, name).toEqual(w.shape);
      expect(Array.from(weights[name]?.data ?? []), name).toEqual(w.data);
    }
  });
});
