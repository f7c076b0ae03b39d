import { describeObjective } from '@gflownet/testing';
import { subTrajectoryBalanceObjective } from '../src/index.js';

describeObjective('SubTB(λ = 0.9), geometric within', () => subTrajectoryBalanceObjective());
describeObjective('SubTB(λ = 2), equal', () => subTrajectoryBalanceObjective({ lambda: 2, weighting: 'equal' }), { backward: ['learned'] });
describeObjective('SubTB(λ = 0.5), equal within, huber', () => subTrajectoryBalanceObjective({ lambda: 0.5, weighting: 'equal-within', loss: 'huber' }), { backward: ['uniform'] });
