export type { SubTrajectoryBalanceInputs, SubTrajectoryBalanceOptions, SubTrajectoryWeighting } from './subtrajectory-balance.js';
export {
  subTrajectoryBalance,
  subTrajectoryBalanceObjective,
  subTrajectoryPotentials,
  subTrajectoryWeights,
} from './subtrajectory-balance.js';
// Moved to core (shared row bookkeeping); still exported here.
export { padRows } from '@gflownet/core';
