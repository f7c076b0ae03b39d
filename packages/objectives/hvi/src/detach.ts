import * as tf from '@tensorflow/tfjs-core';

const detachOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
});

/**
 * The value of `x` with a zero gradient: tfjs has no `stopGradient`, so this is a `tf.customGrad` whose
 * backward pass returns zeros. Use it for REINFORCE baselines and importance weights, which must be
 * constants of the loss. (Computing the value outside the gradient tape, or reading it back with
 * `dataSync` and rebuilding a tensor, detaches it too, at the cost of a host round trip.)
 */
export function detach<T extends tf.Tensor>(x: T): T {
  return detachOp(x) as T;
}
