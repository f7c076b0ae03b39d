import * as tf from '@tensorflow/tfjs-core';

/** Brand carried by every {@link Backend}. */
export const BackendTypeId: '~@gflownet/core/Backend' = '~@gflownet/core/Backend';

/** A TensorFlow.js backend wrapper, made by a `@gflownet/backend-*` package. */
export interface Backend {
  readonly [BackendTypeId]: typeof BackendTypeId;
  /** The tfjs backend name, e.g. `"cpu"`, `"wasm"`, `"tensorflow"`. */
  readonly name: string;
  /** Registers the tfjs backend (idempotent); resolves once it can be selected. */
  register(): Promise<void>;
}

/** True when `x` carries the {@link Backend} brand. */
export function isBackend(x: unknown): x is Backend {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[BackendTypeId] === BackendTypeId;
}

/** Registers and selects a backend for all tfjs work in this realm. */
export async function useBackend(backend: Backend): Promise<void> {
  await backend.register();
  const ok = await tf.setBackend(backend.name);
  if (!ok) throw new Error(`tfjs backend "${backend.name}" failed to initialise`);
  await tf.ready();
}

/**
 * Throws a clear error when tfjs gradients are not registered (`@tensorflow/tfjs-core` alone
 * registers none; importing `@tensorflow/tfjs-layers` or `@tensorflow/tfjs` does).
 */
export function assertGradientsRegistered(): void {
  if (!tf.getGradient('BatchMatMul') || !tf.getGradient('LogSoftmax')) {
    throw new Error(
      'tfjs gradients are not registered (@tensorflow/tfjs-core alone has none): import "@tensorflow/tfjs-layers" (or "@tensorflow/tfjs") once before training or computing gradients',
    );
  }
}

/**
 * {@link assertGradientsRegistered}, but only under a gradient tape (inside `tf.grad`,
 * `tf.variableGrads`, …). Loss functions call it first, so that a missing gradient registration fails
 * with that message rather than tfjs' later "gradient function not found for Mean".
 */
export function assertGradientsUnderTape(): void {
  if (tf.engine().state.gradientDepth > 0) assertGradientsRegistered();
}
