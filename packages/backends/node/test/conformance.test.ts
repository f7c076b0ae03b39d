import { describeBackend } from '@gflownet/testing';
import { node, nodeAvailable } from '../src/index.js';

// Runs wherever @tensorflow/tfjs-node is installed; elsewhere the suite is reported as skipped, with the reason.
const probe = await nodeAvailable();
describeBackend('node (tfjs-node)', () => node(), probe.available ? {} : { skip: probe.reason });
