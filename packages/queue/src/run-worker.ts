import { existsSync } from 'node:fs';
import type { StoredCheckpoint } from '@gflownet/experiment';
import { checkInputs, environmentEntry, readRunCheckpoint, removeStaleTemporaries, resolveRunConfig, runExperiment, writeRunCheckpoint } from '@gflownet/experiment';
import type { Job } from 'bullmq';
import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Connection } from './connection.js';
import { QUEUE_DEFAULTS } from './defaults.js';
import type { RunJobData, RunJobResult, RunProgress } from './protocol.js';
import { checkQueueName } from './protocol.js';
import type { WorkerTuning } from './reward-worker.js';
import { logErrors, workerSettings } from './reward-worker.js';
import { logEvent, runPaths, writeJsonOnce } from './run-files.js';
import { runId } from './sweep-spec.js';

/** Options of {@link startRunWorker}. */
export interface RunWorkerOptions extends WorkerTuning {
  readonly connection: Connection;
  /** The queue of sweep runs (default `gfn-runs`). */
  readonly queue?: string;
}

/** A worker of sweep runs; `stop()` checkpoints the runs in hand, puts them back in the queue and closes. */
export interface RunWorker {
  readonly worker: Worker<RunJobData, RunJobResult>;
  stop(): Promise<void>;
}

/** The run's checkpoint, when an earlier attempt left one (its config must be this run's). */
async function storedCheckpoint(path: string, id: string): Promise<StoredCheckpoint | undefined> {
  if (!existsSync(path)) return undefined;
  removeStaleTemporaries(path);
  const stored = await readRunCheckpoint(path);
  const storedId = runId(resolveRunConfig(stored.config, await environmentEntry(stored.config.env ?? {})));
  if (storedId !== id) throw new UnrecoverableError(`checkpoint ${path} holds the config of another run (${storedId}), not of ${id}`);
  return stored;
}

/**
 * Executes the runs of `gfn sweep` (jobs of its queue): each run trains in this process with the
 * experiment layer, checkpoints every `checkpointEvery` iterations into the shared directory, resumes
 * from its checkpoint when an earlier worker was interrupted or died (resume is exact: the results
 * equal an uninterrupted run's), and writes its results file once: a run whose results are there is
 * not trained again. Every step is a line of the sweep's `events.jsonl`.
 */
export function startRunWorker(options: RunWorkerOptions): RunWorker {
  const queue = checkQueueName(options.queue ?? QUEUE_DEFAULTS.runsQueue, '--queue');
  const log = options.log ?? (() => {});
  const active = new Set<AbortController>();
  let stopping = false;

  const processRun = async (job: Job<RunJobData, RunJobResult>, token?: string): Promise<RunJobResult> => {
    const { id, dir, config, checkpointEvery, label } = job.data;
    const paths = runPaths(dir, id);
    if (existsSync(paths.results)) {
      logEvent(dir, id, 'already-finished');
      return { id, outcome: 'already-finished' };
    }
    const stored = await storedCheckpoint(paths.checkpoint, id);
    const iterations = config.budget.iterations;
    logEvent(dir, id, stored ? 'resumed' : 'started', stored ? { iteration: stored.state.iteration } : {});
    log(`${id} (${label}): ${stored ? `resuming at iteration ${stored.state.iteration}` : 'starting'}`);
    const controller = new AbortController();
    active.add(controller);
    if (stopping) controller.abort();
    try {
      const run = await runExperiment(stored?.config ?? config, {
        signal: controller.signal,
        warn: (line) => log(`${id}: ${line}`),
        onStart: (prepared) => {
          if (stored) checkInputs(stored.inputs, prepared.inputs, paths.checkpoint);
        },
        ...(stored ? { resume: stored.state, resumeSource: `checkpoint ${paths.checkpoint}` } : {}),
        checkpointEvery,
        onCheckpoint: (state, prepared) => {
          writeRunCheckpoint(paths.checkpoint, state, { runConfig: prepared.config, settings: prepared.built.settings, inputs: prepared.inputs });
          logEvent(dir, id, 'checkpoint', { iteration: state.iteration });
          const progress: RunProgress = { iteration: state.iteration, iterations };
          job.updateProgress(progress).catch(() => {});
        },
      });
      if (run.result.interrupted) {
        // Back to the queue at once, without spending an attempt: the next worker resumes the checkpoint.
        logEvent(dir, id, 'interrupted', { iteration: run.result.iterations });
        log(`${id} (${label}): interrupted at iteration ${run.result.iterations}, checkpoint saved, back in the queue`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const wrote = writeJsonOnce(paths.results, run.results);
      logEvent(dir, id, wrote ? 'finished' : 'already-finished');
      log(`${id} (${label}): ${wrote ? 'finished' : 'finished by another worker first'}`);
      return { id, outcome: wrote ? 'finished' : 'already-finished' };
    } catch (err) {
      if (!(err instanceof DelayedError)) logEvent(dir, id, 'failed', { message: (err as Error).message ?? String(err) });
      throw err;
    } finally {
      active.delete(controller);
    }
  };

  const worker = new Worker<RunJobData, RunJobResult>(queue, processRun, workerSettings(options.connection, options));
  logErrors(worker, log);
  worker.on('failed', (job, err) => {
    if (!(err instanceof DelayedError)) log(`${job?.id ?? 'a run'}: attempt ${job?.attemptsMade ?? '?'} failed: ${err.message}`);
  });
  return {
    worker,
    async stop() {
      stopping = true;
      const closing = worker.close(); // takes no new job, waits for those in hand
      for (const c of active) c.abort();
      await closing;
    },
  };
}
