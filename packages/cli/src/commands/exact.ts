import { stateGraph, targetDistribution } from '@gflownet/core';
import { buildEnvironment, ENVIRONMENT_OPTIONS } from '../environments/index.js';
import type { OptionSpecs } from '../options.js';
import { helpText, parseOptions, required } from '../options.js';
import { writeJsonAtomic } from '../results.js';

const EXACT_OPTIONS: OptionSpecs = { ...ENVIRONMENT_OPTIONS, out: { type: 'string', help: 'Write the target distribution (JSON) here (required)' } };

export const EXACT_HELP: string = helpText(
  'gfn exact --env hypergrid [--ndim D --height H --r0 X …] --out FILE',
  'Enumerates the environment and writes the exact target R(x)/Z: {"logZ", "states": [{"key", "logReward", "prob"}]}.',
  EXACT_OPTIONS,
);

/** `gfn exact`. */
export async function exactCommand(argv: readonly string[]): Promise<void> {
  const options = parseOptions('exact', argv, EXACT_OPTIONS);
  if (options.help) {
    process.stdout.write(`${EXACT_HELP}\n`);
    return;
  }
  const out = required<string>(options, 'out', 'exact');
  const { env } = await buildEnvironment(options);
  const graph = stateGraph(env);
  const target = await targetDistribution(env, graph);
  const states: { key: string; logReward: number; prob: number }[] = [];
  for (let i = 0; i < graph.numStates; i++) {
    if (graph.terminating[i]) states.push({ key: graph.keys[i] as string, logReward: target.logRewards[i] as number, prob: target.probs[i] as number });
  }
  writeJsonAtomic(out, { logZ: target.logZ, states });
  process.stdout.write(`logZ ${target.logZ}  (${states.length} terminating states) written to ${out}\n`);
}
