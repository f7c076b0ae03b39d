import { describeBackend } from '@gflownet/testing';
import { nodeGpu, nodeGpuAvailable } from '../src/index.js';

// Runs wherever @tensorflow/tfjs-node-gpu is installed; elsewhere the suite is reported as skipped, with the reason.
const probe = await nodeGpuAvailable();
describeBackend('node-gpu (tfjs-node-gpu)', () => nodeGpu(), probe.available ? {} : { skip: probe.reason });
