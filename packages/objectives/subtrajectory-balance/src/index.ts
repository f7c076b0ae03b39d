export type { SubTrajectoryBalanceInputs, SubTrajectoryBalanceOptions, SubTrajectoryWeighting } from './subtrajectory-balance.js';
export {
  padRows,
  subTrajectoryBalance,
  subTrajectoryBalanceObjective,
  subTrajectoryPotentials,
  subTrajectoryWeights,
} from './subtrajectory-balance.js';
