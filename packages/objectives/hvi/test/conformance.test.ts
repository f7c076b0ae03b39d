import type { Baseline, HviKind, ImportanceWeighting } from '../src/index.js';
import { hviObjective } from '../src/index.js';
import { describeObjective } from '@gflownet/testing';
import type { Divergence } from '@gflownet/testing';

// The HVI losses are surrogates: their gradients, on a batch that is an exact expectation, are those
// of the divergences of Malkin et al. (2023), Table 1 (P_F's parameters by the first, P_B's by the second).
const divergences: Record<HviKind, { forward: Divergence; backward: Divergence }> = {
  rkl: { forward: 'reverse-kl', backward: 'reverse-kl' },
  fkl: { forward: 'forward-kl', backward: 'forward-kl' },
  ws: { forward: 'forward-kl', backward: 'reverse-kl' },
  rws: { forward: 'reverse-kl', backward: 'forward-kl' },
};
const variants: [Baseline, ImportanceWeighting][] = [
  ['global', 'plain'],
  ['local', 'self-normalized'],
  ['batch-mean', 'plain'],
];
for (const kind of ['rkl', 'fkl', 'ws', 'rws'] as const) {
  for (const [baseline, importanceWeighting] of variants) {
    describeObjective(`${kind} (baseline ${baseline}, ${importanceWeighting} weights)`, () => hviObjective(kind, { baseline, importanceWeighting }), {
      surrogate: divergences[kind],
    });
  }
}
