import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hypergrid } from '../src/index.js';

const gridArb = fc.record({ ndim: fc.integer({ min: 1, max: 4 }), height: fc.integer({ min: 2, max: 6 }) });

describe('hypergrid properties', () => {
  it('a forward step followed by its inverse backward step returns the same state', () => {
    fc.assert(
      fc.property(gridArb, fc.array(fc.nat(), { maxLength: 30 }), ({ ndim, height }, choices) => {
        const env = hypergrid({ ndim, height });
        let s = env.initialStates(1);
        for (const c of choices) {
          const mask = env.forwardMask(s);
          const valid = [...mask.subarray(0, ndim).keys()].filter((a) => mask[a] === 1);
          if (valid.length === 0) break;
          const a = Int32Array.of(valid[c % valid.length] as number);
          const next = env.step(s, a);
          expect(env.stateKey(env.backwardStep(next, env.inverseForward(s, a)), 0)).toBe(env.stateKey(s, 0));
          s = next;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('masks never leave a state without an action, and never allow leaving the grid', () => {
    fc.assert(
      fc.property(gridArb, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), ({ ndim, height }, raw) => {
        const env = hypergrid({ ndim, height });
        const coords = Int32Array.from({ length: ndim }, (_, d) => (raw[d] as number) % height);
        const s = { data: coords, width: ndim, n: 1 };
        const fm = env.forwardMask(s);
        expect(fm.some((v) => v === 1)).toBe(true);
        for (let d = 0; d < ndim; d++) if (fm[d]) expect((coords[d] as number) + 1).toBeLessThan(height);
      }),
      { numRuns: 300 },
    );
  });

  it('enumerates every state exactly once', () => {
    fc.assert(
      fc.property(gridArb, ({ ndim, height }) => {
        const env = hypergrid({ ndim, height });
        const all = env.enumerate();
        const keys = new Set(Array.from({ length: all.n }, (_, i) => env.stateKey(all, i)));
        expect(keys.size).toBe(height ** ndim);
        expect(all.n).toBe(height ** ndim);
      }),
      { numRuns: 50 },
    );
  });
});
