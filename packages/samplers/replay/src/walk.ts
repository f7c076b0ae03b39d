import type { Environment } from '@gflownet/core';

/**
 * Re-creates states by replaying forward action sequences from s0 (stop excluded), batched by step.
 * `visit(states, paths, t)` sees, at every step t, the batch of states reached after t actions and
 * the index of the path each belongs to. Returns the final state of every path, in path order.
 * Illegal actions raise an error naming the path and step.
 */
export async function walkPaths<S>(
  env: Environment<S>,
  paths: readonly Int32Array[],
  visit?: (states: S, pathOf: readonly number[], t: number) => void | Promise<void>,
): Promise<S> {
  const n = paths.length;
  const A = env.numActions;
  const stop = A - 1;
  let states = env.initialStates(n);
  let pathOf: number[] = Array.from({ length: n }, (_, i) => i);
  const done: S[] = [];
  const doneOf: number[] = [];
  for (let t = 0; pathOf.length > 0; t++) {
    if (visit) await visit(states, pathOf, t);
    const finishing: number[] = [];
    const continuing: number[] = [];
    pathOf.forEach((p, i) => ((paths[p] as Int32Array).length === t ? finishing : continuing).push(i));
    if (finishing.length > 0) {
      done.push(env.select(states, finishing));
      for (const i of finishing) doneOf.push(pathOf[i] as number);
    }
    if (continuing.length === 0) break;
    const sub = env.select(states, continuing);
    const mask = env.forwardMask(sub);
    const actions = Int32Array.from(continuing, (i, j) => {
      const p = pathOf[i] as number;
      const a = (paths[p] as Int32Array)[t] as number;
      if (!(Number.isInteger(a) && a >= 0 && a < stop) || !mask[j * A + a]) {
        throw new Error(`replay: stored trajectory ${p} takes action ${a} at step ${t}, which ${env.name} does not allow there`);
      }
      return a;
    });
    states = env.step(sub, actions);
    pathOf = continuing.map((i) => pathOf[i] as number);
  }
  const order = new Int32Array(n);
  doneOf.forEach((p, k) => {
    order[p] = k;
  });
  return env.select(env.concat(done), order);
}
