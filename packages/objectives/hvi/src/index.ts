export { detach } from './detach.js';
export type { Baseline, HviInputs, HviKind, HviTerms, ImportanceWeighting } from './hvi.js';
export { forwardKL, hviLoss, hviTerms, reverseKL, reverseWakeSleep, wakeSleep } from './hvi.js';
export type { HviOptions } from './objective.js';
export { forwardKLObjective, hviObjective, reverseKLObjective, reverseWakeSleepObjective, wakeSleepObjective } from './objective.js';
