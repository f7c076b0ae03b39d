import type { StateGraph } from '@gflownet/core';
import type { DagEnvironment, DagStates } from '../index.js';
import { edgeMarginalsFromKeys, edgeMarginalsFromSamples, edgeRmse } from '../index.js';

/** Structural Hamming distance between a graph (`has(i, j)`: edge i→j) and the true adjacency. */
export function structuralHammingDistance(d: number, has: (i: number, j: number) => boolean, truth: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (has(i, j) !== (truth[i * d + j] === 1) || has(j, i) !== (truth[j * d + i] === 1)) s++;
    }
  }
  return s;
}

/** Edge-marginal RMSE and expected SHD of an exact distribution over every DAG (keys: adjacency as '0'/'1'). */
export function exactDagMetrics(env: DagEnvironment, keys: readonly string[], learned: Float64Array, target: Float64Array): Record<string, number> {
  const d = env.d;
  const out: Record<string, number> = { edgeRmse: edgeRmse(edgeMarginalsFromKeys(d, keys, learned), edgeMarginalsFromKeys(d, keys, target), d) };
  const truth = env.data.graph;
  if (truth) {
    let e = 0;
    keys.forEach((key, i) => {
      const p = learned[i] as number;
      if (p > 0) e += p * structuralHammingDistance(d, (a, b) => key.charCodeAt(a * d + b) === 49, truth);
    });
    out.expectedShd = e;
  }
  return out;
}

/** Sample-based edge marginals (one metric per edge) and expected SHD, beyond exact evaluation. */
export function sampledDagMetrics(env: DagEnvironment, samples: DagStates): Record<string, number> {
  const d = env.d;
  const marginals = edgeMarginalsFromSamples(env, samples);
  const out: Record<string, number> = { posteriorSamples: samples.n };
  const truth = env.data.graph;
  if (truth) {
    let e = 0;
    for (let s = 0; s < samples.n; s++) e += structuralHammingDistance(d, (a, b) => samples.data[s * samples.width + a * d + b] === 1, truth);
    out.expectedShd = e / samples.n;
  }
  const names = env.data.names;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) out[`edgeMarginal:${names[i]}->${names[j]}`] = marginals[i * d + j] as number;
  return out;
}

/** The top DAGs by posterior with their learned probabilities, and the edge marginals, as text. */
export function dagPicture(env: DagEnvironment, graph: StateGraph<unknown>, distribution: Float64Array, target: Float64Array): string {
  const d = env.d;
  const names = env.data.names;
  const order = Array.from({ length: graph.numStates }, (_, i) => i).sort((a, b) => (target[b] as number) - (target[a] as number));
  const edges = (key: string): string => {
    const out: string[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (key[i * d + j] === '1') out.push(`${names[i]}→${names[j]}`);
    return out.length > 0 ? out.join(' ') : '(empty)';
  };
  const lines = ['top DAGs by posterior   target    learned'];
  for (const i of order.slice(0, 8)) {
    lines.push(`  ${edges(graph.keys[i] as string).padEnd(22)}${(target[i] as number).toFixed(4).padStart(8)}${(distribution[i] as number).toFixed(4).padStart(11)}`);
  }
  const learned = edgeMarginalsFromKeys(d, graph.keys, distribution);
  const exact = edgeMarginalsFromKeys(d, graph.keys, target);
  lines.push('edge marginals (target / learned), row → column');
  lines.push(`  ${''.padEnd(6)}${names.map((n) => n.padStart(12)).join('')}`);
  for (let i = 0; i < d; i++) {
    const cells = names.map((_, j) => (i === j ? '-'.padStart(12) : `${(exact[i * d + j] as number).toFixed(2)}/${(learned[i * d + j] as number).toFixed(2)}`.padStart(12)));
    lines.push(`  ${(names[i] as string).padEnd(6)}${cells.join('')}`);
  }
  return lines.join('\n');
}
