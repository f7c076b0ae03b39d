// Child process of peakInChild: prints the matMul peak of a backend (and wasm thread count) as JSON.
import type { BenchBackendName } from './backends.js';
import { selectBenchBackend } from './backends.js';
import { currentPeak } from './peak.js';

const backend = (process.argv[2] ?? 'wasm') as BenchBackendName;
const threads = Number(process.argv[3] ?? 1);
await selectBenchBackend(backend, threads);
// The pure-JavaScript cpu backend takes about a second per matMul of this size: fewer repeats.
// Exit explicitly: the threaded wasm backend's worker threads would keep the process alive.
process.stdout.write(`${JSON.stringify(currentPeak(backend === 'wasm' ? threads : null, backend === 'cpu' ? 2 : 5))}\n`, () => process.exit(0));
