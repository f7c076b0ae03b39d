import type { ParameterGroup } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import type { AdamArena, AdamSlot } from './adam-simd.js';
import { adamArena } from './adam-simd.js';

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
 * Where {@link Adam} keeps its moments and does its arithmetic. `host`: in JavaScript, with one read
 * of each gradient and one upload of each updated weight per step (a handful of engine calls instead
 * of ~13 kernels per variable; the fastest on cpu, wasm and tfjs-node's CPU build, where reads are
 * memory copies). `backend`: tfjs ops on the device (GPU backends, where reads stall).
 */
export type AdamPlacement = 'host' | 'backend';

/** `host` on backends whose memory is host memory, `backend` elsewhere (WebGL, WebGPU, CUDA). */
export function defaultAdamPlacement(): AdamPlacement {
  const name = tf.getBackend();
  if (name === 'cpu' || name === 'wasm') return 'host';
  if (name === 'tensorflow') return (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true ? 'backend' : 'host';
  return 'backend';
}

interface HostState {
  readonly arena: AdamArena;
  readonly slots: AdamSlot[];
  /** Per variable: the data id it held after this optimiser's last write (its weights are then in `slot.w`). */
  readonly written: (object | undefined)[];
}

/**
 * Adam as PyTorch defines it (w ← w − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)), over a fixed list of
 * variables. The bias corrections are computed in float64 on the host, so the state is just the step
 * count and the moments, and a checkpointed run resumes bit for bit.
 */
export class Adam {
  readonly placement: AdamPlacement;
  private step = 0;
  private moments: { m: tf.Variable; v: tf.Variable }[] | undefined;
  private host: HostState | undefined;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
    placement?: AdamPlacement,
  ) {
    this.placement = placement ?? defaultAdamPlacement();
  }

  /** Applies one update; `grads[i]` is the gradient of `variables[i]` (undefined: no update for it this step). */
  apply(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void {
    const count = this.host?.slots.length ?? this.moments?.length ?? variables.length;
    if (count !== variables.length) throw new Error(`Adam: expected ${count} variables, got ${variables.length}`);
    this.step++;
    if (this.placement === 'host') this.applyHost(variables, grads);
    else this.applyBackend(variables, grads);
  }

  private applyHost(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void {
    this.host ??= this.allocateHost(variables.map((w) => w.size));
    const { arena, slots, written } = this.host;
    const t = this.step;
    const stepSize = this.learningRate / (1 - this.beta1 ** t);
    const sqrtBc2 = Math.sqrt(1 - this.beta2 ** t);
    variables.forEach((variable, i) => {
      const g = grads[i];
      if (!g) return;
      const slot = slots[i] as AdamSlot;
      // Re-read the weights only when something else assigned the variable (a restore, a user).
      if (written[i] !== variable.dataId) slot.w.set(variable.dataSync() as Float32Array);
      slot.g.set(g.dataSync() as Float32Array);
      arena.step(slot, this.beta1, this.beta2, this.epsilon, stepSize, sqrtBc2);
      // A copy: the cpu backend keeps the array it is given as the tensor's storage.
      const next = tf.tensor(slot.w.slice(), variable.shape, 'float32');
      variable.assign(next);
      next.dispose();
      written[i] = variable.dataId;
    });
  }

  private allocateHost(sizes: readonly number[]): HostState {
    const arena = adamArena();
    return { arena, slots: arena.allocate(sizes), written: sizes.map(() => undefined) };
  }

  private applyBackend(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | undefined)[]): void {
    if (!this.moments) {
      this.moments = variables.map((v) => tf.tidy(() => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) })));
    }
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
    if (this.host) return { step: this.step, moments: this.host.slots.map(({ m, v }) => ({ m: m.slice(), v: v.slice() })) };
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
    variables.forEach((w, i) => {
      const s = state.moments[i] as { m: Float32Array; v: Float32Array };
      if (s.m.length !== w.size || s.v.length !== w.size) {
        throw new Error(`optimiser state of variable ${i} has ${s.m.length} values, the model's has ${w.size}`);
      }
    });
    if (this.placement === 'host') {
      this.host = this.allocateHost(variables.map((w) => w.size));
      this.host.slots.forEach((slot, i) => {
        const s = state.moments[i] as { m: Float32Array; v: Float32Array };
        slot.m.set(s.m);
        slot.v.set(s.v);
      });
      return;
    }
    this.moments = variables.map((w, i) => {
      const s = state.moments[i] as { m: Float32Array; v: Float32Array };
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
    this.host = undefined;
  }
}

/** One {@link Adam} per group. */
export function makeOptimisers(lr: Required<LearningRates>): Record<OptimisedGroup, Adam> {
  return { forward: new Adam(lr.forward), backward: new Adam(lr.backward), flow: new Adam(lr.flow), logZ: new Adam(lr.logZ) };
}
