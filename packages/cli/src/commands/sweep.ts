export { SWEEP_COMMAND, sweepMain } from '@gflownet/queue'; // gfn sweep: options and sweep in @gflownet/queue, parsed and called by cli.ts
