import { stateGraph, targetDistribution } from '@gflownet/core';
import { dagPosterior, isDagEnvironment, MAX_EXACT_VARIABLES } from '@gflownet/env-dag';
import { buildEnvironment, ENVIRONMENT_OPTIONS } from '../environments/index.js';
import type { OptionSpecs } from '../options.js';
import { helpText, parseOptions, required, UsageError } from '../options.js';
import { writeJsonAtomic } from '../results.js';

const EXACT_OPTIONS: OptionSpecs = { ...ENVIRONMENT_OPTIONS, out: { type: 'string', help: 'Write the target distribution (JSON) here (required)' } };

export const EXACT_HELP: string = helpText(
  'gfn exact --env hypergrid [--ndim D --height H --r0 X …] --out FILE\n       gfn exact --env dag (--data FILE.csv | --simulate d,n,seed) [--prior …] [--score …] --out FILE',
  'Enumerates the environment and writes the exact target R(x)/Z: {"logZ", "states": [{"key", "logReward", "logProb", "prob"}]}; for --env dag also "edgeMarginals" ([i][j] = P(i→j | D)).',
  EXACT_OPTIONS,
);

/** One terminating state of the exact target. */
interface ExactState {
  readonly key: string;
  readonly logReward: number;
  /** log R(x) − log Z (for DAGs, the log posterior). */
  readonly logProb: number;
  readonly prob: number;
}

/** `gfn exact`. */
export async function exactCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('exact', argv, EXACT_OPTIONS);
  if (options.help) {
    process.stdout.write(`${EXACT_HELP}\n`);
    return;
  }
  const out = required<string>(options, 'out', 'exact');
  const { env } = await buildEnvironment(options);
  if (isDagEnvironment(env)) {
    if (!env.enumerate) {
      throw new UsageError(`exact evaluation enumerates every DAG and is limited to ${MAX_EXACT_VARIABLES} variables; this data has ${env.d}`);
    }
    const posterior = dagPosterior(env);
    const d = env.d;
    const states: ExactState[] = posterior.graph.keys.map((key, i) => ({
      key,
      logReward: posterior.logRewards[i] as number,
      logProb: posterior.logProbs[i] as number,
      prob: posterior.probs[i] as number,
    }));
    const edgeMarginals = Array.from({ length: d }, (_, i) => Array.from(posterior.edgeMarginals.subarray(i * d, (i + 1) * d)));
    writeJsonAtomic(out, { logZ: posterior.logZ, variables: env.data.names, states, edgeMarginals });
    process.stdout.write(`logZ ${posterior.logZ}  (${states.length} DAGs over ${d} variables) written to ${out}\n`);
    return;
  }
  const graph = stateGraph(env);
  const target = await targetDistribution(env, graph);
  const states: ExactState[] = [];
  for (let i = 0; i < graph.numStates; i++) {
    if (graph.terminating[i]) {
      const logReward = target.logRewards[i] as number;
      states.push({ key: graph.keys[i] as string, logReward, logProb: logReward - target.logZ, prob: target.probs[i] as number });
    }
  }
  writeJsonAtomic(out, { logZ: target.logZ, states });
  process.stdout.write(`logZ ${target.logZ}  (${states.length} terminating states) written to ${out}\n`);
}
