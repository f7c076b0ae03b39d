// The page's settings: defaults, ranges, and parsing from the URL query (`?env=hypergrid&iterations=300
// &autostart=1&seed=0`), so that a test can drive the page and a link can share a run.

export const ENVIRONMENTS = ['hypergrid', 'dag'] as const;
export const OBJECTIVES = ['tb', 'db', 'subtb', 'rkl'] as const;
export const SAMPLERS = ['on-policy', 'epsilon', 'replay'] as const;

export type EnvironmentName = (typeof ENVIRONMENTS)[number];
export type ObjectiveName = (typeof OBJECTIVES)[number];
export type SamplerName = (typeof SAMPLERS)[number];

/** Everything that determines a training run: the same settings give the same numbers (same backend). */
export interface SessionSettings {
  readonly env: EnvironmentName;
  /** Side H of the 2-D hypergrid. */
  readonly height: number;
  readonly objective: ObjectiveName;
  readonly sampler: SamplerName;
  /** ε of the ε-uniform exploration (the `epsilon` and `replay` samplers). */
  readonly epsilon: number;
  readonly iterations: number;
  readonly batchSize: number;
  /** Seed of the policy weights, the sampling and (for the DAG) the simulated data. */
  readonly seed: number;
  /** Exact evaluation every this many iterations. */
  readonly evalEvery: number;
}

export const DEFAULT_SETTINGS: SessionSettings = {
  env: 'hypergrid',
  height: 8,
  objective: 'tb',
  sampler: 'on-policy',
  epsilon: 0.1,
  iterations: 1000,
  batchSize: 16,
  seed: 0,
  evalEvery: 10,
};

/** Display names of the choices. */
export const LABELS: Readonly<Record<EnvironmentName | ObjectiveName | SamplerName, string>> = {
  hypergrid: 'Hypergrid (D = 2)',
  dag: 'DAG posterior (d = 3)',
  tb: 'Trajectory balance (TB)',
  db: 'Detailed balance (DB)',
  subtb: 'Sub-trajectory balance (SubTB, λ = 0.9)',
  rkl: 'Reverse KL (REINFORCE)',
  'on-policy': 'On-policy',
  epsilon: 'ε-exploration',
  replay: 'Replay buffer (half replayed, ε-exploration)',
};

const INTEGER_RANGES = {
  height: [2, 64],
  iterations: [1, 1_000_000],
  batchSize: [1, 1024],
  seed: [0, 2 ** 31 - 1],
  evalEvery: [1, 1_000_000],
} as const satisfies Partial<Record<keyof SessionSettings, readonly [number, number]>>;

function choice<T extends string>(field: string, value: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(value)) throw new RangeError(`${field} must be one of ${options.join(', ')}, got "${value}"`);
  return value as T;
}

function integer(field: keyof typeof INTEGER_RANGES, value: string): number {
  const [min, max] = INTEGER_RANGES[field];
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${field} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Checks a complete settings object (e.g. one assembled from the form); throws naming the bad field. */
export function checkSettings(s: SessionSettings): SessionSettings {
  return parseSettings(
    new URLSearchParams(Object.entries(s).map(([k, v]) => [k, String(v)])),
    { ...DEFAULT_SETTINGS },
  );
}

/**
 * Settings from a URL query; absent keys keep `base` (default: {@link DEFAULT_SETTINGS}). Unknown
 * keys other than `autostart` are refused so that a typo in a test URL does not pass silently.
 */
export function parseSettings(query: URLSearchParams, base: SessionSettings = DEFAULT_SETTINGS): SessionSettings {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of query) {
    switch (key) {
      case 'env':
        out.env = choice('env', value, ENVIRONMENTS);
        break;
      case 'objective':
        out.objective = choice('objective', value, OBJECTIVES);
        break;
      case 'sampler':
        out.sampler = choice('sampler', value, SAMPLERS);
        break;
      case 'epsilon': {
        const e = Number(value);
        if (value.trim() === '' || !(e >= 0 && e <= 1)) throw new RangeError(`epsilon must be a number in [0, 1], got "${value}"`);
        out.epsilon = e;
        break;
      }
      case 'height':
      case 'iterations':
      case 'batchSize':
      case 'seed':
      case 'evalEvery':
        out[key] = integer(key, value);
        break;
      case 'autostart':
        break;
      default:
        throw new RangeError(`unknown setting "${key}" (known: env, height, objective, sampler, epsilon, iterations, batchSize, seed, evalEvery, autostart)`);
    }
  }
  return out as unknown as SessionSettings;
}

/** The query that {@link parseSettings} turns back into `s` (only the fields that differ from the defaults). */
export function settingsQuery(s: SessionSettings): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (v !== DEFAULT_SETTINGS[k as keyof SessionSettings]) query.set(k, String(v));
  return query.toString();
}
