/** A float as JSON can hold it: NaN becomes `null`, ±Infinity the strings `"Infinity"` / `"-Infinity"`. */
export type JsonFloat = number | null | 'Infinity' | '-Infinity';

/** Encodes floats as a plain JSON array (NaN and infinities survive the round trip). */
export function encodeFloats(a: ArrayLike<number>): JsonFloat[] {
  const out = new Array<JsonFloat>(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    out[i] = Number.isNaN(v) ? null : v === Number.POSITIVE_INFINITY ? 'Infinity' : v === Number.NEGATIVE_INFINITY ? '-Infinity' : v;
  }
  return out;
}

/** Encodes integers (masks, actions) as a plain JSON array. */
export function encodeInts(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

type FloatCtor<T> = new (values: number[]) => T;

/** Decodes {@link encodeFloats} output into a typed array; `what` names the field in errors. */
export function decodeFloats<T extends Float32Array | Float64Array>(x: unknown, ctor: FloatCtor<T>, what: string): T {
  if (!Array.isArray(x)) throw new TypeError(`replay state: ${what} must be an array`);
  return new ctor(
    x.map((v, i) => {
      if (v === null) return Number.NaN;
      if (v === 'Infinity') return Number.POSITIVE_INFINITY;
      if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
      if (typeof v !== 'number') throw new TypeError(`replay state: ${what}[${i}] must be a number, got ${JSON.stringify(v)}`);
      return v;
    }),
  );
}

/** Decodes {@link encodeInts} output into a typed array, checking every entry is an integer in range. */
export function decodeInts<T extends Int32Array | Uint8Array>(
  x: unknown,
  ctor: new (values: number[]) => T,
  what: string,
  min: number,
  max: number,
): T {
  if (!Array.isArray(x)) throw new TypeError(`replay state: ${what} must be an array`);
  x.forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
      throw new RangeError(`replay state: ${what}[${i}] must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
  });
  return new ctor(x as number[]);
}
