import type { Sampler } from '@gflownet/core';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import type { ScheduleKind } from '@gflownet/sampler-rollout';
import { exploration, offPolicySampler, onPolicySampler, SCHEDULE_KINDS, schedule } from '@gflownet/sampler-rollout';
import type { OptionSpecs, ParsedOptions } from './options.js';
import { UsageError } from './options.js';

/** Exploration settings of the off-policy and replay samplers, as recorded in the results file. */
export interface ExplorationSettings {
  readonly epsilon: number;
  readonly epsilonFinal: number;
  readonly temperature: number;
  readonly temperatureFinal: number;
  readonly exitBias: number;
  readonly exitBiasFinal: number;
  readonly schedule: ScheduleKind;
  readonly explorationIterations: number;
}

/** Replay settings of the replay sampler, as recorded in the results file. */
export interface ReplaySettings {
  readonly replayCapacity: number;
  readonly replayRatio: number;
  readonly prioritized: boolean;
  readonly prefill: number;
  readonly replayStore: 'trajectories' | 'terminals';
}

const EXPLORATION_KEYS = ['epsilon', 'epsilon-final', 'temperature', 'temperature-final', 'exit-bias', 'exit-bias-final', 'schedule', 'exploration-iterations'];
const REPLAY_KEYS = ['replay-capacity', 'replay-ratio', 'prefill', 'replay-store'];

/** Names of the options among `keys` that were given on the command line. */
function given(options: ParsedOptions, keys: readonly string[]): string[] {
  return keys.filter((k) => options[k] !== undefined);
}

function explorationSettings(options: ParsedOptions): ExplorationSettings {
  const num = (k: string, d: number): number => (options[k] as number | undefined) ?? d;
  const iterations = (options.iterations as number | undefined) ?? 2000;
  return {
    epsilon: num('epsilon', 0),
    epsilonFinal: num('epsilon-final', 0),
    temperature: num('temperature', 1),
    temperatureFinal: num('temperature-final', 1),
    exitBias: num('exit-bias', 0),
    exitBiasFinal: num('exit-bias-final', 0),
    schedule: ((options.schedule as string | undefined) ?? 'cosine') as ScheduleKind,
    explorationIterations: num('exploration-iterations', Math.round(iterations / 5)),
  };
}

function replaySettings(options: ParsedOptions): ReplaySettings {
  return {
    replayCapacity: (options['replay-capacity'] as number | undefined) ?? 1000,
    replayRatio: (options['replay-ratio'] as number | undefined) ?? 0.5,
    prioritized: options.prioritized === true,
    prefill: (options.prefill as number | undefined) ?? 0,
    replayStore: ((options['replay-store'] as string | undefined) ?? 'trajectories') as ReplaySettings['replayStore'],
  };
}

/**
 * The sampler's settings for the results file's `config` (empty for on-policy). Also checks that
 * the options fit the sampler: exploration options need `off-policy` or `replay`, replay options `replay`.
 */
export function samplerSettings(options: ParsedOptions): Partial<ExplorationSettings & ReplaySettings> {
  const kind = options.sampler as string;
  const exp = given(options, EXPLORATION_KEYS);
  const rep = [...given(options, REPLAY_KEYS), ...(options.prioritized === true ? ['prioritized'] : [])];
  if (kind === 'on-policy' && exp.length + rep.length > 0) {
    throw new UsageError(`--${[...exp, ...rep][0]} needs --sampler off-policy or replay (the on-policy sampler does not explore or replay)`);
  }
  if (kind === 'off-policy' && rep.length > 0) throw new UsageError(`--${rep[0]} needs --sampler replay`);
  if (kind === 'on-policy') return {};
  const e = explorationSettings(options);
  if (e.temperature <= 0 || e.temperatureFinal <= 0) throw new UsageError('--temperature and --temperature-final must be > 0');
  return kind === 'replay' ? { ...e, ...replaySettings(options) } : e;
}

