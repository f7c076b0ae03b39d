import type { RankedSmiles, RDKitModule } from './rdkit.js';
import { canonicalSmilesWithRanks, loadRDKit } from './rdkit.js';
import type { FragmentMolecule, MoleculeReward } from './reward.js';
import { checkMoleculeLogReward } from './reward.js';

/** A state as the store sees it: its assembled SMILES and the assembled-SMILES atoms of its free stems. */
export interface AssembledState {
  readonly smiles: string;
  readonly stemAtoms: readonly number[];
}

/**
 * Canonicalisation and reward caches. Assembled SMILES → canonical SMILES and atom ranks (one RDKit
 * parse per distinct assembled string); reward key → log R (one reward evaluation per key). The key
 * is the canonical SMILES and the (canonical) stem atoms, since a reward may read the stems (the sEH
 * proxy does), or the canonical SMILES alone for rewards that declare `usesStems: false`. Both grow
 * with the number of distinct molecules seen (about 100–300 bytes each).
 */
export class MoleculeStore {
  private readonly canonical = new Map<string, RankedSmiles | null>();
  private readonly rewards = new Map<string, number | Promise<number>>();
  private rdkitModule: RDKitModule | undefined;

  constructor(readonly reward: MoleculeReward) {}

  /** The RDKit module (loaded on first use). */
  async rdkit(): Promise<RDKitModule> {
    this.rdkitModule ??= await loadRDKit();
    return this.rdkitModule;
  }

  /**
   * Canonical molecules of states, their stem atoms mapped into the canonical SMILES (a molecule RDKit
   * cannot parse keeps its assembled SMILES and stem atoms, `valid` false).
   */
  async molecules(states: readonly AssembledState[]): Promise<FragmentMolecule[]> {
    const rdkit = await this.rdkit();
    return states.map(({ smiles, stemAtoms }) => {
      let ranked = this.canonical.get(smiles);
      if (ranked === undefined) {
        ranked = canonicalSmilesWithRanks(rdkit, smiles);
        this.canonical.set(smiles, ranked);
      }
      if (ranked === null) return { smiles, valid: false, rdkit, stemAtoms: [...stemAtoms] };
      const { ranks } = ranked;
      const mapped = stemAtoms.map((a) => ranks[a] as number).sort((x, y) => x - y);
      return { smiles: ranked.smiles, valid: true, rdkit, stemAtoms: mapped };
    });
  }

  /** The reward-cache key of a molecule. */
  private keyOf(m: FragmentMolecule): string {
    return this.reward.usesStems === false ? m.smiles : `${m.smiles} ${(m.stemAtoms ?? []).join(',')}`;
  }

  /**
   * log R of states, computed once per key and validated; the molecules not yet cached go to the
   * reward together (`logRewards`, when the reward has it) or one by one (`logReward`).
   */
  async logRewards(states: readonly AssembledState[]): Promise<Float64Array> {
    const mols = await this.molecules(states);
    const keys = mols.map((m) => this.keyOf(m));
    const fresh = new Map<string, FragmentMolecule>();
    mols.forEach((m, i) => {
      const key = keys[i] as string;
      if (!this.rewards.has(key) && !fresh.has(key)) fresh.set(key, m);
    });
    if (fresh.size > 0) {
      if (this.reward.logRewards) this.evaluateBatch([...fresh.keys()], [...fresh.values()]);
      else for (const [key, m] of fresh) this.evaluateOne(key, m);
    }
    const values = await Promise.all(keys.map((k) => this.rewards.get(k) as number | Promise<number>));
    return Float64Array.from(values);
  }

  private evaluateOne(key: string, m: FragmentMolecule): void {
    const raw = this.reward.logReward(m);
    const v = raw instanceof Promise ? raw.then((x) => checkMoleculeLogReward(x, m.smiles)) : checkMoleculeLogReward(raw, m.smiles);
    this.rewards.set(key, v);
    // A failed reward is not cached, so a later call reports it again.
    if (v instanceof Promise) v.catch(() => this.rewards.delete(key));
  }

  private evaluateBatch(keys: readonly string[], mols: readonly FragmentMolecule[]): void {
    const reward = this.reward;
    const batch = (async () => {
      const values = await (reward.logRewards as NonNullable<MoleculeReward['logRewards']>)(mols);
      if (values?.length !== mols.length) {
        throw new RangeError(`fragments: reward ${reward.name}.logRewards returned ${String(values?.length)} values for ${mols.length} molecules`);
      }
      return Array.from(values as ArrayLike<unknown>, (v, j) => checkMoleculeLogReward(v, (mols[j] as FragmentMolecule).smiles));
    })();
    // Settled values replace the promises (a cache hit is then a number); a failed batch is not cached.
    batch.then(
      (values) => keys.forEach((key, j) => this.rewards.set(key, values[j] as number)),
      () => {
        for (const key of keys) if (this.rewards.get(key) instanceof Promise) this.rewards.delete(key);
      },
    );
    keys.forEach((key, j) => {
      const v = batch.then((values) => values[j] as number);
      v.catch(() => {});
      this.rewards.set(key, v);
    });
  }

  /** Number of distinct reward keys cached (molecules, or molecules with stems). */
  get cachedRewards(): number {
    return this.rewards.size;
  }
}
