import type { BatchShape, Environment, Random, TrajectoryBatch, TrajectoryRows } from '@gflownet/core';
import { packTrajectories } from '@gflownet/core';
import { searchCumulative, uniformIndices } from './draw.js';
import type { Item } from './items.js';

/** What one draw from a buffer returns: a whole stored trajectory, or one of its transitions. */
export type ReplayUnit = 'trajectories' | 'transitions';

/** One drawn transition s_t → s_{t+1} (t < path length: the stop transition is never drawn). */
export interface DrawnTransition {
  readonly item: number;
  readonly step: number;
}

/**
 * `n` transitions drawn uniformly among every non-stop transition of the stored trajectories (without
 * replacement when there are enough), as DAG-GFlowNet's transition buffer draws them.
 */
export function drawTransitions(items: readonly Item[], n: number, random: Random): DrawnTransition[] {
  const cum = new Float64Array(items.length);
  let total = 0;
  items.forEach((it, i) => {
    total += it.path.length;
    cum[i] = total;
  });
  if (total === 0) throw new Error('replay buffer sample: no transition stored yet (every stored trajectory stops at s0)');
  return uniformIndices(total, n, random).map((j) => {
    const item = searchCumulative(cum, j);
    return { item, step: j - ((cum[item] as number) - (items[item] as Item).path.length) };
  });
}

/**
 * Rows t and t + 1 of a stored trajectory as a two-row sub-trajectory [s_t, s_{t+1}]: s_t keeps its
 * forward action (the transition) and gets backward action −1 (no row before it, as s0); s_{t+1}
 * takes the stop action and keeps its backward action back to s_t. The stop row's behaviour
 * log-probability is NaN (that step was never sampled), so importance-weighted objectives refuse it.
 */
function transitionRows(rows: TrajectoryRows, t: number, shape: BatchShape): TrajectoryRows {
  const { featureSize: F, numActions: A, numBackwardActions: K } = shape;
  const stop = A - 1;
  const forwardMasks = rows.forwardMasks.slice(t * A, (t + 2) * A);
  if (!forwardMasks[A + stop]) throw new RangeError(`replay buffer: transitions replay needs states that can stop, but the state after step ${t} of a stored trajectory cannot`);
  const forwardActions = rows.forwardActions.slice(t, t + 2);
  forwardActions[1] = stop;
  const backwardActions = rows.backwardActions.slice(t, t + 2);
  backwardActions[0] = -1;
  return {
    features: rows.features.slice(t * F, (t + 2) * F),
    forwardMasks,
    forwardActions,
    backwardMasks: rows.backwardMasks.slice(t * K, (t + 2) * K),
    backwardActions,
    behaviourLogProbs: Float64Array.of(rows.behaviourLogProbs[t] as number, Number.NaN),
    ...(rows.stateLogRewards ? { stateLogRewards: rows.stateLogRewards.slice(t, t + 2) } : {}),
  };
}

/**
 * The drawn transitions as a batch of two-row sub-trajectories, marked off-policy. Each one's
 * "terminal" is s_{t+1} with log R(s_{t+1}) (from the recorded per-state log R). Only objectives that
 * are sums over single transitions with per-state rewards (modified detailed balance) may train on it:
 * the first row of each is not s0.
 */
export function transitionBatch<S>(env: Environment<S>, shape: BatchShape, items: readonly Item[], drawn: readonly DrawnTransition[]): TrajectoryBatch<S> {
  const rows: TrajectoryRows[] = [];
  const logRewards: number[] = [];
  const states: S[] = [];
  for (const { item, step } of drawn) {
    const it = items[item] as Item;
    const r = transitionRows(it.rows as TrajectoryRows, step, shape);
    const logR = r.stateLogRewards?.[1] as number;
    if (!Number.isFinite(logR)) throw new RangeError(`replay buffer: the state after step ${step} of a stored trajectory has no recorded log R (${logR})`);
    rows.push(r);
    logRewards.push(logR);
    states.push(env.select(it.states as S, [step, step + 1]));
  }
  const visited = env.concat(states);
  const terminals = env.select(visited, Int32Array.from(drawn, (_, i) => 2 * i + 1));
  return packTrajectories(shape, rows, logRewards, terminals, false, visited);
}
