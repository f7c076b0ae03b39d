import type { RDKitModule } from './rdkit.js';
import { canonicalSmiles, loadRDKit } from './rdkit.js';
import type { FragmentMolecule, MoleculeReward } from './reward.js';
import { checkMoleculeLogReward } from './reward.js';

/**
 * Canonicalisation and reward caches: assembled SMILES → canonical molecule (one RDKit parse per
 * distinct assembled string) and canonical SMILES → log R (one reward call per distinct molecule).
 * Both grow with the number of distinct molecules seen (about 100–200 bytes each).
 */
export class MoleculeStore {
  private readonly canonical = new Map<string, FragmentMolecule>();
  private readonly rewards = new Map<string, number | Promise<number>>();
  private rdkitModule: RDKitModule | undefined;

  constructor(readonly reward: MoleculeReward) {}

  /** The RDKit module (loaded on first use). */
  async rdkit(): Promise<RDKitModule> {
    this.rdkitModule ??= await loadRDKit();
    return this.rdkitModule;
  }

  /** Canonical molecules of assembled SMILES strings. */
  async molecules(assembled: readonly string[]): Promise<FragmentMolecule[]> {
    const rdkit = await this.rdkit();
    return assembled.map((s) => {
      let m = this.canonical.get(s);
      if (!m) {
        const c = canonicalSmiles(rdkit, s);
        m = c === null ? { smiles: s, valid: false, rdkit } : { smiles: c, valid: true, rdkit };
        this.canonical.set(s, m);
      }
      return m;
    });
  }

  /** log R of assembled SMILES strings, computed once per canonical molecule and validated. */
  async logRewards(assembled: readonly string[]): Promise<Float64Array> {
    const mols = await this.molecules(assembled);
    const pending = mols.map((m) => {
      let v = this.rewards.get(m.smiles);
      if (v === undefined) {
        const raw = this.reward.logReward(m);
        v = raw instanceof Promise ? raw.then((x) => checkMoleculeLogReward(x, m.smiles)) : checkMoleculeLogReward(raw, m.smiles);
        this.rewards.set(m.smiles, v);
        // A failed reward is not cached, so a later call reports it again.
        if (v instanceof Promise) v.catch(() => this.rewards.delete(m.smiles));
      }
      return v;
    });
    const values = await Promise.all(pending);
    return Float64Array.from(values);
  }

  /** Number of distinct molecules whose reward is cached. */
  get cachedRewards(): number {
    return this.rewards.size;
  }
}
