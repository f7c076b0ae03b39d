import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const conditions = ['@gflownet/source', 'module', 'node', 'development|production'];
const setupFiles = [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    setupFiles,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './vitest.summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'packages', include: ['packages/**/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'] } },
    ],
  },
});
