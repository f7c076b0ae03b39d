import * as tf from '@tensorflow/tfjs-core';

/** The saved state of an {@link Sgd} optimiser: its step count and the momentum buffer of every variable, in order. */
export interface SgdState {
  readonly kind: 'sgd';
  readonly step: number;
  readonly buffers: readonly Float32Array[];
}

/**
 * SGD with heavy-ball momentum as optax's `sgd(lr, momentum)` and PyTorch's `SGD` (no dampening, no
 * Nesterov) define it: b ← μ·b + g with b = 0 before the first step, then w ← w − lr·b. The DAG paper
 * trains log Z with it (lr 0.1, μ 0.8).
 *
 * With `zeroNanGradients` (default true) NaN gradient entries count as 0, as the paper's
 * `optax.zero_nans()`; here they are zeroed *before* the momentum update (the paper's chain zeroes the
 * update after it, so one NaN would stay in its momentum and freeze that parameter for the rest of the run).
 *
 * The arithmetic is on the host in float32 (one read of each gradient per step; meant for small groups
 * such as log Z), so the state is the step count and the buffers, and a checkpointed run resumes bit for bit.
 */
export class Sgd {
  private step = 0;
  private buffers: Float32Array[] | undefined;

  constructor(
    readonly learningRate: number,
    readonly momentum = 0,
    readonly zeroNanGradients = true,
  ) {
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new RangeError(`Sgd: learning rate must be a positive number, got ${learningRate}`);
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`Sgd: momentum must be in [0, 1), got ${momentum}`);
  }

  /** Applies one update; `grads[i]` is the gradient of `variables[i]` (undefined: no update for it this step). */
  apply(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void {
    this.buffers ??= variables.map((v) => new Float32Array(v.size));
    if (this.buffers.length !== variables.length) throw new Error(`Sgd: expected ${this.buffers.length} variables, got ${variables.length}`);
    this.step++;
    const lr = Math.fround(this.learningRate);
    const mu = Math.fround(this.momentum);
    variables.forEach((variable, i) => {
      const g = grads[i];
      if (!g) return;
      const b = (this.buffers as Float32Array[])[i] as Float32Array;
      const gv = g.dataSync() as Float32Array;
      const w = (variable.dataSync() as Float32Array).slice();
      for (let k = 0; k < b.length; k++) {
        let gk = gv[k] as number;
        if (this.zeroNanGradients && Number.isNaN(gk)) gk = 0;
        b[k] = Math.fround(mu * (b[k] as number)) + gk; // stored as float32: one rounding per op, as on a device
        w[k] = (w[k] as number) - Math.fround(lr * (b[k] as number));
      }
      const next = tf.tensor(w, variable.shape, 'float32');
      variable.assign(next);
      next.dispose();
    });
  }

  /** A copy of the state, for checkpoints. */
  getState(): SgdState {
    return { kind: 'sgd', step: this.step, buffers: (this.buffers ?? []).map((b) => b.slice()) };
  }

  /** Restores a state from {@link Sgd.getState} for `variables` (same order and sizes). */
  setState(state: SgdState, variables: readonly tf.Variable[]): void {
    if (state.buffers.length !== 0 && state.buffers.length !== variables.length) {
      throw new Error(`SGD state has ${state.buffers.length} variables, the model has ${variables.length}`);
    }
    state.buffers.forEach((b, i) => {
      const size = (variables[i] as tf.Variable).size;
      if (b.length !== size) throw new Error(`SGD state of variable ${i} has ${b.length} values, the model's has ${size}`);
    });
    this.step = state.step;
    this.buffers = state.buffers.length === 0 ? undefined : state.buffers.map((b) => Float32Array.from(b));
  }

  /** Forgets the momentum. */
  dispose(): void {
    this.buffers = undefined;
  }
}
