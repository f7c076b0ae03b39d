import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsFile } from '@gflownet/experiment';
import { comparisonFigureLines, resultsTable, writeComparisonFigures, writeTextAtomic } from '@gflownet/experiment';
import type { Queue } from 'bullmq';
import type { RunJobData, RunProgress } from './protocol.js';
import { readEvents, runPaths } from './run-files.js';
import type { SweepRun, SweepSpec } from './sweep-spec.js';

/** Where a run of a sweep stands. */
export type RunState = 'finished' | 'running' | 'waiting' | 'failed' | 'not queued';

export interface RunStatus {
  readonly run: SweepRun;
  readonly state: RunState;
  /** The iteration it is at (running) or its last checkpoint's (waiting, not queued, failed). */
  readonly iteration?: number;
  /** Why it failed. */
  readonly message?: string;
  readonly results?: ResultsFile;
}

/** The last checkpoint of each run, from the sweep's log (reading checkpoints themselves would read every policy). */
function lastCheckpoints(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readEvents(dir)) if (e.event === 'checkpoint' && e.iteration !== undefined) out.set(e.run, e.iteration);
  return out;
}

/** Where every run of a sweep stands: its results file, else its job in the queue. */
export async function sweepStatus(spec: SweepSpec, runs: readonly SweepRun[], queue: Queue): Promise<RunStatus[]> {
  const checkpoints = lastCheckpoints(spec.dir);
  return Promise.all(
    runs.map(async (run): Promise<RunStatus> => {
      const { results } = runPaths(spec.dir, run.id);
      if (existsSync(results)) return { run, state: 'finished', results: JSON.parse(readFileSync(results, 'utf8')) as ResultsFile };
      const saved = checkpoints.get(run.id);
      const at = saved !== undefined ? { iteration: saved } : {};
      const job = await queue.getJob(run.id);
      if (!job) return { run, state: 'not queued', ...at };
      const state = await job.getState();
      if (state === 'active') {
        const progress = job.progress as RunProgress | number;
        return { run, state: 'running', ...(typeof progress === 'object' && progress !== null ? { iteration: progress.iteration } : at) };
      }
      if (state === 'failed') return { run, state: 'failed', message: job.failedReason, ...at };
      if (state === 'completed' || state === 'unknown') return { run, state: 'not queued', ...at };
      return { run, state: 'waiting', ...at };
    }),
  );
}

async function addRun(queue: Queue, spec: SweepSpec, run: SweepRun): Promise<void> {
  // A failed job, or a completed one without results, holds the id: removed first (an added id that exists is ignored).
  await (await queue.getJob(run.id))?.remove().catch(() => {});
  const data: RunJobData = { id: run.id, label: run.label, dir: spec.dir, config: run.config, checkpointEvery: spec.checkpointEvery };
  // The job id is the run id: a run is in the queue at most once, however often the sweep is submitted.
  await queue.add('run', data, { jobId: run.id, attempts: spec.attempts, removeOnComplete: true, removeOnFail: false });
}

/** What {@link submitSweep} did. */
export interface Submitted {
  readonly finished: number;
  readonly queued: number;
  readonly alreadyQueued: number;
}

/**
 * Puts every unfinished run of a sweep in the queue, once: finished runs (results file present) are
 * skipped, runs already waiting or running are left alone, and failed ones are queued again (their
 * checkpoint, if any, is resumed).
 */
export async function submitSweep(spec: SweepSpec, runs: readonly SweepRun[], queue: Queue): Promise<Submitted> {
  let finished = 0;
  let queued = 0;
  let alreadyQueued = 0;
  for (const status of await sweepStatus(spec, runs, queue)) {
    if (status.state === 'finished') finished++;
    else if (status.state === 'running' || status.state === 'waiting') alreadyQueued++;
    else {
      await addRun(queue, spec, status.run);
      queued++;
    }
  }
  return { finished, queued, alreadyQueued };
}

