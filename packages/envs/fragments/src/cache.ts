/**
 * A map that forgets its oldest entries beyond `capacity` (insertion order). Fragment states recur
 * often (near s0, and between `inverseForward`, `step` and the next `backwardMask`), so masks, parents
 * and children are memoised by state key.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  /** The cached value, or `make()` stored under `key`. */
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const v = make();
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return v;
  }

  get size(): number {
    return this.map.size;
  }
}
