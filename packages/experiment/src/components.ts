import type { BuiltEnvironment, Objective, Policy, Sampler } from '@gflownet/core';
import { SettingsError } from '@gflownet/core';
import type { DagEnvironment } from '@gflownet/env-dag';
import type { FragmentsEnvironment } from '@gflownet/env-fragments';
import { dagGnnPolicy } from '@gflownet/estimator-dag-gnn';
import { fragmentMpnnPolicy } from '@gflownet/estimator-fragment-mpnn';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { detailedBalanceObjective, modifiedDetailedBalanceObjective } from '@gflownet/objective-detailed-balance';
import { flowMatchingObjective } from '@gflownet/objective-flow-matching';
import { hviObjective } from '@gflownet/objective-hvi';
import { subTrajectoryBalanceObjective } from '@gflownet/objective-subtrajectory-balance';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { exploration, offPolicySampler, onPolicySampler, schedule } from '@gflownet/sampler-rollout';
import type { RunConfig } from './config.js';

/** The `objective` section of a resolved run config. */
export type ObjectiveConfig = RunConfig['objective'];

/** Objectives by name, each built from the objective part of a run config (FM gets the environment from the trainer). */
export const OBJECTIVES: Readonly<Record<ObjectiveConfig['name'], (o: ObjectiveConfig) => Objective>> = {
  fm: (o) => flowMatchingObjective({ loss: o.loss, leafWeight: o.fmLeafWeight }),
  db: (o) => detailedBalanceObjective({ loss: o.loss }),
  mdb: (o) => modifiedDetailedBalanceObjective({ loss: o.loss }),
  tb: (o) => trajectoryBalanceObjective({ loss: o.loss }),
  subtb: (o) => subTrajectoryBalanceObjective({ lambda: o.subtbLambda, weighting: o.subtbWeighting, loss: o.loss }),
  rkl: (o) => hviObjective('rkl', { baseline: o.baseline, importanceWeighting: o.importanceWeights }),
  fkl: (o) => hviObjective('fkl', { baseline: o.baseline, importanceWeighting: o.importanceWeights }),
  ws: (o) => hviObjective('ws', { baseline: o.baseline, importanceWeighting: o.importanceWeights }),
  rws: (o) => hviObjective('rws', { baseline: o.baseline, importanceWeighting: o.importanceWeights }),
};

/** The objective a run config names. */
export function buildObjective(config: RunConfig): Objective {
  return OBJECTIVES[config.objective.name](config.objective);
}

/** The sampler a run config describes (a fresh one: replay buffers start empty). */
export function buildSampler(config: RunConfig): Sampler {
  const s = config.sampler;
  if (s.kind === 'on-policy') return onPolicySampler();
  const anneal = (initial: number, final: number) => schedule({ kind: s.schedule, initial, final, iterations: s.explorationIterations });
  const behaviour = exploration({
    epsilon: anneal(s.epsilon, s.epsilonFinal),
    temperature: anneal(s.temperature, s.temperatureFinal),
    exitBias: anneal(s.exitBias, s.exitBiasFinal),
  });
  if (s.kind === 'off-policy') return offPolicySampler({ behaviour });
  const buffer = replayBuffer({
    capacity: s.replayCapacity,
    store: s.replayStore,
    unit: s.replayUnit,
    ...(s.prioritized ? { eviction: 'reward' as const, sampling: 'reward' as const } : {}),
  });
  return replaySampler({ buffer, ratio: s.replayRatio, prefill: s.prefill, collect: s.collect, behaviour });
}

/** What a policy builder receives. */
export interface PolicyRequest {
  readonly config: RunConfig;
  readonly built: BuiltEnvironment;
  /** Whether the objective needs a state-flow head (DB, SubTB, FM). */
  readonly flow: boolean;
}

/** Policies by `policy.kind`. `mlp` fits every environment; the others name the environment they need. */
export const POLICIES: Readonly<Record<string, (request: PolicyRequest) => Policy | Promise<Policy>>> = {
  mlp: ({ config, built, flow }) => {
    const { env } = built;
    const p = config.policy;
    const sigmoid = p.stopHead === 'sigmoid';
    if (sigmoid && env.name !== 'dag') throw new SettingsError(`--stop-head sigmoid needs --env dag (the policy reads the validity mask from the features, which only the DAG's hold whole), not ${env.name}`);
    return mlpPolicy({
      ...(sigmoid ? { stopHead: 'sigmoid' as const, forwardMask: dagMaskFromFeatures(env as unknown as DagEnvironment) } : {}),
      featureSize: env.featureSize,
      numActions: env.numActions,
      numBackwardActions: env.numBackwardActions,
      hidden: p.hidden,
      backward: p.backward,
      flow,
      seed: config.seed,
    });
  },
  gnn: ({ config, built, flow }) => {
    if (built.env.name !== 'dag') throw new SettingsError(`--policy gnn needs --env dag, not ${built.env.name}`);
    if (config.policy.backward !== 'uniform') throw new SettingsError('--policy gnn uses a uniform backward policy, as the paper: add --pb uniform');
    return dagGnnPolicy({ numVariables: (built.env as unknown as DagEnvironment).d, flow, seed: config.seed });
  },
  mpnn: ({ config, built, flow }) => {
    if (built.env.name !== 'fragments') throw new SettingsError(`--policy mpnn needs --env fragments, not ${built.env.name}`);
    if (config.policy.backward !== 'uniform') throw new SettingsError('--policy mpnn supports only a uniform backward policy: add --pb uniform');
    const env = built.env as unknown as FragmentsEnvironment;
    return fragmentMpnnPolicy({ layout: env.layout, hidden: config.policy.hidden[0] ?? 64, flow, seed: config.seed, ...(config.policy.rounds !== undefined ? { rounds: config.policy.rounds } : {}) });
  },
};

/** The DAG's validity mask from its features, which are the state's bytes (adjacency and closure). */
function dagMaskFromFeatures(env: DagEnvironment): (features: Float32Array, n: number) => Uint8Array {
  return (features, n) => env.forwardMask({ data: Uint8Array.from(features), width: env.featureSize, n } as never);
}

/** The policy a run config describes, for the built environment. */
export async function buildPolicy(config: RunConfig, built: BuiltEnvironment, flow: boolean): Promise<Policy> {
  const make = POLICIES[config.policy.kind];
  if (!make) throw new SettingsError(`unknown policy "${config.policy.kind}" (known: ${Object.keys(POLICIES).join(', ')})`);
  if (config.policy.stopHead !== 'softmax' && config.policy.kind !== 'mlp') {
    throw new SettingsError(`--stop-head ${config.policy.stopHead} applies to --policy mlp (the gnn's stop is always a sigmoid)`);
  }
  return make({ config, built, flow });
}
