import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingState } from './checkpoint.js';
import { CheckpointError } from './checkpoint.js';
import type { LearningRates, OptimisedGroup } from './optimizers.js';
import { makeOptimisers, resolveLearningRates } from './optimizers.js';
import { Sgd } from './sgd.js';

/** Which optimiser trains log Z: Adam (the default), or SGD with momentum (the DAG paper's). */
export type LogZOptimizer = 'adam' | 'sgd';

/** The log-Z optimiser's settings, as {@link TrainOptions} take them. */
export interface LogZOptimizerOptions {
  readonly logZOptimizer?: LogZOptimizer;
  readonly logZMomentum?: number;
}

/** Default momentum of the `sgd` log-Z optimiser: the DAG paper's 0.8. */
export const DEFAULT_LOGZ_MOMENTUM = 0.8;

/** The optimisers of one run: one Adam per network group, and Adam or SGD for log Z. */
export interface RunOptimisers {
  apply(group: OptimisedGroup, variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void;
  /** Their states, as a {@link TrainingState} holds them. */
  getState(): Pick<TrainingState, 'optimisers' | 'logZSgd'>;
  /** Restores the states of a checkpoint; a checkpoint of the other log-Z optimiser is a {@link CheckpointError}. */
  setState(state: TrainingState, groups: Readonly<Record<OptimisedGroup, tf.Variable[]>>): void;
  dispose(): void;
}

/** Builds the optimisers of a run (checks the learning rates and the log-Z optimiser's settings). */
export function runOptimisers(rates: LearningRates | undefined, options: LogZOptimizerOptions): RunOptimisers {
  const lr = resolveLearningRates(rates);
  const kind = options.logZOptimizer ?? 'adam';
  if (kind !== 'adam' && kind !== 'sgd') throw new RangeError(`logZOptimizer must be "adam" or "sgd", got ${String(kind)}`);
  const momentum = options.logZMomentum ?? DEFAULT_LOGZ_MOMENTUM;
  if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`logZMomentum must be in [0, 1), got ${momentum}`);
  const adams = makeOptimisers(lr);
  const sgd = kind === 'sgd' ? new Sgd(lr.logZ, momentum) : undefined;
  return {
    apply(group, variables, grads) {
      if (group === 'logZ' && sgd) sgd.apply(variables, grads);
      else adams[group].apply(variables, grads);
    },
    getState() {
      const optimisers = {
        forward: adams.forward.getState(),
        backward: adams.backward.getState(),
        flow: adams.flow.getState(),
        // With SGD the Adam of log Z is never stepped: an empty state, so readers of `optimisers` still find one.
        logZ: adams.logZ.getState(),
      };
      return { optimisers, ...(sgd ? { logZSgd: sgd.getState() } : {}) };
    },
    setState(state, groups) {
      const learned = groups.logZ.length > 0;
      if (sgd && learned && !state.logZSgd && state.optimisers.logZ.step > 0) {
        throw new CheckpointError('checkpoint trained log Z with Adam; this run asks for SGD (logZOptimizer "sgd")');
      }
      if (!sgd && state.logZSgd) throw new CheckpointError('checkpoint trained log Z with SGD; this run asks for Adam (set logZOptimizer "sgd")');
      for (const g of ['forward', 'backward', 'flow', 'logZ'] as const) adams[g].setState(state.optimisers[g], groups[g]);
      if (sgd && state.logZSgd) sgd.setState(state.logZSgd, groups.logZ);
    },
    dispose() {
      for (const o of Object.values(adams)) o.dispose();
      sgd?.dispose();
    },
  };
}
