import type { Environment } from '@gflownet/core';
import { isEnvironment, logSumExp, Random, stateGraph, stateKeys } from '@gflownet/core';
import { describe, expect, it } from 'vitest';

/** Options of {@link describeEnvironment}. */
export interface DescribeEnvironmentOptions {
  /** Random walks to check (default: `64`). */
  readonly walks?: number;
  /** Seed of the walks (default: `0`). */
  readonly seed?: number;
  /** Tolerance of the true-log-Z check (default: `1e-9`). */
  readonly logZTolerance?: number;
  /** Enumerated states (the first ones) whose backward actions are checked too (default: `4096`). */
  readonly maxEnumeratedChecks?: number;
}

function randomValid(mask: Uint8Array, offset: number, k: number, random: Random): number {
  const valid: number[] = [];
  for (let a = 0; a < k; a++) if (mask[offset + a]) valid.push(a);
  return valid[random.int(valid.length)] as number;
}

/** Everything observable about a batch (keys, features, masks), to detect an input modified in place. */
function fingerprint<S>(env: Environment<S>, states: S): string {
  return [stateKeys(env, states).join('|'), Array.from(env.features(states)).join(','), env.forwardMask(states).join(''), env.backwardMask(states).join('')].join('#');
}

/** The states of `walks` random forward walks from s0 (stop excluded), one batch per step. */
function walkStates<S>(env: Environment<S>, walks: number, random: Random): S[] {
  const A = env.numActions;
  const out: S[] = [];
  let states = env.initialStates(walks);
  for (let t = 0; t < env.maxTrajectoryLength; t++) {
    out.push(states);
    const n = env.batchSize(states);
    const fm = env.forwardMask(states);
    const moving: number[] = [];
    const moves: number[] = [];
    for (let i = 0; i < n; i++) {
      const canMove = fm.subarray(i * A, i * A + A - 1).some((v) => v === 1);
      if (!canMove || (fm[i * A + A - 1] === 1 && random.next() < 0.25)) continue;
      moving.push(i);
      moves.push(randomValid(fm, i * A, A - 1, random));
    }
    if (moving.length === 0) break;
    states = env.step(env.select(states, moving), Int32Array.from(moves));
  }
  return out;
}

/**
 * Every allowed backward action of every state leads to a valid parent: `inverseBackward` gives an
 * allowed non-stop forward action there, stepping it returns the state, and `inverseForward` of it
 * leads back to the same parent; `backwardStep` and `step` leave their inputs as they were.
 */
export function checkBackwardActions<S>(env: Environment<S>, states: S): void {
  const A = env.numActions;
  const K = env.numBackwardActions;
  const bm = env.backwardMask(states);
  const child: number[] = [];
  const back: number[] = [];
  for (let i = 0; i < env.batchSize(states); i++) for (let b = 0; b < K; b++) if (bm[i * K + b]) {
    child.push(i);
    back.push(b);
  }
  if (child.length === 0) return;
  const children = env.select(states, child);
  const actions = Int32Array.from(back);
  const before = fingerprint(env, children);
  const parents = env.backwardStep(children, actions);
  expect(fingerprint(env, children), 'backwardStep must not modify its input').toBe(before);
  const childKeys = stateKeys(env, children);
  const parentKeys = stateKeys(env, parents);
  const forward = env.inverseBackward(children, actions);
  const fm = env.forwardMask(parents);
  for (let j = 0; j < child.length; j++) {
    const a = forward[j] as number;
    const what = `backward action ${back[j]} at ${childKeys[j]} (to parent ${parentKeys[j]})`;
    expect(Number.isInteger(a) && a >= 0 && a < A - 1, `${what}: inverseBackward gave ${a}, not a non-stop forward action`).toBe(true);
    expect(fm[j * A + a], `${what}: forward action ${a} is masked at the parent`).toBe(1);
  }
  const parentPrint = fingerprint(env, parents);
  const again = env.step(parents, forward);
  expect(fingerprint(env, parents), 'step must not modify its input').toBe(parentPrint);
  const againKeys = stateKeys(env, again);
  for (let j = 0; j < child.length; j++) {
    expect(againKeys[j], `step(backwardStep(s, ${back[j]}), inverseBackward) must return s = ${childKeys[j]}`).toBe(childKeys[j]);
  }
  const undo = env.inverseForward(parents, forward);
  for (let j = 0; j < child.length; j++) expect(bm[(child[j] as number) * K + (undo[j] as number)], `inverseForward gave masked backward action ${undo[j]} at ${childKeys[j]}`).toBe(1);
  expect(stateKeys(env, env.backwardStep(children, undo)), 'backwardStep(s, inverseForward(parent, inverseBackward(s, b))) must return the same parent').toEqual(parentKeys);
}

/**
 * The environment conformance kit: registers a vitest suite that checks the {@link Environment}
 * contract on random walks (shapes, masks, forward/backward consistency, every backward action
 * leading to a valid parent, inputs never modified, features, rewards) and,
 * when the environment can enumerate, that enumeration is unique and closed under steps and that
 * `trueLogZ` matches it. Call it from your environment's tests:
 *
 * @example
 * describeEnvironment('hypergrid 2x8', () => hypergrid({ ndim: 2, height: 8 }));
 */
