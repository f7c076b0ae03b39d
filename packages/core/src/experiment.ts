import type { Environment } from './environment.js';
import type { ExactEvaluation } from './evaluate.js';
import type { FigurePanel } from './figure.js';
import type { Policy } from './policy.js';

/**
 * Declarative description of one setting of an experiment component (an environment's, say): its type,
 * range, default and help. The experiment layer turns these into the run-config schema (validation,
 * JSON Schema) and into `gfn` options, so a component states each of its defaults exactly once, here.
 */
export type SettingSpec =
  | { readonly type: 'int'; readonly default?: number; readonly min?: number; readonly max?: number; readonly help: string }
  | {
      readonly type: 'number';
      readonly default?: number;
      readonly min?: number;
      readonly max?: number;
      readonly exclusiveMin?: boolean;
      readonly help: string;
    }
  | { readonly type: 'string'; readonly default?: string; readonly help: string }
  | { readonly type: 'enum'; readonly choices: readonly string[]; readonly default?: string; readonly help: string }
  | { readonly type: 'boolean'; readonly default?: boolean; readonly help: string };

/** Settings by camelCase name; each becomes the `gfn` option of the same name in kebab-case. */
export type SettingSpecs = Readonly<Record<string, SettingSpec>>;

/** Values of settings after validation (absent when unset and without default). */
export type SettingValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** Bad settings or input data: reported as one line (exit code 2 on the command line). */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** An input file an environment read, with the SHA-256 of its content (checked when a run resumes). */
export interface InputFile {
  readonly path: string;
  readonly sha256: string;
}

/** A built environment with the settings that define it. */
export interface BuiltEnvironment<S = unknown> {
  readonly env: Environment<S>;
  /** Every setting that defines the environment, `env` (its name) first, as recorded in results files. */
  readonly settings: Readonly<Record<string, string | number>>;
  /** Files the environment read (data sets, vocabularies). */
  readonly inputs?: readonly InputFile[];
}

/** What the experiment layer hands an environment entry while building it. */
export interface BuildContext {
  /** Warnings for the user (shown even when progress output is off). */
  readonly log: (line: string) => void;
  /** A user reward loaded from a reward module (`--reward-module`), for entries with {@link EnvironmentExperiment.reward}. */
  readonly reward?: (x: never) => number | Promise<number>;
  /** Reads a text input file and records its content hash; errors name the file and the setting. */
  readonly readInput: (path: string, setting: string) => string;
  /** Writes a text output file atomically (e.g. simulated data the user asked to keep). */
  readonly writeOutput: (path: string, text: string) => void;
}

/** What the experiment layer hands an environment entry after training. */
export interface MetricsContext<S = unknown> {
  readonly policy: Policy;
  /** The final exact evaluation, or null where the environment cannot be enumerated. */
  readonly exact: ExactEvaluation | null;
  /** Samples `n` terminal states from the trained policy with a fixed seed. */
  readonly sample: (n: number, seed: number) => Promise<S>;
}

/** What the experiment layer hands an environment entry to draw a run's figure (after its metrics). */
export interface FigureContext<S = unknown> extends MetricsContext<S> {
  /** The run's final metrics, the entry's own included. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/**
 * How an environment package offers itself to experiments (`@gflownet/env-x/experiment`): its settings,
 * how to build it, its metrics and its reports. The `gfn` command and `runExperiment` read only this.
 */
export interface EnvironmentExperiment<S = unknown> {
  /** The `--env` name. */
  readonly name: string;
  readonly summary: string;
  readonly settings: SettingSpecs;
  /** Where the entry accepts a user reward: what the reward function receives (for `--help` and errors). */
  readonly reward?: string;
  /** Policies this environment offers beyond the generic MLP (their names, as `--policy` values). */
  readonly policies?: readonly string[];
  /**
   * Defaults of other parts of the run that this environment needs to train well (e.g. exploration for
   * DAGs); they apply where the user set nothing, and the results file records the resolved values.
   */
  readonly runDefaults?: Readonly<Record<string, unknown>>;
  build(settings: SettingValues, context: BuildContext): BuiltEnvironment<S> | Promise<BuiltEnvironment<S>>;
  /** Environment-specific final metrics merged into the results file's `metrics`. */
  metrics?(built: BuiltEnvironment<S>, context: MetricsContext<S>): Record<string, number> | Promise<Record<string, number>>;
  /**
   * Metric names (of {@link metrics}) worth a place on the one-line summary after training, in order;
   * names a run lacks are skipped. Without it the summary shows every metric of the entry's own.
   */
  readonly summaryMetrics?: readonly string[];
  /** Panels of the run's figure (e.g. learned vs target heat maps), drawn by the experiment layer; undefined for none. */
  figure?(built: BuiltEnvironment<S>, context: FigureContext<S>): readonly FigurePanel[] | undefined | Promise<readonly FigurePanel[] | undefined>;
  /** A text picture of a final distribution next to its target (e.g. a heat map). */
  picture?(built: BuiltEnvironment<S>, distribution: Float64Array, target: Float64Array): string | undefined;
  /** Exact log P_F^T of terminal states where the state space cannot be enumerated. */
  logTerminatingProbability?(built: BuiltEnvironment<S>, policy: Policy, terminals: S): Float64Array | Promise<Float64Array>;
  /** Extra CSV columns describing terminal states, for `gfn sample` (e.g. `smiles`). */
  describe?(built: BuiltEnvironment<S>, terminals: S): Record<string, readonly string[]> | Promise<Record<string, readonly string[]>>;
}

/** Whether `value` looks like an {@link EnvironmentExperiment} (for modules loaded at run time). */
export function isEnvironmentExperiment(value: unknown): value is EnvironmentExperiment {
  const v = value as Partial<EnvironmentExperiment> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.build === 'function' && typeof v.settings === 'object';
}
