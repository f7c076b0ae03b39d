import { describeBackend } from '@gflownet/testing';
import { cpu } from '../src/index.js';

// The reference checked against itself: this proves the kit's own checks run clean (finite, no leaks).
describeBackend('cpu', cpu());
