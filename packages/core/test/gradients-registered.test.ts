import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { assertGradientsRegistered, assertGradientsUnderTape } from '../src/index.js';

// The setup file registers tfjs' gradients (tfjs-layers); these tests take one away, as a user who
// imports only @tensorflow/tfjs-core has none, and put it back.
const saved = tf.getGradient('BatchMatMul');
afterEach(() => {
  if (saved && !tf.getGradient('BatchMatMul')) tf.registerGradient(saved);
});

describe('assertGradientsUnderTape', () => {
  it('passes silently, under a tape or not, while gradients are registered', () => {
    expect(() => assertGradientsUnderTape()).not.toThrow();
    const x = tf.variable(tf.scalar(2));
    const { value, grads } = tf.variableGrads(() => {
      assertGradientsUnderTape();
      return tf.square(x) as tf.Scalar;
    });
    expect(grads[x.name]?.dataSync()[0]).toBe(4);
    tf.dispose([value, grads, x]);
  });

  it('says to import @tensorflow/tfjs-layers under a tape when gradients are missing, and nothing outside one', () => {
    tf.unregisterGradient('BatchMatMul');
    expect(() => assertGradientsUnderTape()).not.toThrow();
    expect(() => assertGradientsRegistered()).toThrow(/import "@tensorflow\/tfjs-layers"/);
    const x = tf.variable(tf.scalar(2));
    expect(() =>
      tf.variableGrads(() => {
        assertGradientsUnderTape();
        return tf.square(x) as tf.Scalar;
      }),
    ).toThrow(/tfjs gradients are not registered .*import "@tensorflow\/tfjs-layers"/);
    x.dispose();
  });
});
