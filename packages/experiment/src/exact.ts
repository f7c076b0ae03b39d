import { SettingsError, stateGraph, targetDistribution } from '@gflownet/core';
import { dagPosterior, isDagEnvironment, MAX_EXACT_VARIABLES } from '@gflownet/env-dag';
import type { RunConfigInput } from './config.js';
import { prepareExperiment } from './run.js';

/** One terminating state of an exact target. */
export interface ExactState {
  readonly key: string;
  readonly logReward: number;
  /** log R(x) − log Z (for DAGs, the log posterior). */
  readonly logProb: number;
  readonly prob: number;
}

/** The exact target R(x)/Z of an environment, as `gfn exact` writes it (DAGs add variables and edge marginals). */
export interface ExactTarget {
  readonly logZ: number;
  readonly states: readonly ExactState[];
  readonly variables?: readonly string[];
  /** `[i][j]` = P(i→j | D), for DAGs. */
  readonly edgeMarginals?: readonly (readonly number[])[];
}

/** Enumerates the environment of a run config and returns its exact target distribution. */
export async function exactTarget(input: RunConfigInput, log: (line: string) => void = () => {}): Promise<ExactTarget> {
  const { env } = (await prepareExperiment(input, log)).built;
  if (isDagEnvironment(env)) {
    if (!env.enumerate) throw new SettingsError(`exact evaluation enumerates every DAG and is limited to ${MAX_EXACT_VARIABLES} variables; this data has ${env.d}`);
    const posterior = dagPosterior(env);
    const d = env.d;
    const states = posterior.graph.keys.map((key, i) => ({
      key,
      logReward: posterior.logRewards[i] as number,
      logProb: posterior.logProbs[i] as number,
      prob: posterior.probs[i] as number,
    }));
    const edgeMarginals = Array.from({ length: d }, (_, i) => Array.from(posterior.edgeMarginals.subarray(i * d, (i + 1) * d)));
    return { logZ: posterior.logZ, variables: env.data.names, states, edgeMarginals };
  }
  if (!env.enumerate) throw new SettingsError(`environment ${env.name} cannot enumerate its states, so it has no exact target`);
  const graph = stateGraph(env);
  const target = await targetDistribution(env, graph);
  const states: ExactState[] = [];
  for (let i = 0; i < graph.numStates; i++) {
    if (!graph.terminating[i]) continue;
    const logReward = target.logRewards[i] as number;
    states.push({ key: graph.keys[i] as string, logReward, logProb: logReward - target.logZ, prob: target.probs[i] as number });
  }
  return { logZ: target.logZ, states };
}
