import { describe, expect, it } from 'vitest';
import { concatRows, selectRows } from '../src/index.js';

describe('Rows', () => {
  const rows = { data: Int32Array.from([1, 2, 3, 4, 5, 6]), width: 2, n: 3 };
  it('selects and concatenates rows', () => {
    const s = selectRows(rows, [2, 0]);
    expect([...s.data]).toEqual([5, 6, 1, 2]);
    const c = concatRows([s, rows], { data: new Int32Array(0), width: 2, n: 0 });
    expect(c.n).toBe(5);
    expect([...c.data]).toEqual([5, 6, 1, 2, 1, 2, 3, 4, 5, 6]);
  });
  it('rejects out-of-range indices and mixed widths', () => {
    expect(() => selectRows(rows, [3])).toThrow(/out of range/);
    expect(() => concatRows([rows, { data: new Int32Array(3), width: 3, n: 1 }], rows)).toThrow(/widths differ/);
  });
});
