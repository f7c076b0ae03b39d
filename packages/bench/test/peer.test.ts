import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PeerResult } from '../src/peer.js';
import { bestOurs, bestTorch, median, parseOursSetting, peerRuns, peerTable, peerUnavailable } from '../src/peer.js';

const result: PeerResult = {
  cells: [
    { ndim: 2, batchSize: 16, ours: { 'wasm-threads=1': [120, 140], 'threads=2': [100, 110] }, torchgfn: { '1': [40, 30], '2': [20, 22] } },
    { ndim: 2, batchSize: 64, ours: { 'wasm-threads=1': [40], 'threads=2': [50] }, torchgfn: { '1': [30], '2': [31] } },
  ],
  torch: '1.13',
  standIns: [],
  machine: { cpus: 2, cpuModel: 'x', loadAverage: { start: 0, end: 0 }, nice: 0 },
};

describe('bench:peer tables', () => {
  it("compares the medians of each side's better setting, in bold under 2×", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 4])).toBe(2.5);
    expect(bestTorch(result.cells[1] as PeerResult['cells'][number])).toEqual({ threads: '2', iterationsPerSecond: 31 });
    expect(peerTable(result, 8).split('\n')).toEqual([
      '| hypergrid, H = 8 | batch 16 | batch 64 |',
      '|---|---|---|',
      '| 2-D: ours / torchgfn | 130 / 35.0 (3.7×) | **50.0 / 31.0 (1.6×)** |',
    ]);
    expect(bestOurs(result.cells[1] as PeerResult['cells'][number])).toEqual({ setting: 'threads=2', iterationsPerSecond: 50 });
    expect(peerRuns(result)).toContain('| 2-D, batch 16 | 120, 140 | 100, 110 | wasm-threads=1 | 40.0, 30.0 | 20.0, 22.0 | 1 thread |');
  });

  it('parses our settings and names what is wrong with a bad one', () => {
    expect(parseOursSetting('wasm-threads=2')).toEqual({ name: 'wasm-threads=2', wasmThreads: 2, threads: 1 });
    expect(parseOursSetting(' threads=2')).toEqual({ name: 'threads=2', wasmThreads: 1, threads: 2 });
    expect(parseOursSetting('threads=2:fma')).toEqual({ name: 'threads=2:fma', wasmThreads: 1, threads: 2, gemm: 'fma' });
    expect(parseOursSetting('wasm-threads=1:xnnpack')).toEqual({ name: 'wasm-threads=1:xnnpack', wasmThreads: 1, threads: 1, gemm: 'xnnpack' });
    expect(parseOursSetting('threads=2:avx')).toMatch(/optionally :xnnpack, :simd or :fma/);
    expect(parseOursSetting('threads=1')).toMatch(/N ≥ 2/);
    expect(parseOursSetting('cores=2')).toMatch(/expected wasm-threads=N or threads=N/);
  });

  it('says why it cannot run: no checkout, no script, no Python with PyTorch', () => {
    expect(peerUnavailable(undefined, 'python3')).toMatch(/TORCHGFN_DIR is not set/);
    expect(peerUnavailable('/nonexistent', 'python3')).toMatch(/has no tutorials\/examples\/train_hypergrid.py/);
    const checkout = mkdtempSync(join(tmpdir(), 'torchgfn-'));
    mkdirSync(join(checkout, 'tutorials', 'examples'), { recursive: true });
    writeFileSync(join(checkout, 'tutorials', 'examples', 'train_hypergrid.py'), '');
    expect(peerUnavailable(checkout, '/nonexistent/python3')).toMatch(/did not start .*set GFN_PEER_PYTHON/);
  });
});
