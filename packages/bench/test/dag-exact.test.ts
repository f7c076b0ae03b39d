import { describe, expect, it } from 'vitest';
import { benchDagExact } from '../src/index.js';

describe('benchDagExact', () => {
  it('times the state graph, the posterior and one exact evaluation', async () => {
    const r = await benchDagExact({ d: 4, hidden: [16], repeats: 2 });
    // d = 4: 543 DAGs and 2016 edge-adding transitions (the spec's enumeration table).
    expect(r.numStates).toBe(543);
    expect(r.numTransitions).toBe(2016);
    expect(r.evaluateMs).toBeGreaterThan(0);
    expect(r.genericGraphMs).toBeGreaterThan(0);
    expect(r.jsd).toBeGreaterThan(0);
    expect(r.summary).toMatch(/dag exact d=4 \(543 DAGs, 2016 transitions, cpu\): evaluate/);
  });
});
