// The full held-out check runs on the wasm backend (about 5 s; tfjs's cpu backend needs minutes for
// 950 molecules); network.test.ts checks a spread subset on the cpu backend.
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SehProxy } from '../src/index.js';
import { sehLogRewardFromY, sehProxy } from '../src/index.js';
import type { HeldoutMolecule } from './helpers.js';
import { sharedFile } from './helpers.js';

const HELDOUT = sharedFile('seh/heldout_some_mols_U_1k.json', 'the held-out accuracy test (950 molecules vs proxy_y)');
const BLOCKS = sharedFile('fragments/blocks_PDB_105.json', 'the assembly-order stem test');

/**
 * The molecule of a block list in assembly order: blocks written one after the other ('.'), each
 * junction (block a, block b, atom in a, atom in b) a ring closure, so atom indices are block offsets
 * plus the atom index within the block. A bracket atom at a junction loses one explicit H.
 */
function assemble(blocks: readonly string[], jbonds: readonly number[][]): string {
  const labels = new Map<string, string[]>();
  jbonds.forEach(([a, b, atomA, atomB], q) => {
    for (const key of [`${a}:${atomA}`, `${b}:${atomB}`]) labels.set(key, [...(labels.get(key) ?? []), `%${50 + q}`]);
  });
  return blocks
    .map((smiles, f) => {
      let atom = 0;
      return smiles.replace(/\[[^\]]+\]|Br|Cl|[BCNOPSFI]|[bcnops]/g, (token) => {
        const list = labels.get(`${f}:${atom++}`);
        if (!list) return token;
        const fewerH = token.replace(/H(\d?)/, (_, d: string) => {
          const left = (d ? Number(d) : 1) - list.length;
          return left <= 0 ? '' : left === 1 ? 'H' : `H${left}`;
        });
        return fewerH + list.join('');
      });
    })
    .join('.');
}

describe.skipIf(!HELDOUT)('sEH proxy on the 950 held-out molecules of the original experiment', () => {
  let proxy: SehProxy;
  let molecules: HeldoutMolecule[];
  beforeAll(async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await tf.setBackend('wasm');
    proxy = await sehProxy();
    molecules = JSON.parse(readFileSync(HELDOUT as string, 'utf8')) as HeldoutMolecule[];
  });
  afterAll(async () => {
    proxy.dispose();
    await tf.setBackend('cpu');
  });

  it('reproduces proxy_y of every molecule with y > 0.1 to 1e-4 (canonical SMILES, stem_atoms_canonical)', async () => {
    const before = tf.memory().numTensors;
    const y = await proxy.predict(molecules.map((m) => ({ smiles: m.smiles, stemAtoms: m.stem_atoms_canonical })));
    expect(tf.memory().numTensors).toBe(before);
    let checked = 0;
    let maxError = 0;
    molecules.forEach((m, i) => {
      if (m.proxy_y <= 0.1) return;
      checked++;
      maxError = Math.max(maxError, Math.abs((y[i] as number) - m.proxy_y));
    });
    console.info(`[reward-seh] held-out: ${checked} molecules with y > 0.1, max |Δy| = ${maxError.toExponential(2)}`);
    expect(checked).toBe(923);
    expect(maxError).toBeLessThan(1e-4);
    // The stored rewards of the original code: R = (max(0.1, y)/8)^10, compared in log space.
    molecules.forEach((m, i) => {
      if (m.proxy_y <= 0.1) return;
      expect(Math.abs(sehLogRewardFromY(y[i] as number, 10) - Math.log(m.stored_reward_beta10))).toBeLessThan(1e-2);
    });
  });

  it.skipIf(!BLOCKS)('gives the same y from the assembled SMILES with stem_atoms in assembly order (as the fragment environment numbers atoms)', async () => {
    const blocks = (JSON.parse(readFileSync(BLOCKS as string, 'utf8')) as { block_smi: Record<string, string> }).block_smi;
    const sample = molecules.filter((m) => m.proxy_y > 0.1 && m.blockidxs.length > 1);
    const assembled = sample.map((m) => ({
      smiles: assemble(
        m.blockidxs.map((b) => blocks[String(b)] as string),
        (m as unknown as { jbonds: number[][] }).jbonds,
      ),
      // With no free stem the original marks atom 0 of the first block, which is atom 0 here too.
      stemAtoms: m.stem_atoms,
    }));
    const y = await proxy.predict(assembled);
    expect(sample.length).toBeGreaterThan(900);
    sample.forEach((m, i) => expect(Math.abs((y[i] as number) - m.proxy_y), assembled[i]?.smiles).toBeLessThan(1e-4));
  });
});
