import { exactTarget, writeJsonAtomic } from '@gflownet/experiment';
import type { OptionSpecs } from '../options.js';
import { helpText, required } from '../options.js';
import { readRunArguments, runOptionSpecs } from '../run-options.js';

const EXACT_CONTROL: OptionSpecs = {
  out: { type: 'string', help: 'Write the target distribution (JSON) here (required)' },
  config: { type: 'string', help: 'Read the environment from a JSON file (a run config or flat options)' },
};

const USAGE =
  'gfn exact --env hypergrid [--ndim D --height H --r0 X …] --out FILE\n       gfn exact --env dag (--data FILE.csv | --simulate d,n,seed) [--prior …] [--score …] --out FILE';
const SUMMARY =
  'Enumerates the environment and writes the exact target R(x)/Z: {"logZ", "states": [{"key", "logReward", "logProb", "prob"}]}; for --env dag also "edgeMarginals" ([i][j] = P(i→j | D)).';
export const EXACT_HELP: string = helpText(USAGE, SUMMARY, { ...runOptionSpecs(), ...EXACT_CONTROL });

/** `gfn exact`. */
export async function exactCommand(argv: readonly string[]): Promise<void> {
  const args = await readRunArguments('exact', argv, EXACT_CONTROL);
  if (args.help) {
    process.stdout.write(`${EXACT_HELP}\n`);
    return;
  }
  const out = required(args.given, 'out', 'exact');
  const target = await exactTarget(args.config, (s) => process.stderr.write(`${s}\n`));
  writeJsonAtomic(out, target);
  const what = target.variables ? `${target.states.length} DAGs over ${target.variables.length} variables` : `${target.states.length} terminating states`;
  process.stdout.write(`logZ ${target.logZ}  (${what}) written to ${out}\n`);
}
