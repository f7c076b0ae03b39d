import type { BackwardPolicyKind, Environment, Objective, ObjectiveContext, TrajectoryBatch } from '@gflownet/core';
import { isObjective, Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Tables, TabularPolicy, TabularProblem } from './tabular-problem.js';
import { tabularPolicy, tabularProblem } from './tabular-problem.js';
import { subsetEnvironment } from './toy-environment.js';

/** A divergence between the forward policy P_F and the target P̃_B(τ) = R(x) P_B(τ|x) / Z. */
export type Divergence = 'reverse-kl' | 'forward-kl';

/**
 * For objectives whose loss is a surrogate (its value is not a divergence, its gradient is an
 * estimator): the divergence whose gradient P_F's parameters follow, and P_B's. On a batch that
 * is an exact expectation, the surrogate's gradient must equal it, and log Z's must be that of the
 * regression (log Z + E_{P_F}[log P_F − log R − log P_B])².
 */
export interface SurrogateGradients {
  readonly forward: Divergence;
  readonly backward: Divergence;
}

/** Which checks {@link describeObjective} runs. */
export interface ObjectiveChecks {
  /** (a) Finite loss and gradients on random policies, no leaked tensors (default `true`). */
  readonly finite?: boolean;
  /** (b) Zero loss at an exactly balanced tabular flow (default `true`, `false` for surrogates). */
  readonly balanced?: boolean;
  /** (b') Zero gradient at the exact flow / exact posterior (default `true`). */
  readonly stationary?: boolean;
  /** (c) Gradients against central finite differences (of the loss, or of the exact divergences for surrogates) (default `true`). */
  readonly gradients?: boolean;
}

/** Options of {@link describeObjective}. */
export interface DescribeObjectiveOptions<S> {
  /** A small enumerable environment whose states have distinct features (default: {@link subsetEnvironment} with 3 items). */
  readonly environment?: () => Environment<S>;
  /** Backward policies to run the checks with (default: both `learned` and `uniform`). */
  readonly backward?: readonly BackwardPolicyKind[];
  /** Set for surrogate losses (hierarchical VI); see {@link SurrogateGradients}. */
  readonly surrogate?: SurrogateGradients;
  readonly checks?: ObjectiveChecks;
  /** Seed of the random tables and sampled batches (default `0`). */
  readonly seed?: number;
  /** Largest loss accepted at balance (default `1e-6`). */
  readonly balanceTolerance?: number;
  /** Largest gradient entry accepted at balance (default `1e-4`). */
  readonly stationaryTolerance?: number;
  /** Accepted |gradient − reference| per entry, relative to 1 + |reference| (default `1e-3`). */
  readonly gradientTolerance?: number;
}

/** A tabular policy, log Z and the loss context on one batch. */
interface Setup<S> {
  readonly policy: TabularPolicy;
  readonly logZ: tf.Variable;
  readonly variables: tf.Variable[];
  context(batch: TrajectoryBatch<S>): ObjectiveContext;
  dispose(): void;
}

function randomTables<S>(problem: TabularProblem<S>, random: Random, backward: BackwardPolicyKind): Tables {
  const n = problem.graph.numStates;
  const normal = (k: number): Float64Array => Float64Array.from({ length: k }, () => random.normal());
  return {
    forward: normal(n * problem.env.numActions),
    ...(backward === 'learned' ? { backward: normal(n * problem.env.numBackwardActions) } : {}),
    flow: normal(n),
    logZ: random.normal(),
  };
}

function setup<S>(objective: Objective, problem: TabularProblem<S>, tables: Tables, backward: BackwardPolicyKind): Setup<S> {
  const policy = tabularPolicy(problem, tables, backward, objective.requires.flow === true);
  const logZ = tf.tidy(() => tf.variable(tf.scalar(tables.logZ)));
  const groups = policy.parameters();
  const variables = [...groups.forward, ...groups.backward, ...groups.flow, ...(objective.requires.logZ ? [logZ] : [])];
  return {
    policy,
    logZ,
    variables,
    context: (batch) => ({ policy, batch: batch as TrajectoryBatch, env: problem.env as Environment, ...(objective.requires.logZ ? { logZ } : {}) }),
    dispose() {
      policy.dispose();
      logZ.dispose();
    },
  };
}

function lossValue(objective: Objective, context: ObjectiveContext): number {
  return tf.tidy(() => objective.loss(context).dataSync()[0] as number);
}

