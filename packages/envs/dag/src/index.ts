export { closureOf } from './closure.js';
export type { DagEnvironment, DagEnvironmentOptions, DagStates } from './dag.js';
export { dagEnvironment, isDagEnvironment, MAX_VARIABLES } from './dag.js';
export type { DagData, DataCheckOptions, SimulationOptions } from './data.js';
export { checkData, DataError, MAX_EXACT_VARIABLES, MIN_ROWS, parseCsv, simulateLinearGaussian, toCsv, variableNames } from './data.js';
export type { DagEvaluation, DagExactEvaluator, DagPosterior } from './exact.js';
export {
  dagExactEvaluator,
  dagPosterior,
  dagStateGraph,
  edgeMarginals,
  edgeMarginalsFromKeys,
  edgeMarginalsFromSamples,
  edgeRmse,
  enumerateDagMasks,
  exactLogZ,
  NUM_DAGS,
} from './exact.js';
export type { GraphPrior, PriorName, PriorOptions } from './priors.js';
export { graphPrior, PRIOR_NAMES } from './priors.js';
export type { BgeOptions, LinearGaussianOptions, LocalScore } from './scores.js';
export { bgeScore, linearGaussianScore } from './scores.js';
