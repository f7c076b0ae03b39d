import type { BackendName } from '@gflownet/experiment';
import { loadRewardModule, RunConfigSchema, selectBackend } from '@gflownet/experiment';
import { SettingsError } from '@gflownet/core';

/** What a reward worker computes: R of one input, or of a batch at once (a batched model such as the sEH proxy). */
export interface WorkerReward {
  readonly name: string;
  one?(input: unknown): number | Promise<number>;
  many?(inputs: readonly unknown[]): Promise<ArrayLike<number>>;
}

/** Which reward a worker serves: a built-in molecule reward or a reward module. */
export interface WorkerRewardChoice {
  readonly reward?: 'seh' | 'qed' | undefined;
  readonly rewardModule?: string | undefined;
  /** β of the built-in rewards (their own default when unset). */
  readonly beta?: number | undefined;
  /** tfjs backend of the sEH proxy (default: the run config's default backend). */
  readonly backend?: BackendName | undefined;
}

const molecules = (inputs: readonly unknown[], reward: string): never => {
  for (const m of inputs) if (typeof (m as { smiles?: unknown })?.smiles !== 'string') throw new Error(`the ${reward} reward takes molecules (of --env fragments), got ${JSON.stringify(m)}`);
  return inputs as never;
};

/**
 * The reward a worker serves. `seh` and `qed` are the molecule rewards of `@gflownet/env-fragments`
 * (R = exp(log R), so the run sees them as a reward of its own); a reward module is the same file a
 * local run would load with `--reward-module` (its `reward(x)` gets what the sampling process sent).
 */
export async function workerReward(choice: WorkerRewardChoice): Promise<WorkerReward> {
  if ((choice.reward === undefined) === (choice.rewardModule === undefined)) throw new SettingsError('give one of --reward seh|qed and --reward-module PATH');
  if (choice.rewardModule !== undefined) {
    if (choice.beta !== undefined) throw new SettingsError('--beta applies to the built-in rewards, not to a --reward-module');
    const fn = await loadRewardModule(choice.rewardModule);
    return { name: choice.rewardModule, one: (input) => fn(input as never) };
  }
  const fragments = await import('@gflownet/env-fragments');
  const beta = choice.beta !== undefined ? { beta: choice.beta } : {};
  if (choice.reward === 'qed') {
    const qed = fragments.qedReward(beta);
    return { name: 'qed', one: async (input) => Math.exp(await qed.logReward(molecules([input], 'qed')[0])) };
  }
  if (choice.reward !== 'seh') throw new SettingsError(`--reward must be seh or qed, got "${String(choice.reward)}"`);
  await selectBackend(choice.backend ?? RunConfigSchema.parse({}).backend);
  const seh = fragments.sehFragmentReward(beta);
  await seh.proxy();
  return { name: 'seh', many: async (inputs) => Array.from(await seh.logRewards(molecules(inputs, 'seh')), Math.exp) };
}
