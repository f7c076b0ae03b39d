// The sEH proxy runs on tfjs's wasm backend (its cpu backend needs minutes for hundreds of molecules).
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { Random } from '@gflownet/core';
import type { SehProxy } from '@gflownet/reward-seh';
import { sehProxy } from '@gflownet/reward-seh';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FragmentsEnvironment } from '../src/index.js';
import { fragmentsEnvironment, loadRDKit, PDB_105_BLOCKS, parseBlockMolecules, sampleTerminals, sehFragmentReward } from '../src/index.js';
import { fragmentsExperiment } from '../src/experiment.js';
import type { HeldoutMolecule } from './helpers.js';
import { HAVE_HELDOUT, HELDOUT_950 } from './helpers.js';

let reference: SehProxy;
beforeAll(async () => {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  // An independent proxy instance (its own RDKit module and weights), for reference values.
  reference = await sehProxy();
});
afterAll(async () => {
  reference.dispose();
  await tf.setBackend('cpu');
});

describe('the sEH reward of fragment states', () => {
  it.skipIf(!HAVE_HELDOUT)('reproduces proxy_y and the stored rewards of held-out molecules with free stems (every 3rd)', async () => {
    const data = (JSON.parse(readFileSync(HELDOUT_950, 'utf8')) as HeldoutMolecule[]).filter((d, i) => i % 3 === 0 && d.stems.length > 0 && d.proxy_y > 0.1);
    const reward = sehFragmentReward({ beta: 10 });
    const env = fragmentsEnvironment({ vocabulary: PDB_105_BLOCKS, reward });
    const s = env.statesFromBlocks(parseBlockMolecules(data));
    const logR = await env.logReward(s);
    const y = await reward.proxyValues(await env.molecules(s));
    expect(data.length).toBeGreaterThan(200);
    data.forEach((d, i) => {
      expect(Math.abs((y[i] as number) - d.proxy_y), d.smiles).toBeLessThan(1e-4);
      expect(Math.abs((logR[i] as number) - Math.log(d.stored_reward_beta10)), d.smiles).toBeLessThan(1e-3);
      expect(reward.score(logR[i] as number)).toBeCloseTo(Math.max(0.1, y[i] as number), 8);
    });
    // The weights are loaded once, on the first call; later calls leave the tensor count flat.
    await env.logReward(sampleTerminals(env, null, 8, new Random(3)));
    const after = tf.memory().numTensors;
    await env.logReward(sampleTerminals(env, null, 8, new Random(4)));
    expect(tf.memory().numTensors).toBe(after);
  });

  it('gives y of the canonical SMILES with its stem atoms, equal to y of the assembled SMILES with assembly-order stems', async () => {
    const reward = sehFragmentReward({ beta: 4 });
    const env = fragmentsEnvironment({ vocabulary: PDB_105_BLOCKS, reward });
    const s = sampleTerminals(env, null, 24, new Random(7));
    const logR = await env.logReward(s);
    const assembled = await reference.predict(Array.from({ length: s.n }, (_, i) => ({ smiles: env.smiles(s, i), stemAtoms: env.stemAtoms(s, i) })));
    const mols = await env.molecules(s);
    const withStems = mols.filter((m) => (m.stemAtoms?.length ?? 0) > 0).length;
    expect(withStems).toBeGreaterThan(0);
    mols.forEach((m, i) => {
      if ((m.stemAtoms?.length ?? 0) === 0) return; // Without stems: atom 0 of each SMILES (see the README).
      expect(Math.abs((logR[i] as number) - 4 * Math.log(Math.max(0.1, assembled[i] as number) / 8))).toBeLessThan(1e-4);
    });
  });
});

describe('gfn sample columns (describe)', () => {
  it('writes smiles, stemAtoms and proxy, and the proxy applied to smiles + stemAtoms reproduces proxy', async () => {
    const built = await fragmentsExperiment.build({ reward: 'seh', vocabulary: 'pdb105' }, { log: () => {}, readInput: () => '', writeOutput: () => {} });
    const env = built.env as FragmentsEnvironment;
    expect(built.settings).toMatchObject({ reward: 'seh', beta: 10, vocabulary: 'pdb105', 'mode-threshold': 8 });
    const terminals = sampleTerminals(env, null, 30, new Random(11));
    const columns = await (fragmentsExperiment.describe as NonNullable<typeof fragmentsExperiment.describe>)(built, terminals);
    expect(Object.keys(columns)).toEqual(['smiles', 'stemAtoms', 'proxy']);
    const smiles = columns.smiles as readonly string[];
    const stemAtoms = (columns.stemAtoms as readonly string[]).map((t) => (t === '' ? [] : t.split(' ').map(Number)));
    const y = await reference.predict(smiles.map((x, i) => ({ smiles: x, stemAtoms: stemAtoms[i] as number[] })));
    const rdkit = await loadRDKit();
    smiles.forEach((x, i) => {
      expect(Math.abs(Number(columns.proxy?.[i]) - (y[i] as number)), x).toBeLessThan(1e-5);
      // The SMILES column is canonical, and the stem atoms are distinct indices into it.
      const mol = rdkit.get_mol(x);
      expect(mol?.get_smiles()).toBe(x);
      const atoms = (JSON.parse(mol?.get_json() as string) as { molecules: { atoms: unknown[] }[] }).molecules[0]?.atoms.length as number;
      mol?.delete();
      for (const a of stemAtoms[i] as number[]) expect(a).toBeLessThan(atoms);
      expect(new Set(stemAtoms[i]).size).toBe(stemAtoms[i]?.length);
    });
    const logR = await env.logReward(terminals);
    logR.forEach((lr, i) => expect(lr).toBeCloseTo(10 * Math.log(Math.max(0.1, Number(columns.proxy?.[i])) / 8), 8));
  });
});
