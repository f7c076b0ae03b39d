import type { ParameterGroup } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/** Learning rates per parameter group; log Z has its own. */
export interface LearningRates {
  /** P_F (default: `1e-3`). */
  readonly forward?: number;
  /** Learned P_B (default: `1e-3`). */
  readonly backward?: number;
  /** State flow log F (default: same as `forward`). */
  readonly flow?: number;
  /** log Z (default: `0.1`). */
  readonly logZ?: number;
}

/** Names of every optimised group. */
export type OptimisedGroup = ParameterGroup | 'logZ';

/** The defaults of the paper's hypergrid runs (Malkin et al. 2022): 1e-3 for the networks, 0.1 for log Z. */
export function resolveLearningRates(lr: LearningRates = {}): Required<LearningRates> {
  const out = {
    forward: lr.forward ?? 1e-3,
    backward: lr.backward ?? 1e-3,
    flow: lr.flow ?? lr.forward ?? 1e-3,
    logZ: lr.logZ ?? 0.1,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`learning rate for ${k} must be a positive number, got ${v}`);
  }
  return out;
}

/** The saved state of an {@link Adam} optimiser: its step count and both moments of every variable, in order. */
export interface AdamState {
  readonly step: number;
  readonly moments: readonly { readonly m: Float32Array; readonly v: Float32Array }[];
}

/**
 * Adam as PyTorch defines it (w ← w − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)), over a fixed list of
 * variables. The bias corrections are computed in float64 on the host, so the state is just the step
 * count and the moments, and a checkpointed run resumes bit for bit.
 */
export class Adam {
  private step = 0;
  private moments: { m: tf.Variable; v: tf.Variable }[] | undefined;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {}

  /** Applies one update; `grads[i]` is the gradient of `variables[i]` (undefined: no update for it this step). */
  apply(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void {
    if (!this.moments) {
      this.moments = variables.map((v) => tf.tidy(() => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) })));
    }
    if (this.moments.length !== variables.length) throw new Error(`Adam: expected ${this.moments.length} variables, got ${variables.length}`);
    this.step++;
    const t = this.step;
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const sqrtBc2 = Math.sqrt(1 - this.beta2 ** t);
    const { beta1, beta2, epsilon } = this;
    tf.tidy(() => {
      variables.forEach((w, i) => {
        const g = grads[i];
        if (!g) return;
        const { m, v } = (this.moments as { m: tf.Variable; v: tf.Variable }[])[i] as { m: tf.Variable; v: tf.Variable };
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), epsilon);
        w.assign(tf.sub(w, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  /** A copy of the state, for checkpoints. */
  getState(): AdamState {
    return {
      step: this.step,
      moments: (this.moments ?? []).map(({ m, v }) => ({ m: m.dataSync().slice() as Float32Array, v: v.dataSync().slice() as Float32Array })),
    };
  }

  /** Restores a state from {@link Adam.getState} for `variables` (same order and shapes). */
  setState(state: AdamState, variables: readonly tf.Variable[]): void {
    if (state.moments.length !== 0 && state.moments.length !== variables.length) {
      throw new Error(`optimiser state has ${state.moments.length} variables, the model has ${variables.length}`);
    }
    this.dispose();
    this.step = state.step;
    if (state.moments.length === 0) return;
    this.moments = variables.map((w, i) => {
      const s = state.moments[i] as { m: Float32Array; v: Float32Array };
      if (s.m.length !== w.size || s.v.length !== w.size) {
        throw new Error(`optimiser state of variable ${i} has ${s.m.length} values, the model's has ${w.size}`);
      }
      return tf.tidy(() => ({ m: tf.variable(tf.tensor(s.m, w.shape), false), v: tf.variable(tf.tensor(s.v, w.shape), false) }));
    });
  }

  /** Releases the moments. */
  dispose(): void {
    for (const { m, v } of this.moments ?? []) {
      m.dispose();
      v.dispose();
    }
    this.moments = undefined;
  }
}

/** One {@link Adam} per group. */
export function makeOptimisers(lr: Required<LearningRates>): Record<OptimisedGroup, Adam> {
  return { forward: new Adam(lr.forward), backward: new Adam(lr.backward), flow: new Adam(lr.flow), logZ: new Adam(lr.logZ) };
}
