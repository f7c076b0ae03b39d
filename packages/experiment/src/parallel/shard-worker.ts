// A worker thread of a threaded run (see shard-workers.ts): builds the run's parts from its config, then
// computes the shards it is sent with the parameters that come with them.
import '@tensorflow/tfjs-layers';
import { parentPort, workerData } from 'node:worker_threads';
import type { ShardOutcome, ShardParts } from '@gflownet/trainer';
import { assignPacked, computeShard } from '@gflownet/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../backends.js';
import { buildObjective, buildPolicy, buildSampler } from '../components.js';
import type { RunConfig } from '../config.js';
import { prepareExperiment } from '../run.js';
import type { ShardReply, ShardRequest } from './shard-workers.js';
import { shardUnit } from './split.js';

const port = parentPort;
if (!port) throw new Error('shard-worker.ts runs as a worker thread of a threaded run');

/** The run's parts on this thread: the same config builds the same environment, policy and variables. */
async function build(config: RunConfig): Promise<ShardParts<unknown>> {
  const unit = shardUnit(config.objective);
  if (typeof unit !== 'string') throw new Error(unit.reason);
  // One wasm thread here: the parallelism is across shards.
  await selectBackend(config.backend, { wasmGemm: config.wasmGemm });
  // Warnings about the config were shown, and its output files written, by the main thread.
  const { config: resolved, built } = await prepareExperiment(config, () => {}, { writeOutputs: false });
  const objective = buildObjective(resolved);
  const sampler = buildSampler(resolved);
  const policy = await buildPolicy(resolved, built, objective.requires.flow === true);
  const logZ = objective.requires.logZ ? tf.variable(tf.scalar(0), true) : undefined;
  // The trainer's order: the policy's groups, then log Z.
  const variables = Object.values({ ...policy.parameters(), logZ: logZ ? [logZ] : [] }).flat();
  return { env: built.env, policy, objective, sampler, ...(logZ ? { logZ } : {}), variables, unit, seed: resolved.seed };
}

function send(reply: ShardReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(reply, transfer);
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

const parts = build((workerData as { config: RunConfig }).config);
parts.then(
  (p) => send({ kind: 'ready', sizes: p.variables.map((v) => v.size) }),
  (error: unknown) => send({ kind: 'error', message: message(error) }),
);

port.on('message', async (request: ShardRequest) => {
  try {
    const p = await parts;
    assignPacked(p.variables, request.parameters);
    const outcomes: ShardOutcome[] = [];
    for (const [k, spec] of request.shards.entries()) outcomes.push(await computeShard(p, request.iteration, spec, request.spares[k]));
    const transfer = [request.parameters, ...outcomes.map((o) => o.gradients)].map((a) => a.buffer as ArrayBuffer);
    send({ kind: 'done', outcomes, parameters: request.parameters, numTensors: tf.memory().numTensors }, transfer);
  } catch (error) {
    send({ kind: 'error', message: message(error) });
  }
});
