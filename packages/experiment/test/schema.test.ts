import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ENVIRONMENTS, runConfigJsonSchema } from '../src/index.js';

describe('run-config.schema.json', () => {
  it('is up to date with the schema in the code (regenerate: pnpm --filter @gflownet/experiment schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../run-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(runConfigJsonSchema(BUILT_IN_ENVIRONMENTS))));
  });
});
