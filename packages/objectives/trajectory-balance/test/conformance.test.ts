import { describeObjective } from '@gflownet/testing';
import { trajectoryBalanceObjective } from '../src/index.js';

describeObjective('trajectory balance (squared)', () => trajectoryBalanceObjective());
describeObjective('trajectory balance (huber)', () => trajectoryBalanceObjective({ loss: 'huber' }));
