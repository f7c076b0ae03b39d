/**
 * Every default of the queue package, in one place: the remote reward, the workers and the sweeps.
 * (Run-config defaults stay in `@gflownet/experiment`'s config.)
 */
export const QUEUE_DEFAULTS = {
  /** Where Redis is when neither `--redis` nor `GFN_QUEUE_URL` says. */
  redisUrl: 'redis://127.0.0.1:6379',
  /** States per reward job. */
  batchSize: 32,
  /** Longest wait for one batch's rewards, from enqueueing to the result (retries and stalls included). */
  timeoutMs: 600_000,
  /** Attempts of a reward batch before the run fails (a throwing reward, a bad value). */
  attempts: 3,
  /** Attempts of a sweep run (a run that throws, e.g. diverges, is tried this often). */
  runAttempts: 2,
  /** How often a waiting client looks at its jobs. */
  pollMs: 25,
  /** A client with nothing outstanding closes its connections after this long (and reopens on demand), so processes can exit. */
  idleCloseMs: 2000,
  /** Jobs a worker process runs at a time. */
  concurrency: 1,
  /** A job whose worker has not renewed its lock for this long is handed to another worker (BullMQ `lockDuration`). */
  lockMs: 30_000,
  /** How often workers look for such stalled jobs (BullMQ `stalledInterval`). */
  stalledIntervalMs: 30_000,
  /** Times a job may stall (its worker died) before it fails: bounds a job that kills every worker it reaches. */
  maxStalledCount: 5,
  /** The queue of sweep runs. */
  runsQueue: 'gfn-runs',
  /** Iterations between checkpoints of a sweep run. */
  checkpointEvery: 100,
  /** How long to wait for Redis to answer at start-up before saying it cannot be reached. */
  connectTimeoutMs: 5000,
} as const;

/** Environment variables read by the queue (the Redis URL keeps a password off the command line). */
export const QUEUE_ENV = {
  url: 'GFN_QUEUE_URL',
  queue: 'GFN_QUEUE',
  batchSize: 'GFN_QUEUE_BATCH_SIZE',
  timeoutMs: 'GFN_QUEUE_TIMEOUT_MS',
  attempts: 'GFN_QUEUE_ATTEMPTS',
} as const;
