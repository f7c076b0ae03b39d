import type { Environment, Policy } from '@gflownet/core';
import { logSumExp, maskedLogSoftmaxRows, parentsOf, stateKeys } from '@gflownet/core';

/** Options of {@link exactLogTerminatingProbabilities}. */
export interface ExactProbabilityOptions {
  /** States per policy call (default: `256`). */
  readonly chunk?: number;
}

/** The result of {@link exactLogTerminatingProbabilities}. */
export interface ExactProbabilities {
  /** `[n]` log P_F^T(x) of each given state, in input order. */
  readonly logProbabilities: Float64Array;
  /** Distinct ancestor states visited (terminals and s0 included). */
  readonly numStates: number;
}

/**
 * The exact log P_F^T(x) = log Σ_{τ→x} P_F(τ) of given terminating states, by dynamic programming
 * over their ancestors: a backward sweep collects every ancestor state (merging equal states by
 * `stateKey`) with the forward action of each parent → child edge; one batched policy pass gives
 * the forward log-probabilities; then log u(s0) = 0, log u(s') = logsumexp over parents of
 * (log u(s) + log P_F(s'|s)), and log P_F^T(x) = log u(x) + log P_F(stop|x). Works for any
 * environment (it only needs backward masks, backward steps and `inverseBackward`).
 *
 * @example
 * const { logProbabilities } = await exactLogTerminatingProbabilities(env, policy, molecules);
 */
export async function exactLogTerminatingProbabilities<S>(
  env: Environment<S>,
  policy: Policy,
  terminals: S,
  options: ExactProbabilityOptions = {},
): Promise<ExactProbabilities> {
  const chunk = options.chunk ?? 256;
  if (policy.featureSize !== env.featureSize || policy.numActions !== env.numActions) {
    throw new RangeError(
      `exactLogTerminatingProbabilities: policy (features ${policy.featureSize}, actions ${policy.numActions}) does not fit ${env.name} (features ${env.featureSize}, actions ${env.numActions})`,
    );
  }
  const n = env.batchSize(terminals);
  const index = new Map<string, number>();
  const batches: S[] = [];
  const inEdges: { parent: number; action: number }[][] = [];
  const add = (key: string): [number, boolean] => {
    const hit = index.get(key);
    if (hit !== undefined) return [hit, false];
    const i = inEdges.length;
    index.set(key, i);
    inEdges.push([]);
    return [i, true];
  };

  const terminalKeys = stateKeys(env, terminals);
  const firstOf: number[] = [];
  terminalKeys.forEach((k, i) => {
    if (add(k)[1]) firstOf.push(i);
  });
  let frontier = env.select(terminals, firstOf);
  let frontierIdx = firstOf.map((i) => index.get(terminalKeys[i] as string) as number);
  batches.push(frontier);
  while (env.batchSize(frontier) > 0) {
    const p = parentsOf(env, frontier);
    const parentKeys = stateKeys(env, p.parents);
    const fresh: number[] = [];
    const freshIdx: number[] = [];
    for (let c = 0; c < frontierIdx.length; c++) {
      for (let e = p.offsets[c] as number; e < (p.offsets[c + 1] as number); e++) {
        const [j, isNew] = add(parentKeys[e] as string);
        if (isNew) {
          fresh.push(e);
          freshIdx.push(j);
        }
        (
          inEdges[frontierIdx[c] as number] as {
            parent: number;
            action: number;
          }[]
        ).push({ parent: j, action: p.actions[e] as number });
      }
    }
    frontier = env.select(p.parents, fresh);
    frontierIdx = freshIdx;
    if (fresh.length > 0) batches.push(frontier);
  }

  // Batches hold the states in index order (each batch's new states were numbered consecutively).
  const all = env.concat(batches);
  const N = env.batchSize(all);
  if (N !== inEdges.length) throw new Error(`exactLogTerminatingProbabilities: collected ${N} states for ${inEdges.length} keys`);
  const A = env.numActions;
  const needed: Map<number, number>[] = Array.from({ length: N }, () => new Map());
  inEdges.forEach((edges) => {
    for (const e of edges) (needed[e.parent] as Map<number, number>).set(e.action, Number.NaN);
  });
  for (const k of terminalKeys) (needed[index.get(k) as number] as Map<number, number>).set(A - 1, Number.NaN);
  for (let lo = 0; lo < N; lo += chunk) {
    const hi = Math.min(N, lo + chunk);
    const part = env.select(
      all,
      Array.from({ length: hi - lo }, (_, i) => lo + i),
    );
    const masks = env.forwardMask(part);
    const logits = policy.forwardLogits(env.features(part), hi - lo);
    const logProbs = maskedLogSoftmaxRows(logits, masks, hi - lo, A);
    for (let i = lo; i < hi; i++) {
      for (const a of (needed[i] as Map<number, number>).keys()) {
        const v = logProbs[(i - lo) * A + a] as number;
        if (!masks[(i - lo) * A + a]) {
          const what = a === A - 1 ? 'cannot stop, so it is not a terminating state' : `does not allow forward action ${a} returned by inverseBackward`;
          throw new Error(`${env.name}: state ${env.stateKey(part, i - lo)} ${what}`);
        }
        (needed[i] as Map<number, number>).set(a, v);
      }
    }
  }

  const initial = env.isInitial(all);
  const logU = new Float64Array(N).fill(Number.NaN);
  const visit = (i: number): number => {
    const cached = logU[i] as number;
    if (!Number.isNaN(cached)) return cached;
    const edges = inEdges[i] as { parent: number; action: number }[];
    if (edges.length === 0 && !initial[i]) throw new Error(`${env.name}: state ${env.stateKey(all, i)} is not s0 but has no parent`);
    const v = edges.length === 0 ? 0 : logSumExp(edges.map((e) => visit(e.parent) + ((needed[e.parent] as Map<number, number>).get(e.action) as number)));
    logU[i] = v;
    return v;
  };
  const logProbabilities = new Float64Array(n);
  terminalKeys.forEach((k, t) => {
    const i = index.get(k) as number;
    logProbabilities[t] = visit(i) + ((needed[i] as Map<number, number>).get(A - 1) as number);
  });
  return { logProbabilities, numStates: N };
}
