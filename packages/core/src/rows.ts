/** Typed arrays that can hold a batch of fixed-width states. */
export type RowArray = Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Float32Array | Float64Array;

/**
 * A batch of fixed-width states stored row-major in one typed array: state `i` is
 * `data[i * width .. (i + 1) * width)`. Many environments can use it as their batch type.
 */
export interface Rows<T extends RowArray = Int32Array> {
  readonly data: T;
  readonly width: number;
  readonly n: number;
}

function allocLike<T extends RowArray>(data: T, length: number): T {
  return new (data.constructor as new (length: number) => T)(length);
}

/** The rows at `indices`, copied into a new batch. */
export function selectRows<T extends RowArray>(rows: Rows<T>, indices: ArrayLike<number>): Rows<T> {
  const { width, data } = rows;
  const out = allocLike(data, indices.length * width);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!(i >= 0 && i < rows.n)) throw new RangeError(`selectRows: index ${i} out of range [0, ${rows.n})`);
    out.set(data.subarray(i * width, (i + 1) * width) as never, k * width);
  }
  return { data: out, width, n: indices.length };
}

/** One batch holding the given batches in order (all of the same width). */
export function concatRows<T extends RowArray>(batches: readonly Rows<T>[], empty: Rows<T>): Rows<T> {
  if (batches.length === 0) return empty;
  const width = (batches[0] as Rows<T>).width;
  let n = 0;
  for (const b of batches) {
    if (b.width !== width) throw new RangeError(`concatRows: widths differ (${width} and ${b.width})`);
    n += b.n;
  }
  const out = allocLike((batches[0] as Rows<T>).data, n * width);
  let o = 0;
  for (const b of batches) {
    out.set(b.data.subarray(0, b.n * width) as never, o);
    o += b.n * width;
  }
  return { data: out, width, n };
}
