import { DEFAULT_GEMM, GEMM_KERNELS } from '@gflownet/backend-wasm';
import { z } from 'zod';

/**
 * The run config: everything that defines one training run, versioned. This file is the single home
 * of every default and every range of the parts every environment shares; an environment's own
 * settings come from its entry (`EnvironmentExperiment.settings`) and are checked against it when the
 * config is resolved (see `resolveRunConfig`).
 */
export const RUN_CONFIG_VERSION = 1;

export const OBJECTIVE_NAMES = ['fm', 'db', 'mdb', 'tb', 'subtb', 'rkl', 'fkl', 'ws', 'rws'] as const;
export const SAMPLER_KINDS = ['on-policy', 'off-policy', 'replay'] as const;
export const BACKEND_NAMES = ['wasm', 'cpu', 'node', 'node-gpu'] as const;
export const SCHEDULE_NAMES = ['constant', 'linear', 'cosine', 'exponential'] as const;

/** Defaults of exploration settings left unset once at least one exploration setting is given. */
export const EXPLORATION_DEFAULTS = {
  epsilon: 0,
  epsilonFinal: 0,
  temperature: 1,
  temperatureFinal: 1,
  exitBias: 0,
  exitBiasFinal: 0,
  schedule: 'cosine',
  /** Fraction of the run over which ε, temperature and exit bias are annealed. */
  explorationFraction: 0.2,
} as const;

/**
 * Exploration of an off-policy or replay sampler given no exploration setting at all: ε-uniform
 * exploration from 0.5 down to 0.1. (An "off-policy" sampler that does not explore would be on-policy,
 * and on DAG posteriors that collapses onto a few graphs; see docs/samplers.md.)
 */
export const DEFAULT_OFF_POLICY_EXPLORATION = { epsilon: 0.5, epsilonFinal: 0.1 } as const;

/** Replay settings left unset. */
export const REPLAY_DEFAULTS = { replayCapacity: 1000, replayRatio: 0.5, prioritized: false, prefill: 0, replayStore: 'trajectories', replayUnit: 'trajectories' } as const;

/** Evaluations per run when `evalEvery` is unset. */
export const EVALUATIONS_PER_RUN = 20;

const int = (min: number, max: number) => z.int().min(min).max(max);
const positive = (max: number) => z.number().gt(0).max(max);

const settingValue = z.union([z.string(), z.number(), z.boolean()]);

/** The environment: its name, where to load it from (for third-party entries), and its own settings. */
export const EnvironmentConfigSchema = z
  .object({
    name: z.string().min(1).default('hypergrid'),
    /** A module (path or package) exporting the entry, for environments not built in. */
    module: z.string().min(1).optional(),
    /** A module exporting a reward function, for environments that take one. */
    rewardModule: z.string().min(1).optional(),
  })
  .catchall(settingValue);

export const PolicyConfigSchema = z.strictObject({
  /** `mlp` (separate MLPs over the environment's features) or a policy the environment offers (`mpnn`, `gnn`). */
  kind: z.string().min(1).default('mlp'),
  hidden: z.array(int(1, 8192)).min(1).max(32).default([256, 256]),
  backward: z.enum(['learned', 'uniform']).default('learned'),
  /** How the stop action is parameterised: in the softmax, or by a separate sigmoid (the DAG paper's). */
  stopHead: z.enum(['softmax', 'sigmoid']).default('softmax'),
  /** Message-passing rounds of the fragments MPNN (unset: the estimator's own default, 3; the paper: 10). */
  rounds: int(1, 64).optional(),
});

export const ObjectiveConfigSchema = z.strictObject({
  name: z.enum(OBJECTIVE_NAMES).default('tb'),
  loss: z.enum(['squared', 'huber']).default('squared'),
  /** `batch-mean` with plain weights on replay: the DAG paper's off-policy reverse KL (Table 2). */
  baseline: z.enum(['none', 'local', 'global', 'batch-mean']).default('global'),
  importanceWeights: z.enum(['plain', 'self-normalized']).default('plain'),
  subtbLambda: z.number().min(0).max(1e6).default(0.9),
  subtbWeighting: z.enum(['geometric-within', 'equal-within', 'equal']).default('geometric-within'),
  fmLeafWeight: z.number().min(0).max(1e6).default(1),
});

