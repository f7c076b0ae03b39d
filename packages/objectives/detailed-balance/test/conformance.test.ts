import { describeObjective, subsetEnvironment } from '@gflownet/testing';
import { detailedBalanceObjective, modifiedDetailedBalanceObjective } from '../src/index.js';

describeObjective('detailed balance', () => detailedBalanceObjective());
describeObjective('detailed balance (s0 cannot stop, 4 items)', () => detailedBalanceObjective({ loss: 'huber' }), {
  environment: () => subsetEnvironment({ items: 4, stopAtInitial: false }),
  backward: ['learned'],
});
// Modified DB needs log R of every visited state: the default problem lets every state stop.
describeObjective('modified detailed balance', () => modifiedDetailedBalanceObjective());
