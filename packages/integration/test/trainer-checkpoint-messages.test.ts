import type { Sampler, TrajectoryBatch } from '@gflownet/core';
import { exactEvaluator, SamplerTypeId } from '@gflownet/core';
import { hypergrid } from '@gflownet/env-hypergrid';
import { mlpPolicy } from '@gflownet/estimator-mlp';
import { trajectoryBalanceObjective } from '@gflownet/objective-trajectory-balance';
import { replayBuffer, replaySampler } from '@gflownet/sampler-replay';
import { onPolicySampler } from '@gflownet/sampler-rollout';
import type { TrainingState } from '@gflownet/trainer';
import { CheckpointError, DivergenceError, train } from '@gflownet/trainer';
import { describe, expect, it } from 'vitest';

const env = hypergrid({ ndim: 2, height: 4 });
const makePolicy = (seed = 0, hidden = [16]) =>
  mlpPolicy({ featureSize: env.featureSize, numActions: env.numActions, numBackwardActions: env.numBackwardActions, hidden, seed });
const base = { env, objective: trajectoryBalanceObjective(), batchSize: 4, seed: 3, evalEvery: 5 } as const;

describe('what a run reports', () => {
  it('an interrupted run reports the exact metrics of the policy it stopped with, next to its log Z', async () => {
    // Stopped at 7, between the evaluations at 5 and 10.
    const controller = new AbortController();
    const policy = makePolicy(1);
    const stopped = await train({ ...base, policy, sampler: onPolicySampler(), iterations: 20, signal: controller.signal, onIteration: (i) => i.iteration === 7 && controller.abort() });
    const independent = (await exactEvaluator(env)).evaluate(policy);
    policy.dispose();
    expect(stopped.interrupted).toBe(true);
    expect(stopped.iterations).toBe(7);
    // The history stays that of an uninterrupted run (records at 5, 10, …), so a resume matches it.
    expect(stopped.history.map((h) => h.iteration)).toEqual([5]);
    expect(stopped.exact?.jsd).toBe(independent.jsd);
    expect(stopped.exact?.jsd).not.toBe(stopped.history[0]?.jsd);

    // And it is the same as a run of exactly 7 iterations, whose last evaluation is at 7.
    const seven = makePolicy(1);
    const whole = await train({ ...base, policy: seven, sampler: onPolicySampler(), iterations: 7 });
    seven.dispose();
    expect(stopped.exact?.jsd).toBe(whole.exact?.jsd);
    expect(stopped.logZ).toBe(whole.logZ);
  });

  it('blames an overflowing reward, not the learning rates', async () => {
    const inner = onPolicySampler();
    const huge: Sampler = {
      [SamplerTypeId]: SamplerTypeId,
      name: 'huge-reward',
      async sample(request) {
        const batch = (await inner.sample(request)) as TrajectoryBatch;
        batch.logRewards[1] = 3e25; // finite in float64, a squared residual beyond float32
        return batch as never;
      },
    };
    const policy = makePolicy(2);
    const error = await train({ ...base, policy, sampler: huge, iterations: 3 }).catch((e: unknown) => e);
    policy.dispose();
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/tb loss became Infinity at iteration 0 .*the reward overflows, not the training: log R is 3e\+25 for hypergrid state \d+,\d+/);
    expect((error as Error).message).not.toMatch(/lower the learning rates or/);
  });

  it('names the checkpoint when its shapes or its sampler state do not fit the run', async () => {
    const sampler = () => replaySampler({ buffer: replayBuffer({ capacity: 16 }) });
    let saved: TrainingState | undefined;
    const first = makePolicy(4);
    await train({ ...base, policy: first, sampler: sampler(), iterations: 4, checkpointEvery: 4, onCheckpoint: (s) => void (saved = s) });
    first.dispose();
    const state = saved as TrainingState;
    const source = 'checkpoint runs/a.ckpt';

    const wider = makePolicy(4, [24]);
    await expect(train({ ...base, policy: wider, sampler: sampler(), iterations: 8, resume: state, resumeSource: source })).rejects.toThrow(
      /^checkpoint runs\/a\.ckpt: forward tensor 0 has shape \[8,16\], the policy's is \[8,24\]/,
    );
    wider.dispose();

    const cases: [unknown, RegExp][] = [
      [{ ...(state.sampler as object), prefilled: 'yes' }, /^checkpoint runs\/a\.ckpt: sampler state: replaySampler setState: expected/],
      [{ ...(state.sampler as { buffer: object }), buffer: { ...(state.sampler as { buffer: object }).buffer, head: 'x' } }, /^checkpoint runs\/a\.ckpt: sampler state: replay state: head must be an integer in \[0, 15\], got "x"/],
      [{ ...(state.sampler as { buffer: object }), buffer: { ...(state.sampler as { buffer: object }).buffer, seq: 1.5 } }, /sampler state: replay state: seq must be an integer/],
      [{ ...(state.sampler as { buffer: object }), buffer: { ...(state.sampler as { buffer: object }).buffer, shape: { featureSize: 'x', numActions: 3, numBackwardActions: 2 } } }, /sampler state: replay state: shape\.featureSize must be a positive integer/],
    ];
    for (const [samplerState, message] of cases) {
      const policy = makePolicy(4);
      const error = await train({ ...base, policy, sampler: sampler(), iterations: 8, resume: { ...state, sampler: samplerState }, resumeSource: source }).catch((e: unknown) => e);
      policy.dispose();
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(message);
    }
    const policy = makePolicy(4);
    await expect(train({ ...base, policy, sampler: sampler(), iterations: 8, resume: { ...state, random: { a: 1, b: 2, c: 3, d: -4 } }, resumeSource: source })).rejects.toThrow(
      /^checkpoint runs\/a\.ckpt: random state: Random\.setState: field "d"/,
    );
    policy.dispose();
  });
});