/** The loss and its gradient with respect to every variable (zeros where the loss does not use one), as host arrays. */
function lossAndGradients(objective: Objective, context: ObjectiveContext, variables: tf.Variable[]): { loss: number; grads: Float32Array[] } {
  const { value, grads } = tf.variableGrads(() => objective.loss(context), variables);
  const out = variables.map((v) => (grads[v.name] ? Float32Array.from((grads[v.name] as tf.Tensor).dataSync()) : new Float32Array(v.size)));
  const loss = value.dataSync()[0] as number;
  value.dispose();
  tf.dispose(grads);
  return { loss, grads: out };
}

/** Sets entry `j` of a variable to `x` (rounded to float32); returns the value actually stored. */
function setEntry(v: tf.Variable, j: number, x: number): number {
  const values = Float32Array.from(v.dataSync());
  values[j] = x;
  const t = tf.tensor(values, v.shape);
  v.assign(t);
  t.dispose();
  return values[j] as number;
}

/** Host tables holding the variables' current (float32) values. */
function currentTables(s: Setup<unknown>): Tables {
  const read = (v: tf.Variable | undefined): Float64Array | undefined => (v ? Float64Array.from(v.dataSync()) : undefined);
  const backward = read(s.policy.backwardTable);
  return {
    forward: read(s.policy.forwardTable) as Float64Array,
    ...(backward ? { backward } : {}),
    flow: read(s.policy.flowTable) ?? new Float64Array(0),
    logZ: s.logZ.dataSync()[0] as number,
  };
}

/** Reference gradients of a surrogate: central differences (float64, host) of the exact divergences, and log Z's regression. */
function surrogateReference<S>(problem: TabularProblem<S>, s: Setup<S>, surrogate: SurrogateGradients): Float64Array[] {
  const base = currentTables(s as Setup<unknown>);
  const h = 1e-6;
  const divergence = (t: Tables, which: Divergence): number => {
    const d = problem.divergences(t);
    return which === 'reverse-kl' ? d.reverseKL : d.forwardKL;
  };
  const difference = (key: 'forward' | 'backward', which: Divergence): Float64Array => {
    const table = base[key] as Float64Array;
    return Float64Array.from(table, (x, j) => {
      const up = Float64Array.from(table);
      const down = Float64Array.from(table);
      up[j] = x + h;
      down[j] = x - h;
      return (divergence({ ...base, [key]: up }, which) - divergence({ ...base, [key]: down }, which)) / (2 * h);
    });
  };
  return s.variables.map((v) => {
    if (v === s.policy.forwardTable) return difference('forward', surrogate.forward);
    if (v === s.policy.backwardTable) return difference('backward', surrogate.backward);
    if (v === s.logZ) return Float64Array.of(2 * (base.logZ + problem.divergences(base).meanScore));
    return new Float64Array(v.size);
  });
}

/** Reference gradients of a loss: central differences of the loss itself (float32, so a wide step). */
function lossReference(objective: Objective, context: ObjectiveContext, variables: tf.Variable[]): Float64Array[] {
  const h = 1e-2;
  return variables.map((v) =>
    Float64Array.from(v.dataSync(), (x, j) => {
      const up = setEntry(v, j, x + h);
      const fUp = lossValue(objective, context);
      const down = setEntry(v, j, x - h);
      const fDown = lossValue(objective, context);
      setEntry(v, j, x);
      return (fUp - fDown) / (up - down);
    }),
  );
}

