import type { Environment } from '@gflownet/core';
import type { Item, ReplayStore } from './items.js';
import { walkPaths } from './walk.js';

/** Makes sure the drawn items have their terminal state, their visited states (trajectories store) and per-row log R when asked. */
export async function materialiseItems<S>(env: Environment<S>, store: ReplayStore, drawn: readonly Item[], stateLogRewards: boolean): Promise<void> {
  const needTerminal = drawn.filter((it) => it.terminal === undefined);
  const needStates = store === 'trajectories' ? drawn.filter((it) => it.states === undefined) : [];
  const needRewards = stateLogRewards && store === 'trajectories' ? drawn.filter((it) => it.rows && !it.rows.stateLogRewards) : [];
  const todo = [...new Set([...needTerminal, ...needStates, ...needRewards])];
  if (todo.length === 0) return;
  const perRow = needRewards.length > 0 ? todo.map((it) => new Float64Array(it.path.length + 1).fill(Number.NaN)) : [];
  const stop = env.numActions - 1;
  // Every step's states with, for each, its path and step, to gather each path's visited states after the walk.
  const stepStates: S[] = [];
  const visits: [path: number, t: number][] = [];
  const terminals = await walkPaths(env, todo.map((it) => it.path), async (states, pathOf, t) => {
    if (needStates.length > 0) {
      stepStates.push(states);
      for (const p of pathOf) visits.push([p, t]);
    }
    if (perRow.length === 0) return;
    const mask = env.forwardMask(states);
    const canStop = pathOf.flatMap((_, i) => (mask[i * env.numActions + stop] ? [i] : []));
    if (canStop.length === 0) return;
    const lr = await env.logReward(env.select(states, canStop));
    canStop.forEach((i, j) => {
      (perRow[pathOf[i] as number] as Float64Array)[t] = lr[j] as number;
    });
  });
  let positions: Int32Array[] = [];
  if (needStates.length > 0) {
    positions = todo.map((it) => new Int32Array(it.path.length + 1));
    visits.forEach(([p, t], k) => {
      (positions[p] as Int32Array)[t] = k;
    });
  }
  const allVisited = stepStates.length > 0 ? env.concat(stepStates) : undefined;
  todo.forEach((it, j) => {
    const key = env.stateKey(terminals, j);
    if (key !== it.terminalKey) {
      throw new Error(`replay buffer: replaying stored actions in ${env.name} reached state ${key}, but the stored terminal is ${it.terminalKey} (a buffer state from another environment?)`);
    }
    it.terminal ??= env.select(terminals, [j]);
    if (allVisited !== undefined && store === 'trajectories') it.states ??= env.select(allVisited, positions[j] as Int32Array);
    if (perRow.length > 0 && it.rows && !it.rows.stateLogRewards) it.rows = { ...it.rows, stateLogRewards: perRow[j] as Float64Array };
  });
}
