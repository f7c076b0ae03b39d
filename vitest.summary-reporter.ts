import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** The first line of an error's message, for a one-line failure record. */
function firstLine(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? '';
}

/**
 * Prints one line per failure (`failed test: <file> > <name>: <error>`, `unhandled error: <error>`), one per
 * pass on retry (`flaky test: …`), and one plain closing line, `tests: N passed, M failed[, K skipped]`, which
 * CI reads (vitest's own summary is not recognised there). scripts/test-all.mjs repeats the first lines at the
 * very end, where CI's excerpt of the log is sure to show them.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const lines: string[] = [];
    for (const m of testModules) {
      const file = relative(process.cwd(), m.moduleId);
      // A file that failed to load has no tests but is a failure.
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) {
        failed++;
        lines.push(`failed test: ${file}: ${firstLine(m.errors()[0])}`);
      }
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') {
          passed++;
          // Only tests that race the OS (kill -9 at a moment) have a retry; a pass on retry is still said.
          const retries = t.diagnostic()?.retryCount ?? 0;
          if (retries > 0) lines.push(`flaky test: ${file} > ${t.fullName}: passed on retry ${retries}`);
        }
        else if (r.state === 'failed') {
          failed++;
          lines.push(`failed test: ${file} > ${t.fullName}: ${firstLine(r.errors?.[0])}`);
        } else skipped++;
      }
    }
    for (const e of unhandledErrors) lines.push(`unhandled error: ${firstLine(e)}`);
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\n${lines.map((l) => `${l}\n`).join('')}tests: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
