export type { TrajectoryBalanceInputs, TrajectoryBalanceOptions } from './trajectory-balance.js';
export { trajectoryBalance, trajectoryBalanceObjective, trajectoryBalanceResiduals } from './trajectory-balance.js';
