import type { Policy, Random, Sampler } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { SavedTensor, TrainingState } from './checkpoint.js';
import { CheckpointError } from './checkpoint.js';
import type { OptimisedGroup } from './optimizers.js';
import type { RunOptimisers } from './run-optimisers.js';

/** Copies of variables' values, as a checkpoint holds them. */
export const saveVariables = (vars: readonly tf.Variable[]): SavedTensor[] =>
  vars.map((v) => ({ shape: [...v.shape], data: v.dataSync().slice() as Float32Array }));

function restore(vars: readonly tf.Variable[], saved: readonly SavedTensor[], group: string, source: string): void {
  if (saved.length !== vars.length) throw new CheckpointError(`${source} has ${saved.length} ${group} tensors, the policy has ${vars.length}`);
  vars.forEach((v, i) => {
    const s = saved[i] as SavedTensor;
    if (s.shape.length !== v.shape.length || s.shape.some((d, k) => d !== v.shape[k])) {
      throw new CheckpointError(`${source}: ${group} tensor ${i} has shape [${s.shape}], the policy's is [${v.shape}] (another architecture or environment)`);
    }
  });
  vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor((saved[i] as SavedTensor).data, v.shape))));
}

/**
 * Loads a checkpoint's weights into a policy of the same architecture (e.g. to sample from a trained
 * run). Shapes are checked first; a mismatch is a {@link CheckpointError} naming `source` (the file).
 */
export function restorePolicy(policy: Policy, state: Pick<TrainingState, 'parameters'>, source = 'checkpoint'): void {
  const groups = policy.parameters();
  for (const g of ['forward', 'backward', 'flow'] as const) restore(groups[g], state.parameters[g], g, source);
}

/** What {@link restoreRun} restores into. */
export interface RunParts {
  readonly policy: Policy;
  readonly logZ: tf.Variable | undefined;
  readonly optimisers: RunOptimisers;
  readonly groups: Readonly<Record<OptimisedGroup, tf.Variable[]>>;
  readonly random: Random;
  readonly sampler: Sampler;
}

/**
 * Restores a checkpoint's state into a run's parts. Any mismatch (shapes, optimiser sizes, a sampler
 * state that does not fit) is a {@link CheckpointError} whose message starts with `source`.
 */
export function restoreRun(resume: TrainingState, parts: RunParts, iterations: number, source: string): void {
  const { logZ, sampler } = parts;
  if (resume.iteration > iterations) throw new CheckpointError(`${source} is at iteration ${resume.iteration}, past the requested ${iterations}`);
  if (Boolean(logZ) !== (resume.logZ !== null)) {
    throw new CheckpointError(`${source} and the objective disagree on whether log Z is learned (${logZ ? 'the objective learns it, the checkpoint has none' : 'the checkpoint has one, the objective learns none'})`);
  }
  restorePolicy(parts.policy, resume, source);
  if (logZ && resume.logZ !== null) tf.tidy(() => logZ.assign(tf.scalar(resume.logZ as number)));
  const named = (what: string, f: () => void): void => {
    try {
      f();
    } catch (err) {
      if (err instanceof CheckpointError) throw new CheckpointError(err.message.replace(/^checkpoint\b/, source));
      throw new CheckpointError(`${source}: ${what}: ${(err as Error).message}`);
    }
  };
  named('optimiser state', () => parts.optimisers.setState(resume, parts.groups));
  named('random state', () => parts.random.setState(resume.random));
  if (resume.sampler !== null && resume.sampler !== undefined) {
    if (!sampler.setState) throw new CheckpointError(`${source} holds sampler state, but sampler "${sampler.name}" cannot restore state`);
    const setState = sampler.setState.bind(sampler);
    named('sampler state', () => setState(resume.sampler));
  }
}
