import { hypergrid } from '@gflownet/env-hypergrid';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { SessionSettings } from '../src/settings.js';
import { DEFAULT_SETTINGS, OBJECTIVES, parseSettings, SAMPLERS, settingsQuery } from '../src/settings.js';
import { createSession, summarise } from '../src/train-session.js';

describe('page settings from the URL', () => {
  it('reads the test URL and keeps the defaults elsewhere', () => {
    const s = parseSettings(new URLSearchParams('env=hypergrid&iterations=300&autostart=1&seed=7'));
    expect(s).toEqual({ ...DEFAULT_SETTINGS, iterations: 300, seed: 7 });
  });

  it('round-trips through settingsQuery', () => {
    const s: SessionSettings = { ...DEFAULT_SETTINGS, env: 'dag', objective: 'subtb', sampler: 'replay', epsilon: 0.25, height: 5, batchSize: 8 };
    expect(parseSettings(new URLSearchParams(settingsQuery(s)))).toEqual(s);
    expect(settingsQuery(DEFAULT_SETTINGS)).toBe('');
  });

  it('refuses bad values naming the field', () => {
    expect(() => parseSettings(new URLSearchParams('iterations=0'))).toThrow(/^iterations must be an integer from 1/);
    expect(() => parseSettings(new URLSearchParams('height=2.5'))).toThrow(/^height must be an integer/);
    expect(() => parseSettings(new URLSearchParams('epsilon=1.5'))).toThrow(/^epsilon must be a number in \[0, 1\]/);
    expect(() => parseSettings(new URLSearchParams('objective=fm'))).toThrow(/^objective must be one of tb, db, subtb, rkl/);
    expect(() => parseSettings(new URLSearchParams('iteration=5'))).toThrow(/^unknown setting "iteration"/);
  });
});

describe('the training session shared by the page and the Node check', () => {
  it('draws the hypergrid target as R(x)/Z with rows x0 and columns x1', async () => {
    const H = 5;
    const session = await createSession({ ...DEFAULT_SETTINGS, height: H });
    const view = session.view();
    session.dispose();
    if (view.kind !== 'hypergrid') throw new Error('expected a hypergrid view');
    // Independent reference: the reward of every cell, normalised by brute-force summation.
    const env = hypergrid({ ndim: 2, height: H });
    const rewards = Array.from({ length: H * H }, (_, k) => env.reward([Math.floor(k / H), k % H]));
    const Z = rewards.reduce((a, b) => a + b, 0);
    rewards.forEach((r, k) => expect(view.target[k]).toBeCloseTo(r / Z, 12));
    expect(view.learned.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('gives DAG edge marginals that are probabilities with an empty diagonal', async () => {
    const session = await createSession({ ...DEFAULT_SETTINGS, env: 'dag' });
    const view = session.view();
    session.dispose();
    if (view.kind !== 'dag') throw new Error('expected a DAG view');
    for (const m of [view.learned, view.exact]) {
      expect(m).toHaveLength(9);
      for (let i = 0; i < 3; i++) {
        expect(m[i * 3 + i]).toBe(0);
        // i→j and j→i exclude each other, so their probabilities sum to at most 1.
        for (let j = 0; j < 3; j++) expect((m[i * 3 + j] as number) + (m[j * 3 + i] as number)).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it('trains every objective with every sampler on both environments, finite and leak-free', async () => {
    for (const env of ['hypergrid', 'dag'] as const) {
      for (const objective of OBJECTIVES) {
        for (const sampler of SAMPLERS) {
          const before = tf.memory().numTensors;
          const session = await createSession({ ...DEFAULT_SETTINGS, env, objective, sampler, height: 4, iterations: 3, batchSize: 4, evalEvery: 3 });
          const summary = summarise(await session.train());
          session.dispose();
          expect(summary.iterations, `${env} ${objective} ${sampler}`).toBe(3);
          expect(Number.isFinite(summary.finalLoss), `${env} ${objective} ${sampler} loss`).toBe(true);
          expect(summary.jsd).toBeGreaterThanOrEqual(0);
          expect(tf.memory().numTensors, `${env} ${objective} ${sampler} tensors`).toBe(before);
        }
      }
    }
  });

  it('gives the same numbers for the same seed', async () => {
    const run = async () => {
      const session = await createSession({ ...DEFAULT_SETTINGS, iterations: 20, evalEvery: 10 });
      const summary = summarise(await session.train());
      session.dispose();
      return summary;
    };
    expect(await run()).toEqual(await run());
  });
});
