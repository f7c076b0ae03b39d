import type { Environment, Objective, RegressionLoss } from '@gflownet/core';
import { detailedBalanceObjective, modifiedDetailedBalanceObjective } from '@gflownet/objective-detailed-balance';
import { flowMatchingObjective } from '@gflownet/objective-flow-matching';
import type { Baseline, HviKind, ImportanceWeighting } from '@gflownet/objective-hvi';
import { hviObjective } from '@gflownet/objective-hvi';
import type { SubTrajectoryWeighting } from '@gflownet/objective-subtrajectory-balance';
import { subTrajectoryBalanceObjective } from '@gflownet/objective-subtrajectory-balance';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { environmentEntry } from './environments/index.js';
import type { OptionSpecs, ParsedOptions } from './options.js';
import { UsageError } from './options.js';

const loss = (options: ParsedOptions): RegressionLoss => ((options.loss as RegressionLoss | undefined) ?? 'squared');

const hvi = (kind: HviKind) => (options: ParsedOptions): Objective =>
  hviObjective(kind, {
    baseline: ((options.baseline as Baseline | undefined) ?? 'global'),
    importanceWeighting: ((options['importance-weights'] as ImportanceWeighting | undefined) ?? 'plain'),
  });

/**
 * Flow matching for the options: it needs the environment (to list parents). Given one, it uses it;
 * otherwise it builds it again from the options, and where that is asynchronous it returns an
 * objective whose `requires` can be read but whose loss says to pass the environment.
 */
function flowMatchingFor(options: ParsedOptions, env: Environment<unknown> | undefined): Objective {
  const settings = { loss: loss(options), leafWeight: (options['fm-leaf-weight'] as number | undefined) ?? 1 };
  if (env) return flowMatchingObjective({ env, ...settings });
  const built = environmentEntry(options).build(options);
  if (!(built instanceof Promise)) return flowMatchingObjective({ env: built.env, ...settings });
  built.catch(() => {}); // only its synchronous use matters here
  return {
    ...flowMatchingObjective({ env: undefined as unknown as Environment<unknown>, ...settings }),
    loss(): never {
      throw new UsageError(`--objective fm needs the environment; "${String(options.env)}" builds asynchronously, so pass it to buildObjective(options, env)`);
    },
  };
}

/** Objectives selectable with `--objective`, each built from the parsed options (and the environment, for FM). */
export const OBJECTIVE_BUILDERS: Readonly<Record<string, (options: ParsedOptions, env?: Environment<unknown>) => Objective>> = {
  fm: (options, env) => flowMatchingFor(options, env),
  db: (options) => detailedBalanceObjective({ loss: loss(options) }),
  mdb: (options) => modifiedDetailedBalanceObjective({ loss: loss(options) }),
  tb: (options) => trajectoryBalanceObjective({ loss: loss(options) }),
  subtb: (options) =>
    subTrajectoryBalanceObjective({
      lambda: (options['subtb-lambda'] as number | undefined) ?? 0.9,
      weighting: ((options['subtb-weighting'] as SubTrajectoryWeighting | undefined) ?? 'geometric-within'),
      loss: loss(options),
    }),
  rkl: hvi('rkl'),
  fkl: hvi('fkl'),
  ws: hvi('ws'),
  rws: hvi('rws'),
};

/** Options specific to objectives. */
export const OBJECTIVE_OPTIONS: OptionSpecs = {
  objective: {
    type: 'enum',
    choices: Object.keys(OBJECTIVE_BUILDERS),
    default: 'tb',
    help: 'Training objective: flow matching, detailed balance, modified DB, trajectory balance, SubTB(λ), reverse KL, forward KL, wake-sleep, reverse wake-sleep',
  },
  loss: { type: 'enum', choices: ['squared', 'huber'], default: 'squared', help: 'Regression loss of the balance objectives (fm, db, mdb, tb, subtb)' },
  baseline: { type: 'enum', choices: ['none', 'local', 'global'], default: 'global', help: 'rkl/fkl/ws/rws: REINFORCE baseline (global = learned log Z)' },
  'importance-weights': {
    type: 'enum',
    choices: ['plain', 'self-normalized'],
    default: 'plain',
    help: 'rkl/fkl/ws/rws off-policy: importance weights P_F/π as they are, or normalised over the batch',
  },
  'subtb-lambda': { type: 'number', min: 0, default: 0.9, help: 'subtb: λ of the geometric weighting (0 → DB, large → TB)' },
  'subtb-weighting': { type: 'enum', choices: ['geometric-within', 'equal-within', 'equal'], default: 'geometric-within', help: 'subtb: weighting of the sub-trajectories' },
  'fm-leaf-weight': { type: 'number', min: 0, default: 1, help: 'fm: weight of the terminating-edge terms log F(x→s_f) = log R(x)' },
};

/** The objective the options name; `env` is the environment being trained on (flow matching needs it). */
export function buildObjective(options: ParsedOptions, env?: Environment<unknown>): Objective {
  const make = OBJECTIVE_BUILDERS[options.objective as string];
  if (!make) throw new UsageError(`unknown objective "${String(options.objective)}"`);
  return make(options, env);
}
