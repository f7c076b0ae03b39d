export { registerCommand, runCli } from './cli.js';
export type { ResultsFile } from './commands/train.js';
export { runTraining } from './commands/train.js';
export { writeJsonAtomic, writeTextAtomic } from './results.js';
