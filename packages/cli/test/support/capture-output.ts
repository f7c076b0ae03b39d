import { afterEach, beforeEach, vi } from 'vitest';

/** What the CLI wrote to stdout and stderr during the current test (reset before each test). */
export interface CapturedOutput {
  out: string;
  err: string;
}

/** Captures process.stdout and process.stderr for every test of the calling file. */
export function captureOutput(): CapturedOutput {
  const io: CapturedOutput = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      io.out += String(s);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      io.err += String(s);
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return io;
}
