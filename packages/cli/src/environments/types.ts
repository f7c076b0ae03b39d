import type { Environment, ExactEvaluation, Policy } from '@gflownet/core';
import type { OptionSpecs, ParsedOptions } from '../options.js';

/** A built environment with the settings that define it (recorded in results files). */
export interface BuiltEnvironment {
  readonly env: Environment<unknown>;
  /** Every setting that defines the environment, `env` (its name) first. */
  readonly settings: Record<string, string | number>;
}

/** How the CLI offers one environment: its options and how to build it from them. */
export interface EnvironmentEntry {
  readonly name: string;
  /** Options specific to this environment (merged into train/exact/compare). */
  readonly options: OptionSpecs;
  build(options: ParsedOptions): BuiltEnvironment | Promise<BuiltEnvironment>;
  /**
   * Optional: environment-specific final metrics merged into the results file's `metrics`
   * (e.g. `edgeRmse` for DAGs, top-k reward and modes for molecules). `exact` is null where the
   * environment cannot be enumerated.
   */
  metrics?(built: BuiltEnvironment, context: { readonly policy: Policy; readonly exact: ExactEvaluation | null }): Record<string, number> | Promise<Record<string, number>>;
  /**
   * Optional: the policy to train on this environment (default: separate MLPs over `env.features`).
   * Receives the generic policy settings and every parsed option.
   */
  policy?(
    built: BuiltEnvironment,
    settings: { readonly hidden: readonly number[]; readonly backward: 'learned' | 'uniform'; readonly flow: boolean; readonly seed: number },
    options: ParsedOptions,
  ): Policy | undefined | Promise<Policy | undefined>;
  /**
   * Optional, for `gfn sample` on environments that cannot be enumerated: the exact log P_F^T of each
   * terminating state (e.g. by dynamic programming over a molecule's ancestors).
   */
  logTerminatingProbability?(built: BuiltEnvironment, policy: Policy, terminals: unknown): Float64Array | Promise<Float64Array>;
  /** Optional, for `gfn sample`: extra CSV columns describing terminating states (e.g. `smiles`). */
  describe?(built: BuiltEnvironment, terminals: unknown): Record<string, readonly string[]> | Promise<Record<string, readonly string[]>>;
  /** Optional: print a picture of a final distribution (e.g. a heat map). */
  picture?(built: BuiltEnvironment, distribution: Float64Array, target: Float64Array): string | undefined;
}
