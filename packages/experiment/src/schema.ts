import type { EnvironmentExperiment } from '@gflownet/core';
import { z } from 'zod';
import { RunConfigSchema } from './config.js';
import { settingsSchema } from './resolve.js';

/**
 * The JSON Schema of a run config, for editors and `--config` files. With `environments`, the `env`
 * part becomes a choice of their setting schemas (by `name`); without, it accepts any settings.
 */
export function runConfigJsonSchema(environments: readonly EnvironmentExperiment[] = []): Record<string, unknown> {
  const envSchemas = environments.map((e) => settingsSchema(e.settings).extend({ name: z.literal(e.name) }));
  const schema =
    envSchemas.length === 0
      ? RunConfigSchema
      : RunConfigSchema.extend({ env: envSchemas.length === 1 ? (envSchemas[0] as z.ZodObject) : z.union(envSchemas as unknown as [z.ZodObject, z.ZodObject]) });
  return { $id: 'https://gflownet-ts.dev/schemas/run-config.json', title: 'gflownet-ts run config', ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}
