import { describeObjective, subsetEnvironment } from '@gflownet/testing';
import { flowMatchingObjective } from '../src/index.js';

// Built without the environment: the kit passes it in every loss context.
describeObjective('flow matching', () => flowMatchingObjective(), { backward: ['uniform'] });
describeObjective('flow matching (huber, leaf weight 2, s0 cannot stop)', () => flowMatchingObjective({ loss: 'huber', leafWeight: 2 }), {
  environment: () => subsetEnvironment({ items: 4, stopAtInitial: false }),
  backward: ['uniform'],
});
