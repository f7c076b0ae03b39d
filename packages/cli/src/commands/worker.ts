export { WORKER_COMMAND, workerMain } from '@gflownet/queue'; // gfn worker: options and worker in @gflownet/queue, parsed and called by cli.ts