function buildExploration(options: ParsedOptions) {
  const s = explorationSettings(options);
  const anneal = (initial: number, final: number) => schedule({ kind: s.schedule, initial, final, iterations: s.explorationIterations });
  return exploration({
    epsilon: anneal(s.epsilon, s.epsilonFinal),
    temperature: anneal(s.temperature, s.temperatureFinal),
    exitBias: anneal(s.exitBias, s.exitBiasFinal),
  });
}

/** Samplers selectable with `--sampler`, each built from the parsed options. */
export const SAMPLER_BUILDERS: Readonly<Record<string, (options: ParsedOptions) => Sampler>> = {
  'on-policy': (options) => {
    samplerSettings(options);
    return onPolicySampler();
  },
  'off-policy': (options) => {
    samplerSettings(options);
    return offPolicySampler({ behaviour: buildExploration(options) });
  },
  replay: (options) => {
    samplerSettings(options);
    const r = replaySettings(options);
    const buffer = replayBuffer({
      capacity: r.replayCapacity,
      store: r.replayStore,
      ...(r.prioritized ? { eviction: 'reward' as const, sampling: 'reward' as const } : {}),
    });
    return replaySampler({ buffer, ratio: r.replayRatio, prefill: r.prefill, behaviour: buildExploration(options) });
  },
};

/** Options specific to samplers. Exploration and replay options have no parsed default, so misuse can be detected. */
export const SAMPLER_OPTIONS: OptionSpecs = {
  sampler: { type: 'enum', choices: Object.keys(SAMPLER_BUILDERS), default: 'on-policy', help: 'How training trajectories are produced' },
  epsilon: { type: 'number', min: 0, max: 1, help: 'Off-policy: probability of a uniformly random valid action, annealed to --epsilon-final (default: 0)' },
  'epsilon-final': { type: 'number', min: 0, max: 1, help: 'Off-policy: ε at the end of the exploration phase (default: 0)' },
  temperature: { type: 'number', min: 0, exclusiveMin: true, help: 'Off-policy: temperature dividing the logits, annealed to --temperature-final (default: 1)' },
  'temperature-final': { type: 'number', min: 0, exclusiveMin: true, help: 'Off-policy: temperature at the end of the exploration phase (default: 1)' },
  'exit-bias': { type: 'number', help: "Off-policy: bias subtracted from the stop action's logit, annealed to --exit-bias-final (default: 0)" },
  'exit-bias-final': { type: 'number', help: 'Off-policy: exit bias at the end of the exploration phase (default: 0)' },
  schedule: { type: 'enum', choices: SCHEDULE_KINDS, help: 'Off-policy: annealing schedule of ε, temperature and exit bias (default: cosine)' },
  'exploration-iterations': { type: 'int', min: 0, help: 'Off-policy: length of the exploration phase in iterations (default: iterations/5)' },
  'replay-capacity': { type: 'int', min: 1, help: 'Replay: buffer capacity (default: 1000)' },
  'replay-ratio': { type: 'number', min: 0, max: 1, help: 'Replay: fraction of each batch drawn from the buffer; 1 = pure replay (default: 0.5)' },
  prioritized: { type: 'boolean', help: 'Replay: keep the top trajectories by reward and sample them in proportion to R' },
  prefill: { type: 'int', min: 0, help: 'Replay: trajectories from the uniform policy put in the buffer before training (default: 0)' },
  'replay-store': { type: 'enum', choices: ['trajectories', 'terminals'], help: 'Replay: store whole trajectories, or terminal states re-sampled backward with P_B (default: trajectories)' },
};

/** The sampler the options name. */
export function buildSampler(options: ParsedOptions): Sampler {
  const make = SAMPLER_BUILDERS[options.sampler as string];
  if (!make) throw new UsageError(`unknown sampler "${String(options.sampler)}"`);
  return make(options);
}
