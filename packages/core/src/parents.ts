import type { Environment } from './environment.js';
import { stateKeys } from './environment.js';

/** The distinct parents of a batch of states, in compressed rows. */
export interface Parents<S> {
  /** All parents, grouped by child: child `i` owns `offsets[i] .. offsets[i+1]-1`. */
  readonly parents: S;
  readonly offsets: Int32Array;
  /** The forward action leading from each parent to its child. */
  readonly actions: Int32Array;
  /** The backward action (at the child) leading to each parent. */
  readonly backwardActions: Int32Array;
}

/**
 * Every distinct parent of each state, derived from the backward mask, `backwardStep` and
 * `inverseBackward` (so any environment has it). Backward actions that lead to the same parent are
 * merged (first one kept). Flow matching needs this.
 */
export function parentsOf<S>(env: Environment<S>, states: S): Parents<S> {
  const n = env.batchSize(states);
  const K = env.numBackwardActions;
  const mask = env.backwardMask(states);
  const child: number[] = [];
  const back: number[] = [];
  for (let i = 0; i < n; i++) for (let b = 0; b < K; b++) if (mask[i * K + b]) {
    child.push(i);
    back.push(b);
  }
  const children = env.select(states, child);
  const backActions = Int32Array.from(back);
  const all = env.backwardStep(children, backActions);
  const forward = env.inverseBackward(children, backActions);
  const keys = stateKeys(env, all);
  const keep: number[] = [];
  const offsets = new Int32Array(n + 1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const seen = new Set<string>();
    while (k < child.length && child[k] === i) {
      const key = keys[k] as string;
      if (!seen.has(key)) {
        seen.add(key);
        keep.push(k);
      }
      k++;
    }
    offsets[i + 1] = keep.length;
  }
  return {
    parents: env.select(all, keep),
    offsets,
    actions: Int32Array.from(keep, (j) => forward[j] as number),
    backwardActions: Int32Array.from(keep, (j) => backActions[j] as number),
  };
}
