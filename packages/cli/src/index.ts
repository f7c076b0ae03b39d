export type { CommandRun } from './cli.js';
export { registerCommand, runCli } from './cli.js';
export type { ExperimentRun, ResultsFile, RunConfig, RunConfigInput } from '@gflownet/experiment';
export { runExperiment, writeJsonAtomic, writeTextAtomic } from '@gflownet/experiment';
