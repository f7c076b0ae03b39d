/** Recomputes the transposed transitive closure of an adjacency (`d·d` bytes at `a`) into `c`. */
export function closureOf(a: ArrayLike<number>, d: number, c: Uint8Array): void {
  for (let x = 0; x < d; x++) for (let y = 0; y < d; y++) c[x * d + y] = x === y || a[y * d + x] ? 1 : 0;
  // Warshall: a path y ⇝ k and k ⇝ x gives y ⇝ x.
  for (let k = 0; k < d; k++) {
    for (let x = 0; x < d; x++) {
      if (!c[x * d + k]) continue;
      for (let y = 0; y < d; y++) if (c[k * d + y]) c[x * d + y] = 1;
    }
  }
}
