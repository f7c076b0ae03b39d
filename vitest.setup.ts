// Every test runs on the cpu backend with gradients registered, so a chained op or a missing
// gradient fails here first. Suites that need another backend select it themselves.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
