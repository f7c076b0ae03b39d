import { exactEvaluator, Random } from '@gflownet/core';
import { sampleForward } from '@gflownet/sampler-rollout';
import { restorePolicy } from '@gflownet/trainer';
import type { BackendName } from './backends.js';
import { selectBackend } from './backends.js';
import type { StoredCheckpoint } from './checkpoints.js';
import { checkInputs } from './checkpoints.js';
import { buildObjective, buildPolicy } from './components.js';
import { prepareExperiment } from './run.js';

/** Options of {@link sampleCheckpoint}. */
export interface SampleOptions {
  readonly n: number;
  readonly seed?: number;
  /** Trajectories per policy batch (default: 256). */
  readonly batchSize?: number;
  /** Backend (default: the run's). */
  readonly backend?: BackendName;
  /** Name of the checkpoint file, for messages. */
  readonly source?: string;
}

/** Samples of a trained policy: one row per sample, as columns. */
export interface SampleTable {
  /** Column names: `key`, the environment's own columns (e.g. `smiles`), `reward`, `logReward`, and `logPFT` where exact. */
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Samples terminal states from a checkpoint's policy, with each state's reward and, where it can be
 * computed (enumerable environments, or environments with an exact log P_F^T), its exact log P_F^T.
 */
export async function sampleCheckpoint(stored: StoredCheckpoint, options: SampleOptions): Promise<SampleTable> {
  const prepared = await prepareExperiment(stored.config);
  checkInputs(stored.inputs, prepared.inputs, options.source ?? 'checkpoint');
  const { config, entry, built } = prepared;
  await selectBackend(options.backend ?? config.backend, { wasmGemm: config.wasmGemm });
  const policy = await buildPolicy(config, built, buildObjective(config).requires.flow === true);
  try {
    restorePolicy(policy, stored.state, options.source !== undefined ? `checkpoint ${options.source}` : 'checkpoint');
    const { env } = built;
    const random = new Random(options.seed ?? 0);
    const chunk = options.batchSize ?? 256;
    const keys: string[] = [];
    const logRewards: number[] = [];
    const logPFT: number[] = [];
    const extra = new Map<string, string[]>();
    const evaluator = env.enumerate ? await exactEvaluator(env) : null;
    const exact = evaluator ? evaluator.evaluate(policy) : null;
    for (let done = 0; done < options.n; done += chunk) {
      const batch = await sampleForward(env, policy, Math.min(chunk, options.n - done), random);
      for (let b = 0; b < batch.numTrajectories; b++) {
        const key = env.stateKey(batch.terminals, b);
        keys.push(key);
        logRewards.push(batch.logRewards[b] as number);
        if (exact && evaluator) logPFT.push(Math.log(exact.distribution[evaluator.graph.indexOfKey.get(key) as number] as number));
      }
      if (!exact && entry.logTerminatingProbability) logPFT.push(...(await entry.logTerminatingProbability(built, policy, batch.terminals)));
      const columns = entry.describe ? await entry.describe(built, batch.terminals) : {};
      for (const [name, values] of Object.entries(columns)) extra.set(name, [...(extra.get(name) ?? []), ...values]);
    }
    const names = [...extra.keys()];
    const withPFT = logPFT.length === keys.length;
    const header = ['key', ...names, 'reward', 'logReward', ...(withPFT ? ['logPFT'] : [])];
    const rows = keys.map((key, i) => {
      const row = [key, ...names.map((k) => (extra.get(k) as string[])[i] as string), String(Math.exp(logRewards[i] as number)), String(logRewards[i])];
      if (withPFT) row.push(String(logPFT[i]));
      return row;
    });
    return { header, rows };
  } finally {
    policy.dispose();
  }
}

/** CSV text of a {@link SampleTable}. */
export function toCsvText(table: SampleTable): string {
  const field = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[table.header, ...table.rows].map((r) => r.map(field).join(',')).join('\n')}\n`;
}
