import { jsd, l1, totalVariation } from './distances.js';
import type { Environment } from './environment.js';
import type { StateGraph, TargetDistribution } from './exact.js';
import { forwardLogProbsOnGraph, stateGraph, targetDistribution, terminatingDistribution } from './exact.js';
import type { Policy } from './policy.js';

/** Exact comparison of a policy's terminating distribution with the target R/Z. */
export interface ExactEvaluation {
  /** JSD(P_F^T, R/Z), natural log. */
  readonly jsd: number;
  /** Σ_x |P_F^T(x) − R(x)/Z|. */
  readonly l1: number;
  /** Total variation, l1 / 2. */
  readonly tv: number;
  /** `[numStates]` P_F^T aligned with `graph.keys`. */
  readonly distribution: Float64Array;
  readonly target: TargetDistribution;
  readonly graph: StateGraph<unknown>;
}

/**
 * An exact evaluator for one environment: builds the state graph and the target once, then
 * evaluates any policy with one batched pass and one dynamic-programming sweep.
 */
export interface ExactEvaluator {
  readonly graph: StateGraph<unknown>;
  readonly target: TargetDistribution;
  evaluate(policy: Policy): ExactEvaluation;
}

/** Creates an {@link ExactEvaluator}; throws a MissingCapabilityError if the environment cannot enumerate. */
export async function exactEvaluator<S>(env: Environment<S>): Promise<ExactEvaluator> {
  const graph = stateGraph(env);
  const target = await targetDistribution(env, graph);
  return {
    graph: graph as StateGraph<unknown>,
    target,
    evaluate(policy: Policy): ExactEvaluation {
      const distribution = terminatingDistribution(graph, forwardLogProbsOnGraph(env, graph, policy));
      const d = l1(distribution, target.probs);
      return {
        jsd: jsd(distribution, target.probs),
        l1: d,
        tv: totalVariation(distribution, target.probs),
        distribution,
        target,
        graph: graph as StateGraph<unknown>,
      };
    },
  };
}
