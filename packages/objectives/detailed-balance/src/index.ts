export type { DetailedBalanceInputs, DetailedBalanceOptions, ModifiedDetailedBalanceInputs } from './detailed-balance.js';
export {
  detailedBalance,
  detailedBalanceObjective,
  detailedBalanceResiduals,
  modifiedDetailedBalance,
  modifiedDetailedBalanceObjective,
  modifiedDetailedBalanceResiduals,
} from './detailed-balance.js';
