import type { BehaviourTransform, Sampler, SampleRequest, TrajectoryBatch, TrajectoryRows } from '@gflownet/core';
import { packTrajectories, SamplerTypeId, sampleForward, trajectoryRowIndices, trajectoryRows, uniformBehaviour } from '@gflownet/core';
import type { ReplayBuffer } from './buffer.js';
import type { ReplayBufferState } from './state.js';

/** Options of {@link replaySampler}. */
export interface ReplaySamplerOptions {
  readonly buffer: ReplayBuffer;
  /**
   * Fraction of each training batch drawn from the buffer, in [0, 1] (default: `0.5`); the rest are
   * fresh trajectories. `1` is pure replay: fresh trajectories only feed the buffer.
   */
  readonly ratio?: number;
  /** Exploration of the fresh trajectories (default: none, i.e. the current policy). */
  readonly behaviour?: BehaviourTransform;
  /**
   * Fresh trajectories sampled and added to the buffer every iteration (default: the batch size, so a
   * run samples as many trajectories as an on-policy run). At least the fresh part of the batch is sampled.
   */
  readonly collect?: number;
  /** Trajectories from the uniform policy put into the buffer before the first batch (default: `0`). */
  readonly prefill?: number;
  /** Name reported in results (default: `replay`). */
  readonly name?: string;
}

/** Checkpoint state of a {@link replaySampler}. */
export interface ReplaySamplerState {
  readonly prefilled: boolean;
  readonly buffer: ReplayBufferState;
}

/** A {@link replaySampler}: a sampler with its buffer and checkpoint state. */
export interface ReplaySampler extends Sampler {
  readonly buffer: ReplayBuffer;
  getState(): ReplaySamplerState;
  setState(state: unknown): void;
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`replaySampler: ${name} must be an integer ≥ 0, got ${v}`);
}

/**
 * A sampler that trains on a mix of fresh and replayed trajectories. Each iteration it (1) on the first
 * call, fills the buffer with `prefill` uniform-policy trajectories; (2) samples `max(collect, n − k)`
 * fresh trajectories with the behaviour, where k = round(ratio·n) (0 while the buffer holds nothing to draw);
 * (3) draws k trajectories from the buffer (before this iteration's fresh ones are added; k
 * transitions, as two-row sub-trajectories, from a buffer with `unit: 'transitions'`); (4) adds the
 * fresh ones to the buffer; and returns the first n − k fresh trajectories followed by the k replayed
 * ones. Any batch with a replayed trajectory is marked `onPolicy: false`; replayed rows keep their
 * stored behaviour log-probabilities (stale by construction: objectives recompute log P_F under the
 * current policy and may use the stored values only as importance weights).
 *
 * @example
 * const sampler = replaySampler({ buffer: replayBuffer({ capacity: 1000 }), ratio: 0.5, prefill: 256 });
 */
export function replaySampler(options: ReplaySamplerOptions): ReplaySampler {
  const { buffer } = options;
  const ratio = options.ratio ?? 0.5;
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`replaySampler: ratio must be in [0, 1], got ${ratio}`);
  const prefill = options.prefill ?? 0;
  checkCount('prefill', prefill);
  if (options.collect !== undefined) checkCount('collect', options.collect);
  let prefilled = prefill === 0;

  return {
    [SamplerTypeId]: SamplerTypeId,
    name: options.name ?? 'replay',
    buffer,
    async sample<S>(request: SampleRequest<S>): Promise<TrajectoryBatch<S>> {
      const { env, policy, n, random, iteration } = request;
      const recordStateLogRewards = request.recordStateLogRewards === true;
      if (!prefilled) {
        const uniform = uniformBehaviour();
        for (let done = 0; done < prefill; ) {
          const m = Math.min(n, prefill - done);
          buffer.add(env, await sampleForward(env, policy, m, random, { behaviour: uniform, iteration, recordStateLogRewards }));
          done += m;
        }
        prefilled = true;
      }
      const canReplay = buffer.options.unit === 'transitions' ? buffer.transitions > 0 : buffer.size > 0;
      const k = canReplay ? Math.round(ratio * n) : 0;
      const nFresh = n - k;
      const collect = Math.max(options.collect ?? n, nFresh);
      const fresh =
        collect > 0
          ? await sampleForward(env, policy, collect, random, {
              ...(options.behaviour ? { behaviour: options.behaviour } : {}),
              iteration,
              recordStateLogRewards,
            })
          : undefined;
      const replayed = k > 0 ? await buffer.sample({ env, policy, n: k, random, recordStateLogRewards }) : undefined;
      if (fresh) buffer.add(env, fresh);
      if (!replayed && fresh && fresh.numTrajectories === n) return fresh;

      const rows: TrajectoryRows[] = [];
      const logRewards: number[] = [];
      const parts: S[] = [];
      // Visited states of the kept trajectories, when every part has them.
      let stateParts: S[] | undefined = [];
      if (fresh && nFresh > 0) {
        const kept = Int32Array.from({ length: nFresh }, (_, b) => b);
        for (let b = 0; b < nFresh; b++) {
          rows.push(trajectoryRows(fresh as TrajectoryBatch, b));
          logRewards.push(fresh.logRewards[b] as number);
        }
        parts.push(env.select(fresh.terminals, kept));
        if (fresh.states !== undefined) stateParts.push(env.select(fresh.states, trajectoryRowIndices(fresh, kept)));
        else stateParts = undefined;
      }
      if (replayed) {
        for (let b = 0; b < replayed.numTrajectories; b++) {
          rows.push(trajectoryRows(replayed as TrajectoryBatch, b));
          logRewards.push(replayed.logRewards[b] as number);
        }
        parts.push(replayed.terminals);
        if (replayed.states !== undefined) stateParts?.push(replayed.states);
        else stateParts = undefined;
      }
      const shape = { featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions };
      const onPolicy = !replayed && fresh !== undefined && fresh.behaviour.onPolicy;
      const states = stateParts && stateParts.length > 0 ? env.concat(stateParts) : undefined;
      return packTrajectories(shape, rows, logRewards, env.concat(parts), onPolicy, states);
    },
    getState(): ReplaySamplerState {
      return { prefilled, buffer: buffer.getState() };
    },
    setState(raw: unknown): void {
      const state = raw as ReplaySamplerState;
      if (typeof state !== 'object' || state === null || typeof state.prefilled !== 'boolean') {
        throw new TypeError('replaySampler setState: expected { prefilled: boolean, buffer: ... } from getState()');
      }
      buffer.setState(state.buffer);
      prefilled = state.prefilled;
    },
  };
}
