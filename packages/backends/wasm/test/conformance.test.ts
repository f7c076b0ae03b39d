import { describeBackend } from '@gflownet/testing';
import { wasm } from '../src/index.js';

describeBackend('wasm (SIMD, 1 thread)', wasm());
