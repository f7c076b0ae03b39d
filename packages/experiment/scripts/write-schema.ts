// Writes run-config.schema.json (the JSON Schema of a run config with the built-in environments), for
// editors and `gfn train --config` files. Run with `pnpm --filter @gflownet/experiment schema`; a test
// checks that the committed file is up to date.
import { BUILT_IN_ENVIRONMENTS, runConfigJsonSchema, writeJsonAtomic } from '../src/index.js';

writeJsonAtomic(new URL('../run-config.schema.json', import.meta.url).pathname, runConfigJsonSchema(BUILT_IN_ENVIRONMENTS));