export function describeEnvironment<S>(name: string, make: () => Environment<S>, options: DescribeEnvironmentOptions = {}): void {
  const walks = options.walks ?? 64;
  const seed = options.seed ?? 0;
  const canEnumerate = typeof make().enumerate === 'function';
  describe(`environment conformance: ${name}`, () => {
    it('carries the brand and consistent sizes', () => {
      const env = make();
      expect(isEnvironment(env)).toBe(true);
      for (const k of ['numActions', 'numBackwardActions', 'featureSize', 'maxTrajectoryLength'] as const) {
        expect(Number.isInteger(env[k]) && env[k] > 0, `${k} must be a positive integer`).toBe(true);
      }
    });

    it('starts every trajectory at s0 with no backward action and a valid forward action', () => {
      const env = make();
      const s = env.initialStates(3);
      expect(env.batchSize(s)).toBe(3);
      expect([...env.isInitial(s)]).toEqual([1, 1, 1]);
      expect([...env.backwardMask(s)].every((v) => v === 0)).toBe(true);
      const fm = env.forwardMask(s);
      expect(fm.length).toBe(3 * env.numActions);
      for (let i = 0; i < 3; i++) expect(fm.subarray(i * env.numActions, (i + 1) * env.numActions).some((v) => v === 1)).toBe(true);
      expect(env.features(s).length).toBe(3 * env.featureSize);
      const keys = stateKeys(env, s);
      expect(new Set(keys).size).toBe(1);
    });

    it('walks forward and back consistently; masks never strand a state; rewards are finite', async () => {
      const env = make();
      const random = new Random(seed);
      const A = env.numActions;
      const K = env.numBackwardActions;
      let states = env.initialStates(walks);
      let running = Array.from({ length: walks }, (_, i) => i);
      const terminals: S[] = [];
      for (let t = 0; running.length > 0; t++) {
        expect(t, 'a walk exceeded maxTrajectoryLength').toBeLessThan(env.maxTrajectoryLength);
        const n = env.batchSize(states);
        const fm = env.forwardMask(states);
        const features = env.features(states);
        expect(features.length).toBe(n * env.featureSize);
        expect(features.every(Number.isFinite)).toBe(true);
        const actions = new Int32Array(n);
        const stopping: number[] = [];
        const moving: number[] = [];
        for (let i = 0; i < n; i++) {
          expect(fm.subarray(i * A, (i + 1) * A).some((v) => v === 1), `state ${env.stateKey(states, i)} has no forward action`).toBe(true);
          // Stop with probability 1/4 where allowed so that walks reach varied depths.
          const canStop = fm[i * A + A - 1] === 1;
          const a = canStop && (random.next() < 0.25 || fm.subarray(i * A, i * A + A - 1).every((v) => v === 0)) ? A - 1 : randomValid(fm, i * A, A - 1, random);
          expect(fm[i * A + a], `state ${env.stateKey(states, i)} has only the stop action masked out`).toBe(1);
          actions[i] = a;
          (a === A - 1 ? stopping : moving).push(i);
        }
        if (stopping.length > 0) terminals.push(env.select(states, stopping));
        if (moving.length === 0) break;
        const parents = env.select(states, moving);
        const moves = Int32Array.from(moving, (i) => actions[i] as number);
        const parentKeys = stateKeys(env, parents);
        const parentPrint = fingerprint(env, parents);
        const children = env.step(parents, moves);
        expect(fingerprint(env, parents), 'step must not modify its input').toBe(parentPrint);
        const back = env.inverseForward(parents, moves);
        const bm = env.backwardMask(children);
        for (let i = 0; i < moving.length; i++) {
          expect(bm[i * K + (back[i] as number)], `backward action ${back[i]} is masked at ${env.stateKey(children, i)}`).toBe(1);
        }
        expect([...env.isInitial(children)].every((v) => v === 0)).toBe(true);
        expect(stateKeys(env, env.backwardStep(children, back)), 'backwardStep(step(s, a), inverseForward(s, a)) must return s').toEqual(parentKeys);
        expect([...env.inverseBackward(children, back)], 'inverseBackward must undo inverseForward').toEqual([...moves]);
        const picked = env.select(children, [0]);
        expect(env.stateKey(env.concat([picked, picked]), 1)).toBe(env.stateKey(children, 0));
        states = children;
        running = moving.map((i) => running[i] as number);
      }
      const all = env.concat(terminals);
      expect(env.batchSize(all)).toBe(walks);
      const lr = await env.logReward(all);
      expect(lr.length).toBe(walks);
      for (let i = 0; i < walks; i++) expect(Number.isFinite(lr[i]), `log-reward of ${env.stateKey(all, i)} is ${lr[i]}`).toBe(true);
    });

    it('leads every allowed backward action to a valid parent, and never modifies step/backwardStep inputs', () => {
      const env = make();
      for (const states of walkStates(env, walks, new Random(seed + 1))) checkBackwardActions(env, states);
      if (canEnumerate) {
        const all = (env.enumerate as () => S)();
        const n = Math.min(env.batchSize(all), options.maxEnumeratedChecks ?? 4096);
        checkBackwardActions(env, env.select(all, Int32Array.from({ length: n }, (_, i) => i)));
      }
    });

    it.runIf(canEnumerate)('enumerates unique states, closed under steps, with trueLogZ matching', async () => {
      const env = make();
      const graph = stateGraph(env); // throws on duplicates, missing children, cycles or no s0
      expect(graph.numStates).toBeGreaterThan(0);
      const idx: number[] = [];
      for (let i = 0; i < graph.numStates; i++) if (graph.terminating[i]) idx.push(i);
      const lr = await env.logReward(env.select(graph.states, idx));
      if (env.trueLogZ) expect(Math.abs(env.trueLogZ() - logSumExp(lr))).toBeLessThan(options.logZTolerance ?? 1e-9);
    });
  });
}
