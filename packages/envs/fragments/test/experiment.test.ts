import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildContext, SettingValues } from '@gflownet/core';
import { SettingsError } from '@gflownet/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { FragmentsEnvironment } from '../src/index.js';
import { fragmentsEnvironment, loadVocabulary, logProbabilityRewardCorrelation, PDB_105_BLOCKS, parseBlockMolecules, uniformRandomPolicy } from '../src/index.js';
import { fragmentsExperiment } from '../src/experiment.js';
import { BLOCKS_105, HAVE_105, HAVE_HELDOUT, HELDOUT_950, vocabulary105 } from './helpers.js';

const read: string[] = [];
const context: BuildContext = {
  log: () => {},
  readInput(path, setting) {
    if (!existsSync(path)) throw new SettingsError(`--${setting}: no such file "${path}"`);
    read.push(path);
    return readFileSync(path, 'utf8');
  },
  writeOutput: () => {},
};
const build = async (settings: SettingValues, ctx: BuildContext = context) => {
  const built = await fragmentsExperiment.build(settings, ctx);
  return { ...built, env: built.env as FragmentsEnvironment };
};
const dir = mkdtempSync(join(tmpdir(), 'env-fragments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, json: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
};
/** The one-line SettingsError a build rejects with. */
async function settingsError(settings: SettingValues, ctx: BuildContext = context): Promise<string> {
  const err = await build(settings, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SettingsError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('fragments experiment settings', () => {
  it('defaults to the QED reward (β = 10) and the built-in 48 blocks', async () => {
    const { env, settings } = await build({});
    expect(settings).toMatchObject({ env: 'fragments', vocabulary: 'default', reward: 'qed', beta: 10, 'mode-threshold': 0.9 });
    expect(env.reward.name).toBe('qed');
    expect(env.vocabulary.numBlocks).toBe(48);
  });

  it('offers the sEH reward with its own mode threshold (y), and refuses settings that do not fit', async () => {
    const seh = await build({ reward: 'seh', beta: 4 });
    expect(seh.settings).toMatchObject({ reward: 'seh', beta: 4, 'mode-threshold': 8 });
    expect(seh.env.reward).toMatchObject({ name: 'seh', beta: 4, usesStems: true });
    expect((await build({ reward: 'seh', modeThreshold: 7.5 })).settings['mode-threshold']).toBe(7.5);
    expect(await settingsError({ modeThreshold: 2 })).toBe('--mode-threshold is a QED level with --reward qed, at most 1, got 2');
    const withModule = { ...context, reward: () => 1 };
    expect(await settingsError({ reward: 'seh' }, withModule)).toMatch(/^--reward chooses a built-in reward/);
    expect(await settingsError({ beta: 3 }, withModule)).toMatch(/^--beta applies to the built-in rewards/);
    expect((await build({}, withModule)).settings).toMatchObject({ reward: 'custom' });
  });

  it('has the original 105 blocks built in: pdb105 (1 + 105 × 30 actions for 2–8 fragments)', async () => {
    const { env, settings } = await build({ vocabulary: 'pdb105' });
    expect(settings.vocabulary).toBe('pdb105');
    expect(env.vocabulary.numBlocks).toBe(105);
    expect(new Set(PDB_105_BLOCKS.map((b) => b.smiles)).size).toBe(72);
    expect(env.maxStems).toBe(30);
    expect(env.numActions).toBe(1 + 105 * 30);
  });

  it.skipIf(!HAVE_105)('pdb105 is the blocks_PDB_105.json file, row for row', async () => {
    expect(PDB_105_BLOCKS).toEqual(await vocabulary105());
    const fromFile = await build({ vocabulary: BLOCKS_105 });
    expect(fromFile.env.vocabulary.blocks).toEqual(PDB_105_BLOCKS);
    expect(read).toContain(BLOCKS_105);
  });

  it('refuses vocabulary files with SMILES RDKit cannot read, naming the file and the block, in one line', async () => {
    for (const smiles of ['C1CC(', '[Zz]C', 'c1cccc1']) {
      const path = file(`bad-${smiles.length}.json`, [
        { name: 'ethyl', smiles: 'CC', stems: [0, 1] },
        { name: 'bad', smiles, stems: [0] },
      ]);
      expect(await settingsError({ vocabulary: path })).toBe(`--vocabulary ${path}: block 1 ("bad"): RDKit cannot parse SMILES "${smiles}"`);
      await expect(loadVocabulary(path)).rejects.toThrow(`block 1 ("bad"): RDKit cannot parse SMILES "${smiles}"`);
    }
    const explicitH = file('h.json', [{ name: 'water', smiles: '[H]O', stems: [1] }]);
    expect(await settingsError({ vocabulary: explicitH })).toMatch(/block 0 \("water"\): RDKit reads 1 atoms in "\[H\]O", not the 2 written/);
    const atom = file('atom.json', [{ name: 'ethyl', smiles: 'CC', stems: [0, 5] }]);
    expect(await settingsError({ vocabulary: atom })).toBe(`--vocabulary ${atom}: block 0 ("ethyl"): attachment atom 5 is not an atom of CC (0..1)`);
    const shape = file('shape.json', [{ smiles: 'CC' }]);
    expect(await settingsError({ vocabulary: shape })).toBe(`--vocabulary ${shape}[0]: expected { smiles, stems }`);
    expect(await settingsError({ vocabulary: file('json.json', '{') })).toMatch(/is not valid JSON/);
    expect(await settingsError({ vocabulary: join(dir, 'absent.json') })).toMatch(/^--vocabulary: no such file/);
    // A good file still loads.
    const good = file('good.json', [{ name: 'ethyl', smiles: 'CC', stems: [0, 1] }, { name: 'phenyl', smiles: 'c1ccccc1', stems: [0, 3] }]);
    expect((await build({ vocabulary: good })).env.vocabulary.numBlocks).toBe(2);
  });
});

describe.skipIf(!HAVE_HELDOUT)('--heldout-file (the original held-out molecules)', () => {
  const all = HAVE_HELDOUT ? (JSON.parse(readFileSync(HELDOUT_950, 'utf8')) as unknown[]) : [];
  const small = HAVE_HELDOUT ? file('heldout-30.json', all.slice(0, 30)) : '';

  it('adds the correlation of exact log P_F^T with log R on its molecules to the metrics', async () => {
    const built = await build({ vocabulary: 'pdb105', heldoutFile: small, metricSamples: 8, heldout: 4 });
    expect(built.settings['heldout-file']).toBe(small);
    const policy = uniformRandomPolicy(built.env);
    const metrics = await (fragmentsExperiment.metrics as NonNullable<typeof fragmentsExperiment.metrics>)(built, {
      policy,
      exact: null,
      sample: () => Promise.reject(new Error('not used')),
    });
    const env = fragmentsEnvironment({ vocabulary: PDB_105_BLOCKS });
    const direct = await logProbabilityRewardCorrelation(env, policy, env.statesFromBlocks(parseBlockMolecules(all.slice(0, 30))));
    expect(metrics.heldoutFileMolecules).toBe(30);
    expect(Number.isFinite(metrics.heldoutCorrelation)).toBe(true);
    expect(metrics.heldoutCorrelation).toBeCloseTo(direct.correlation, 10);
    expect(metrics.randomHeldoutCorrelation).toBeCloseTo(direct.correlation, 10);
    expect(metrics).toHaveProperty('top100Qed');
  });

  it('refuses held-out files that do not fit the environment, in one line', async () => {
    expect(await settingsError({ heldoutFile: small })).toMatch(/^--heldout-file .*: its molecules index the original 105 blocks; use --vocabulary pdb105/);
    expect(await settingsError({ vocabulary: 'pdb105', heldoutFile: small, minFragments: 3 })).toMatch(/: molecule \d+ has 2 fragments and cannot stop there \(--min-fragments 3\)$/);
    expect(await settingsError({ vocabulary: 'pdb105', heldoutFile: small, maxFragments: 6 })).toMatch(/: molecule \d+: has 8 blocks, more than --max-fragments 6$/);
    expect(await settingsError({ vocabulary: 'pdb105', heldoutFile: file('not-json.json', '[') })).toMatch(/not valid JSON/);
    expect(await settingsError({ vocabulary: 'pdb105', heldoutFile: file('empty.json', []) })).toMatch(/expected a non-empty array of \{ blockidxs, jbonds \} molecules/);
  });
});