/** Sampler settings; unset exploration/replay settings are filled by kind when the config is resolved. */
export const SamplerConfigSchema = z.strictObject({
  kind: z.enum(SAMPLER_KINDS).default('on-policy'),
  epsilon: z.number().min(0).max(1).optional(),
  epsilonFinal: z.number().min(0).max(1).optional(),
  temperature: positive(1e6).optional(),
  temperatureFinal: positive(1e6).optional(),
  exitBias: z.number().min(-1e6).max(1e6).optional(),
  exitBiasFinal: z.number().min(-1e6).max(1e6).optional(),
  schedule: z.enum(SCHEDULE_NAMES).optional(),
  explorationIterations: int(0, 1e9).optional(),
  replayCapacity: int(1, 10_000_000).optional(),
  replayRatio: z.number().min(0).max(1).optional(),
  prioritized: z.boolean().optional(),
  prefill: int(0, 10_000_000).optional(),
  replayStore: z.enum(['trajectories', 'terminals']).optional(),
  /** Fresh trajectories sampled into the buffer per iteration (default: the batch size). */
  collect: int(1, 65536).optional(),
  /** What a replayed item is: a stored trajectory, or one stored transition (modified DB only, as the DAG paper). */
  replayUnit: z.enum(['trajectories', 'transitions']).optional(),
});

export const OptimizerConfigSchema = z.strictObject({
  /** Adam learning rate of P_F and the state flow. Above 1 Adam steps are as large as the weights: refused. */
  lr: positive(1).default(1e-3),
  lrPb: positive(1).default(1e-3),
  lrLogZ: positive(10).default(0.1),
  /** Optimiser of log Z: Adam, or SGD with momentum `logZMomentum` and NaN gradients zeroed (the DAG paper's). */
  logZOptimizer: z.enum(['adam', 'sgd']).default('adam'),
  /** Momentum of the `sgd` log-Z optimiser (the DAG paper's 0.8); Adam ignores it. */
  logZMomentum: z.number().min(0).lt(1).default(0.8),
  // log Z is a float32 variable: beyond ±1e38 it would not even be stored.
  logZInit: z.number().min(-1e38).max(1e38).default(0),
});

export const RunConfigSchema = z.strictObject({
  version: z.literal(RUN_CONFIG_VERSION).default(RUN_CONFIG_VERSION),
  env: EnvironmentConfigSchema.prefault({}),
  policy: PolicyConfigSchema.prefault({}),
  objective: ObjectiveConfigSchema.prefault({}),
  sampler: SamplerConfigSchema.prefault({}),
  optimizer: OptimizerConfigSchema.prefault({}),
  evaluation: z.strictObject({ evalEvery: int(1, 1e9).optional() }).prefault({}),
  budget: z.strictObject({ iterations: int(1, 1e9).default(2000), batchSize: int(1, 65536).default(16) }).prefault({}),
  /** Seed of the policy initialisation and of sampling (any 32-bit integer, negative ones included). */
  seed: int(-(2 ** 31), 2 ** 32 - 1).default(0),
  backend: z.enum(BACKEND_NAMES).default('wasm'),
  /** What multiplies matrices on the wasm backend (see `@gflownet/backend-wasm`'s `gemm` option). */
  wasmGemm: z.enum(GEMM_KERNELS).default(DEFAULT_GEMM),
  /**
   * Threads that train together: each batch is split into this many shards, sampled and differentiated
   * in parallel (worker threads) and combined in a fixed order. Results are reproducible for a given seed
   * and thread count, and differ between thread counts (each shard has its own sampling stream).
   */
  threads: int(1, 64).default(1),
});

/** A run config as written by a user: every part optional. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
/** A run config after schema defaults (sampler settings may still be unset). */
export type ParsedRunConfig = z.output<typeof RunConfigSchema>;

/** Exploration settings of an off-policy or replay sampler, every one set. */
export interface ResolvedExploration {
  readonly epsilon: number;
  readonly epsilonFinal: number;
  readonly temperature: number;
  readonly temperatureFinal: number;
  readonly exitBias: number;
  readonly exitBiasFinal: number;
  readonly schedule: (typeof SCHEDULE_NAMES)[number];
  readonly explorationIterations: number;
}

/** Replay settings of a replay sampler, every one set. */
export interface ResolvedReplay {
  readonly replayCapacity: number;
  readonly replayRatio: number;
  readonly prioritized: boolean;
  readonly prefill: number;
  readonly replayStore: 'trajectories' | 'terminals';
  readonly collect: number;
  readonly replayUnit: 'trajectories' | 'transitions';
}

/** The sampler after resolution: exactly the settings of its kind. */
export type ResolvedSampler =
  | { readonly kind: 'on-policy' }
  | ({ readonly kind: 'off-policy' } & ResolvedExploration)
  | ({ readonly kind: 'replay' } & ResolvedExploration & ResolvedReplay);

/** A run config with every default applied: what runs, and what results files and checkpoints record. */
export interface RunConfig extends Omit<ParsedRunConfig, 'sampler' | 'evaluation' | 'env'> {
  readonly env: ParsedRunConfig['env'];
  readonly sampler: ResolvedSampler;
  readonly evaluation: { readonly evalEvery: number };
}
