import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

export const ROOT: string = new URL('../../../../', import.meta.url).pathname;

/** A `gfn` child process (from source), its output kept. */
export interface GfnProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves to the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<number | string>;
}

export function gfn(args: readonly string[], env: Record<string, string> = {}): GfnProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@gflownet/source', 'packages/cli/src/bin.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code ?? -1)));
  return {
    child,
    pid: child.pid as number,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `check` every 20 ms until it is true, or fails after `ms` saying `what`. */
export async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