/** One line of a run's status. */
function statusLine(s: RunStatus): string {
  const m = s.results?.metrics;
  const number = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toPrecision(3));
  const detail =
    s.state === 'finished'
      ? m && m.jsd !== null ? `jsd ${number(m.jsd)}` : `logZ ${number(m?.logZ)}`
      : s.state === 'failed'
        ? (s.message ?? '')
        : s.iteration !== undefined
          ? `iteration ${s.iteration} of ${s.run.config.budget.iterations}`
          : '';
  return `${s.run.id}  ${s.state.padEnd(10)}  ${s.run.label}${detail ? `  ${detail}` : ''}`;
}

/** `gfn sweep --status`: a count per state, then one line per run. */
export function formatStatus(spec: SweepSpec, statuses: readonly RunStatus[]): string {
  const count = (state: RunState): number => statuses.filter((s) => s.state === state).length;
  const states: RunState[] = ['finished', 'running', 'waiting', 'failed', 'not queued'];
  const head = `sweep ${spec.file} (${spec.dir}): ${statuses.length} runs: ${states.map((s) => `${count(s)} ${s}`).join(', ')}`;
  return [head, ...statuses.map(statusLine)].join('\n');
}

/**
 * Waits until every run is finished or failed, saying so as each one does (`say`); a run whose job
 * vanished (Redis restarted without persistence) is queued again and resumes from its checkpoint.
 */
export async function waitForSweep(spec: SweepSpec, runs: readonly SweepRun[], queue: Queue, say: (line: string) => void, pollMs = 1000): Promise<RunStatus[]> {
  const told = new Set<string>();
  for (;;) {
    const statuses = await sweepStatus(spec, runs, queue);
    for (const s of statuses) {
      if ((s.state === 'finished' || s.state === 'failed') && !told.has(s.run.id)) {
        told.add(s.run.id);
        say(`[${told.size}/${runs.length}] ${statusLine(s)}`);
      }
      if (s.state === 'not queued' && !existsSync(runPaths(spec.dir, s.run.id).results)) {
        say(`${s.run.id}: its job is gone from the queue (Redis restarted?): queued again`);
        await addRun(queue, spec, s.run);
      }
    }
    if (statuses.every((s) => s.state === 'finished' || s.state === 'failed')) return statuses;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * The sweep's report, with the table and figure code of `gfn compare`: `DIR/results.md` (a row per
 * grid point but the seed: final and lowest JSD, log Z error, time; then every run), `DIR/curves.svg`
 * and `DIR/jsd.svg`. Resolves to the table.
 */
export async function writeSweepReport(spec: SweepSpec, statuses: readonly RunStatus[], command: string): Promise<string> {
  const groups = [...new Set(statuses.map((s) => s.run.group))];
  const byGroup = new Map<string, ResultsFile[]>(groups.map((g) => [g, []]));
  for (const s of statuses) if (s.results) byGroup.get(s.run.group)?.push(s.results);
  const perGroup = Math.max(...groups.map((g) => statuses.filter((s) => s.run.group === g).length));
  const table = resultsTable(groups, byGroup, perGroup);
  const failed = statuses.filter((s) => s.state === 'failed');
  const finished = statuses.filter((s) => s.state === 'finished').length;
  const figures = await writeComparisonFigures(spec.dir, groups, byGroup, 'Training curves (mean over seeds; band: min–max)');
  const md = [
    `# Sweep ${spec.file}`,
    '',
    `Produced by \`${command}\`: ${statuses.length} runs (${spec.grid.map(([k, v]) => `${k} × ${v.length}`).join(', ') || 'the base config'}), ${finished} finished${failed.length > 0 ? `, ${failed.length} failed` : ''}. Rows: the grid values but the seed.`,
    '',
    table,
    '',
    ...(failed.length > 0 ? ['Failed runs (left out of the table and the plots):', '', ...failed.map((s) => `- ${s.run.label}: ${s.message ?? ''}`), ''] : []),
    ...comparisonFigureLines(figures),
    '| run | grid values | state | results |',
    '|---|---|---|---|',
    ...statuses.map((s) => `| ${s.run.id} | ${s.run.label} | ${s.state} | ${s.results ? `runs/${s.run.id}.json` : ''} |`),
    '',
  ].join('\n');
  writeTextAtomic(join(spec.dir, 'results.md'), md);
  return table;
}
