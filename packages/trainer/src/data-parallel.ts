import type { Environment, Objective, Policy, Sampler, TrajectoryBatch } from '@gflownet/core';
import { Random } from '@gflownet/core';
import * as tf from '@tensorflow/tfjs-core';
import { DivergenceError, divergenceMessage } from './divergence.js';

/**
 * Data-parallel training: each iteration's batch is split into shards, one per thread. Every shard is
 * sampled with its own generator, seeded from (seed, iteration, shard), and differentiated where it was
 * sampled; the shards' gradients are combined in shard order, weighted so that they add up to the
 * gradient of the whole batch's loss. Results are reproducible for a given seed and thread count, and
 * differ between thread counts (the sampling streams differ).
 */

/**
 * What an objective's loss averages over, so that shard losses combine into the batch's: trajectories
 * (TB, SubTB weighted within trajectories), rows (every transition, stop included: DB) or non-stop
 * rows (modified DB).
 */
export type ShardUnit = 'trajectories' | 'rows' | 'non-stop-rows';

/** One shard of an iteration: its index (0 is the trainer's own) and its number of trajectories. */
export interface ShardSpec {
  readonly shard: number;
  readonly n: number;
}

/** A shard's result: everything the trainer needs from it. */
export interface ShardOutcome {
  /** The objective's loss on the shard (its mean over the shard's units). */
  readonly loss: number;
  /** Units the shard's loss averages over (see {@link ShardUnit}). */
  readonly units: number;
  /** Gradients of the shard's loss, every variable's in order, packed into one array. */
  readonly gradients: Float32Array;
  /** Indices of the variables the loss does not depend on (their packed entries are 0). */
  readonly missing: readonly number[];
  /** The divergence diagnostic, when the shard's loss is not finite. */
  readonly divergence?: string;
}

/** Shards computed elsewhere, e.g. in worker threads. */
export interface RemoteShards {
  /**
   * Sets the parameters (packed, as {@link packValues} packs them; the caller reuses the array once the
   * call has returned) and computes these shards of `iteration`, in the order asked. The outcomes'
   * gradient arrays may be reused by the next call.
   */
  compute(iteration: number, parameters: Float32Array, shards: readonly ShardSpec[]): Promise<ShardOutcome[]>;
}

/** The `parallel` option of `train`. */
export interface ParallelTraining {
  /** Shards per iteration, one per thread (at least 2): shard 0 runs on the trainer's thread, the others on `remote`. */
  readonly threads: number;
  readonly unit: ShardUnit;
  readonly remote: RemoteShards;
}

/** The parts a shard is computed with (on any thread: the same run config builds the same parts). */
export interface ShardParts<S> {
  readonly env: Environment<S>;
  readonly policy: Policy;
  readonly objective: Objective;
  readonly sampler: Sampler;
  readonly logZ?: tf.Variable;
  /** The trainable variables, in the trainer's order (forward, backward, flow, log Z). */
  readonly variables: readonly tf.Variable[];
  readonly unit: ShardUnit;
  /** The run's seed. */
  readonly seed: number;
}

