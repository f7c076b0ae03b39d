import { MASKED_LOGIT } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * DAG-GFlowNet's `log_policy`: from edge logits `[n, K]`, a stop logit s `[n, 1]` and the edges'
 * validity `[n, K]` (0/1 floats; stop is always valid in the DAG environment), the `[n, K + 1]`
 * log-probabilities log(1 − σ(s)) + masked log-softmax(edges) and log σ(s) for stop (last). A state
 * with no valid edge stops with log-probability 0. Invalid edges get ≤ MASKED_LOGIT. The logs of σ
 * use softplus: log σ(s) = −softplus(−s), log(1 − σ(s)) = −softplus(s), finite for any s.
 *
 * Each row is normalised over the valid actions, so the masked log-softmax that samplers and
 * objectives apply to policy logits leaves it unchanged: these log-probabilities are the logits.
 */
export function sigmoidStopLogProbs(edgeLogits: tf.Tensor2D, stopLogit: tf.Tensor2D, edgeMask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const bias = tf.mul(tf.sub(1, edgeMask), MASKED_LOGIT);
    const canContinue = tf.max(edgeMask, 1, true);
    const edges = tf.add(tf.sub(tf.logSoftmax(tf.add(edgeLogits, bias)), tf.softplus(stopLogit)), bias);
    const stop = tf.mul(tf.neg(tf.softplus(tf.neg(stopLogit))), canContinue);
    return tf.concat([edges, stop], 1) as tf.Tensor2D;
  });
}
