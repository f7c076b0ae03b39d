import type { HistoryRecord, IterationInfo } from '@gflownet/trainer';

/** Progress reporting: a redrawn bar on a terminal, plain lines otherwise. */
export interface Progress {
  iteration(info: IterationInfo): void;
  evaluation(record: HistoryRecord): void;
  done(): void;
}

function fmt(v: number | undefined | null, digits = 3): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  return Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(2) : v.toFixed(digits);
}

/** Makes a progress reporter writing to `stream` (stderr by default). Silent when `quiet`. */
export function progress(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (quiet) return { iteration() {}, evaluation() {}, done() {} };
  const tty = stream.isTTY === true;
  const start = performance.now();
  let last: HistoryRecord | undefined;
  let lastDraw = 0;
  const draw = (it: number, total: number, loss: number): void => {
    const now = performance.now();
    if (now - lastDraw < 100 && it < total) return;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((width * it) / total);
    const rate = it / ((now - start) / 1000);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${it}/${total}  loss ${fmt(loss)}  jsd ${fmt(last?.jsd)}  ${rate.toFixed(1)} it/s`;
    stream.write(`\r${line}\x1b[K`);
  };
  return {
    iteration(info) {
      if (tty) draw(info.iteration, info.iterations, info.loss);
    },
    evaluation(record) {
      last = record;
      if (!tty) {
        const parts = [`iteration ${record.iteration}`, `loss ${fmt(record.loss)}`, `logZ ${fmt(record.logZ)}`];
        if (record.jsd !== undefined) parts.push(`jsd ${fmt(record.jsd)}`, `l1 ${fmt(record.l1)}`);
        parts.push(`${record.seconds.toFixed(1)} s`);
        stream.write(`${parts.join('  ')}\n`);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