/** The seed of a shard's sampling generator: a hash of the run's seed, the iteration and the shard. */
export function shardSeed(seed: number, iteration: number, shard: number): number {
  let h = (seed ^ Math.floor(seed / 0x100000000) ^ 0x3c6ef372) >>> 0;
  for (const v of [iteration, shard]) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/**
 * Trajectories per shard: as even as possible, the larger shards last (shard 0, on the trainer's
 * thread, also combines the gradients and steps the optimisers).
 */
export function shardSizes(batchSize: number, threads: number): number[] {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (batchSize < threads) throw new RangeError(`a batch of ${batchSize} cannot be split over ${threads} threads (at least one trajectory each)`);
  return Array.from({ length: threads }, (_, k) => Math.floor(batchSize / threads) + (threads - 1 - k < batchSize % threads ? 1 : 0));
}

/** How many values `variables` hold together. */
export function packedSize(variables: readonly tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

// Every iteration moves the parameters and the gradients between threads (4 MB each for the fragments
// MLP): arrays are reused rather than allocated, since fresh ArrayBuffers of that size make V8 collect
// garbage several times as often.

/** The wasm backend's view of its memory (tfjs-backend-wasm 4.x), where it has one. */
interface WasmMemory {
  getMemoryOffset(dataId: object): number;
  readonly wasm: { readonly HEAPU8: Uint8Array };
}

/**
 * Copies a float32 tensor's values into `out` at `at`. On wasm straight from its memory: `dataSync`
 * would allocate a fresh array of the tensor's size on every read.
 */
export function readInto(tensor: tf.Tensor, out: Float32Array, at: number): void {
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as Partial<WasmMemory>) : undefined;
  if (tensor.dtype === 'float32' && backend?.getMemoryOffset && backend.wasm?.HEAPU8) {
    const heap = backend.wasm.HEAPU8;
    out.set(new Float32Array(heap.buffer, heap.byteOffset + backend.getMemoryOffset(tensor.dataId), tensor.size), at);
  } else out.set(tensor.dataSync() as Float32Array, at);
}

/** The values of `variables`, packed into one array in order (into `out` when given). */
export function packValues(variables: readonly tf.Variable[], out: Float32Array = new Float32Array(packedSize(variables))): Float32Array {
  let at = 0;
  for (const v of variables) {
    readInto(v, out, at);
    at += v.size;
  }
  return out;
}

const keepsArrays = new Map<string, boolean>();

/** Whether the backend's tensors keep the array they are made from (cpu) rather than copy it (wasm). */
function tensorsKeepArrays(): boolean {
  const name = tf.getBackend();
  let kept = keepsArrays.get(name);
  if (kept === undefined) {
    const probe = new Float32Array(1);
    const t = tf.tensor(probe);
    probe[0] = 1;
    kept = t.dataSync()[0] === 1;
    t.dispose();
    keepsArrays.set(name, kept);
  }
  return kept;
}

/** Assigns packed values (see {@link packValues}) to `variables`; `packed` may be reused afterwards. */
export function assignPacked(variables: readonly tf.Variable[], packed: Float32Array): void {
  const total = packedSize(variables);
  if (packed.length !== total) throw new RangeError(`${packed.length} packed parameters for variables of ${total} values`);
  const copy = tensorsKeepArrays();
  let at = 0;
  for (const v of variables) {
    const values = copy ? packed.slice(at, at + v.size) : packed.subarray(at, at + v.size);
    const value = tf.tensor(values, v.shape, 'float32');
    v.assign(value);
    value.dispose();
    at += v.size;
  }
}

/**
 * The loss of `batch` and its gradients, packed (into `into` when given); the divergence diagnostic
 * instead when the loss is not finite.
 */
export function shardGradients<S>(parts: ShardParts<S>, batch: TrajectoryBatch<S>, iteration: number, into?: Float32Array): ShardOutcome {
  const { env, policy, objective, logZ, variables } = parts;
  const { value, grads } = tf.variableGrads(() => objective.loss({ policy, batch, env, ...(logZ ? { logZ } : {}) }), variables as tf.Variable[]);
  const loss = value.dataSync()[0] as number;
  value.dispose();
  const units = parts.unit === 'trajectories' ? batch.numTrajectories : parts.unit === 'rows' ? batch.numRows : batch.numRows - batch.numTrajectories;
  if (!Number.isFinite(loss)) {
    tf.dispose(grads);
    const logZValue = logZ ? (logZ.dataSync()[0] as number) : null;
    return { loss, units, gradients: new Float32Array(0), missing: [], divergence: divergenceMessage(objective.name, loss, iteration, logZValue, env, batch) };
  }
  const size = packedSize(variables);
  const gradients = into?.length === size ? into : new Float32Array(size);
  const missing: number[] = [];
  let at = 0;
  variables.forEach((v, i) => {
    const g = grads[v.name];
    if (g) readInto(g, gradients, at);
    else {
      gradients.fill(0, at, at + v.size);
      missing.push(i);
    }
    at += v.size;
  });
  tf.dispose(grads);
  return { loss, units, gradients, missing };
}

/** The trajectories of one shard of `iteration`, sampled with the shard's own generator. */
export function sampleShard<S>(parts: ShardParts<S>, iteration: number, spec: ShardSpec): Promise<TrajectoryBatch<S>> {
  const random = new Random(shardSeed(parts.seed, iteration, spec.shard));
  const recordStateLogRewards = parts.objective.requires.stateLogRewards === true;
  return parts.sampler.sample({ env: parts.env, policy: parts.policy, n: spec.n, random, iteration, recordStateLogRewards });
}

/** Samples one shard of `iteration` and returns its loss and gradients (packed into `into` when given). */
export async function computeShard<S>(parts: ShardParts<S>, iteration: number, spec: ShardSpec, into?: Float32Array): Promise<ShardOutcome> {
  return shardGradients(parts, await sampleShard(parts, iteration, spec), iteration, into);
}

/**
 * The batch's loss and packed gradients from its shards' (in shard order): each shard weighs
 * units/total, so the sum is the gradient of the mean over the whole batch. The sum is made in the
 * first shard's array (which it overwrites). A shard that diverged throws its {@link DivergenceError}.
 */
export function combineShards(outcomes: readonly ShardOutcome[]): { loss: number; gradients: Float32Array; missing: Set<number> } {
  const diverged = outcomes.find((o) => o.divergence !== undefined);
  if (diverged?.divergence !== undefined) throw new DivergenceError(diverged.divergence);
  const total = outcomes.reduce((n, o) => n + o.units, 0);
  // No unit at all (modified DB on trajectories that only stop): every shard's loss is 0.
  const weights = outcomes.map((o) => (total > 0 ? o.units / total : 0));
  const first = outcomes[0] as ShardOutcome;
  const out = first.gradients;
  const w0 = weights[0] as number;
  const second = outcomes[1]?.gradients;
  const w1 = weights[1] ?? 0;
  // One pass for the first two shards (the usual case: 2 threads), then one per further shard.
  if (second) for (let i = 0; i < out.length; i++) out[i] = w0 * (out[i] as number) + w1 * (second[i] as number);
  else for (let i = 0; i < out.length; i++) out[i] = w0 * (out[i] as number);
  for (let k = 2; k < outcomes.length; k++) {
    const g = (outcomes[k] as ShardOutcome).gradients;
    const w = weights[k] as number;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + w * (g[i] as number);
  }
  const loss = outcomes.reduce((sum, o, k) => sum + (weights[k] as number) * o.loss, 0);
  // A variable without a gradient in every shard has none at all (the optimiser then leaves it alone).
  const missing = new Set(first.missing.filter((i) => outcomes.every((o) => o.missing.includes(i))));
  return { loss, gradients: out, missing };
}

/** One training step's loss and gradients (tensors the caller disposes), and when its sampling ended. */
export interface GradientStep {
  readonly loss: number;
  readonly grads: tf.NamedTensorMap;
  /** `performance.now()` in seconds once this thread's sampling ended. */
  readonly sampledAt: number;
}

/**
 * The trainer's step with threads: sends the parameters to the other shards, computes shard 0 here
 * meanwhile, then combines. The parts must be stateless (a replay buffer is not split over threads).
 */
export function parallelSteps<S>(parallel: ParallelTraining, parts: ShardParts<S>, batchSize: number): (iteration: number) => Promise<GradientStep> {
  if (!(Number.isInteger(parallel.threads) && parallel.threads >= 2)) throw new RangeError(`parallel training needs at least 2 threads, got ${parallel.threads}`);
  if (parts.sampler.getState) throw new RangeError(`parallel training needs a sampler without state; ${parts.sampler.name} keeps one (e.g. a replay buffer), train it with 1 thread`);
  const specs = shardSizes(batchSize, parallel.threads).map((n, shard) => ({ shard, n }));
  const parameters = new Float32Array(packedSize(parts.variables));
  // Shard 0's gradients, then their sum: the gradient tensors made from it are disposed before the next step.
  const gradientBuffer = new Float32Array(parameters.length);
  return async (iteration) => {
    const remote = parallel.remote.compute(iteration, packValues(parts.variables, parameters), specs.slice(1));
    // A failure here must not leave the remote promise unobserved.
    remote.catch(() => {});
    const batch = await sampleShard(parts, iteration, specs[0] as ShardSpec);
    const sampledAt = performance.now() / 1000;
    const local = shardGradients(parts, batch, iteration, gradientBuffer);
    const { loss, gradients, missing } = combineShards([local, ...(await remote)]);
    const grads: tf.NamedTensorMap = {};
    let at = 0;
    parts.variables.forEach((v, i) => {
      if (!missing.has(i)) grads[v.name] = tf.tensor(gradients.subarray(at, at + v.size), v.shape, 'float32');
      at += v.size;
    });
    return { loss, grads, sampledAt };
  };
}