function expectClose(got: Float32Array[], want: Float64Array[], tolerance: number, names: string[]): void {
  got.forEach((g, k) => {
    g.forEach((x, j) => {
      const ref = (want[k] as Float64Array)[j] as number;
      expect(Math.abs(x - ref), `${names[k]}[${j}]: gradient ${x}, reference ${ref}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(ref)));
    });
  });
}

/**
 * The objective conformance kit: registers a vitest suite that checks an {@link Objective} on a small
 * tabular problem (by default {@link subsetEnvironment}: 8 states, 16 trajectories) with a policy of
 * free tables: (a) finite loss and gradients on random policies, no leaked tensors; (b) zero loss at
 * the exactly balanced flow (P_F, P_B, F and log Z set from the exact flow of the state graph), and
 * a vanishing gradient there; (c) gradients equal to central finite differences of the loss. For a
 * surrogate loss (hierarchical VI, see {@link SurrogateGradients}) (b) checks only that the gradient
 * vanishes at the exact posterior, and (c) compares with the exact divergences' gradients. The
 * environment is passed in every loss context.
 *
 * @example
 * describeObjective('trajectory balance', () => trajectoryBalanceObjective());
 * describeObjective('reverse KL', () => reverseKLObjective(), { surrogate: { forward: 'reverse-kl', backward: 'reverse-kl' } });
 */
export function describeObjective<S = unknown>(name: string, make: () => Objective, options: DescribeObjectiveOptions<S> = {}): void {
  const environment = options.environment ?? ((): Environment<S> => subsetEnvironment() as unknown as Environment<S>);
  const seed = options.seed ?? 0;
  const surrogate = options.surrogate;
  const checks = {
    finite: options.checks?.finite ?? true,
    balanced: options.checks?.balanced ?? surrogate === undefined,
    stationary: options.checks?.stationary ?? true,
    gradients: options.checks?.gradients ?? true,
  };
  let cached: Promise<TabularProblem<S>> | undefined;
  const problem = (): Promise<TabularProblem<S>> => (cached ??= tabularProblem(environment()));

  describe(`objective conformance: ${name}`, () => {
    it('is a branded objective with a name', () => {
      const objective = make();
      expect(isObjective(objective)).toBe(true);
      expect(typeof objective.name === 'string' && objective.name.length > 0).toBe(true);
    });

    for (const backward of options.backward ?? (['learned', 'uniform'] as const)) {
      const names = (o: Objective): string[] => ['forward table', ...(backward === 'learned' ? ['backward table'] : []), ...(o.requires.flow ? ['flow table'] : []), ...(o.requires.logZ ? ['log Z'] : [])];

      it.runIf(checks.finite)(`gives a finite loss and gradients on random policies, leaking no tensors (P_B ${backward})`, async () => {
        const p = await problem();
        const objective = make();
        const random = new Random(seed);
        for (let trial = 0; trial < 3; trial++) {
          const tables = randomTables(p, random, backward);
          const s = setup(objective, p, tables, backward);
          for (const batch of [p.exactBatch(), p.sampledBatch(tables.forward, 8, random)]) {
            const before = tf.memory().numTensors;
            const { loss, grads } = lossAndGradients(objective, s.context(batch), s.variables);
            expect(tf.memory().numTensors, 'loss and gradients leave no tensors behind').toBe(before);
            expect(Number.isFinite(loss), `loss is ${loss}`).toBe(true);
            grads.forEach((g, k) => expect(g.every(Number.isFinite), `${names(objective)[k]} has a non-finite gradient`).toBe(true));
          }
          s.dispose();
        }
      });

      it.runIf(checks.balanced || checks.stationary)(`${surrogate ? 'is stationary at the exact posterior' : 'is zero and stationary at the exactly balanced flow'} (P_B ${backward})`, async () => {
        const p = await problem();
        const objective = make();
        const random = new Random(seed + 1);
        const backwardLogits = backward === 'learned' ? randomTables(p, random, backward).backward : undefined;
        const tables = p.balancedTables(backwardLogits);
        const s = setup(objective, p, tables, backward);
        // A surrogate's gradient vanishes in expectation only: the exact batch is one.
        const batches = surrogate ? [p.exactBatch()] : [p.exactBatch(), p.sampledBatch(tables.forward, 8, random)];
        for (const batch of batches) {
          const { loss, grads } = lossAndGradients(objective, s.context(batch), s.variables);
          if (checks.balanced) expect(Math.abs(loss), `loss at balance is ${loss}`).toBeLessThan(options.balanceTolerance ?? 1e-6);
          if (checks.stationary) {
            grads.forEach((g, k) => {
              const worst = g.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
              expect(worst, `largest ${names(objective)[k]} gradient at balance`).toBeLessThan(options.stationaryTolerance ?? 1e-4);
            });
          }
        }
        s.dispose();
      });

      it.runIf(checks.gradients)(`has gradients matching central finite differences ${surrogate ? 'of the exact divergences' : 'of the loss'} (P_B ${backward})`, async () => {
        const p = await problem();
        const objective = make();
        const random = new Random(seed + 2);
        const s = setup(objective, p, randomTables(p, random, backward), backward);
        const context = s.context(p.exactBatch());
        const { grads } = lossAndGradients(objective, context, s.variables);
        const reference = surrogate ? surrogateReference(p, s, surrogate) : lossReference(objective, context, s.variables);
        expectClose(grads, reference, options.gradientTolerance ?? 1e-3, names(objective));
        s.dispose();
      });
    }
  });
}
