// The WebAssembly text of the GEMM kernels (build time only: scripts/build-gemm.ts assembles it into
// src/gemm/binary.ts). C[M×N] = A[M×K] · B[K×N] (+ bias[N]) (ReLU), row-major float32, on the memory of
// tfjs-backend-wasm. Register tiles of 4 rows × 8 columns; each output accumulates over k in order,
// starting from the bias, with a rounding after each multiply and each add: the order and roundings of
// XNNPACK's wasmsimd kernels, so the `simd` variant equals tfjs-backend-wasm's matMul bit for bit. The
// `fma` variant fuses each multiply-add (relaxed SIMD): faster where the CPU has FMA, not bit-equal.

/** The variants: separate multiply and add (deterministic everywhere), or relaxed fused multiply-add. */
export type GemmVariant = 'simd' | 'fma';

const lines = (xs: string[]): string => xs.join('\n');

/** Values of k per pass over C: a 256 × 256 block of B (256 KiB) stays in a core's L2 cache. */
const KC = 256;

/**
 * A function filling rows [i0, i1) in steps of `rows` and columns [j0, j1) in steps of 4 × `vectors`, over
 * the `kc` values of k from `k0`.
 */
function tile(rows: number, vectors: number, variant: GemmVariant): string {
  const width = 4 * vectors;
  const acc = (r: number, v: number): string => `$c${r}_${v}`;
  const all: [number, number][] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) all.push([r, v]);
  const madd = (r: number, v: number): string =>
    variant === 'fma'
      ? `(local.set ${acc(r, v)} (f32x4.relaxed_madd (local.get $a${r}) (local.get $b${v}) (local.get ${acc(r, v)})))`
      : `(local.set ${acc(r, v)} (f32x4.add (local.get ${acc(r, v)}) (f32x4.mul (local.get $a${r}) (local.get $b${v}))))`;
  // Row r of A at pa + r·K·4: the k-th value of each row, splat to the four lanes.
  const splat = (r: number): string => `(local.set $a${r} (v128.load32_splat (i32.add (local.get $pa) (i32.mul (i32.const ${r}) (local.get $K4)))))`;
  const out = (r: number, v: number): string =>
    `(i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $N)) (i32.add (local.get $j) (i32.const ${4 * v}))) (i32.const 2)))`;
  return lines([
    `(func $tile_${rows}x${width} (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $K i32) (param $N i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $k0 i32) (param $kc i32) (param $flags i32)`,
    '(local $i i32) (local $j i32) (local $k i32) (local $pa i32) (local $pb i32) (local $K4 i32) (local $N4 i32) (local $init v128)',
    ...Array.from({ length: vectors }, (_, v) => `(local $b${v} v128) (local $bias${v} v128)`),
    ...Array.from({ length: rows }, (_, r) => `(local $a${r} v128)`),
    ...all.map(([r, v]) => `(local ${acc(r, v)} v128)`),
    '(local.set $K4 (i32.shl (local.get $K) (i32.const 2)))',
    '(local.set $N4 (i32.shl (local.get $N) (i32.const 2)))',
    '(local.set $i (local.get $i0))',
    '(block $rows_done (loop $rows',
    `  (br_if $rows_done (i32.gt_u (i32.add (local.get $i) (i32.const ${rows})) (local.get $i1)))`,
    '  (local.set $j (local.get $j0))',
    '  (block $cols_done (loop $cols',
    `    (br_if $cols_done (i32.gt_u (i32.add (local.get $j) (i32.const ${width})) (local.get $j1)))`,
    // Accumulators start from the bias (flag 1), as XNNPACK's do, from C's partial sums over the earlier
    // blocks of k (flag 4: a float32 stored and reloaded exactly, so the order and roundings stay those of
    // one pass), or from zero.
    ...Array.from({ length: vectors }, (_, v) =>
      `    (local.set $bias${v} (if (result v128) (i32.and (local.get $flags) (i32.const 1)) (then (v128.load (i32.add (local.get $bias) (i32.shl (i32.add (local.get $j) (i32.const ${4 * v})) (i32.const 2))))) (else (v128.const i32x4 0 0 0 0))))`,
    ),
    ...all.map(([r, v]) => `    (local.set ${acc(r, v)} (if (result v128) (i32.and (local.get $flags) (i32.const 4)) (then (v128.load ${out(r, v)})) (else (local.get $bias${v}))))`),
    '    (local.set $pa (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $K)) (local.get $k0)) (i32.const 2))))',
    '    (local.set $pb (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $N)) (local.get $j)) (i32.const 2))))',
    '    (local.set $k (local.get $kc))',
    '    (if (local.get $k) (then (loop $ks',
    ...Array.from({ length: vectors }, (_, v) => `      (local.set $b${v} (v128.load offset=${16 * v} (local.get $pb)))`),
    ...Array.from({ length: rows }, (_, r) => [`      ${splat(r)}`, ...Array.from({ length: vectors }, (_, v) => `      ${madd(r, v)}`)]).flat(),
    '      (local.set $pa (i32.add (local.get $pa) (i32.const 4)))',
    '      (local.set $pb (i32.add (local.get $pb) (local.get $N4)))',
    '      (local.set $k (i32.sub (local.get $k) (i32.const 1)))',
    '      (br_if $ks (local.get $k)))))',
    // ReLU (flag 2) as max(x, 0).
    '    (if (i32.and (local.get $flags) (i32.const 2)) (then',
    ...all.map(([r, v]) => `      (local.set ${acc(r, v)} (f32x4.max (local.get ${acc(r, v)}) (v128.const f32x4 0 0 0 0)))`),
    '    ))',
    ...all.map(([r, v]) => `    (v128.store ${out(r, v)} (local.get ${acc(r, v)}))`),
    `    (local.set $j (i32.add (local.get $j) (i32.const ${width})))`,
    '    (br $cols)))',
    `  (local.set $i (i32.add (local.get $i) (i32.const ${rows})))`,
    '  (br $rows)))',
    ')',
  ]);
}

/** Columns [j0, N) of every row, one output at a time (the last N mod 4 columns). */
const scalarColumns = lines([
  '(func $columns (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $M i32) (param $K i32) (param $N i32) (param $j0 i32) (param $k0 i32) (param $kc i32) (param $flags i32)',
  '(local $i i32) (local $j i32) (local $k i32) (local $s f32) (local $pa i32) (local $pb i32)',
  '(local.set $i (i32.const 0))',
  '(block $rows_done (loop $rows',
  '  (br_if $rows_done (i32.ge_u (local.get $i) (local.get $M)))',
  '  (local.set $j (local.get $j0))',
  '  (block $cols_done (loop $cols',
  '    (br_if $cols_done (i32.ge_u (local.get $j) (local.get $N)))',
  '    (local.set $s (if (result f32) (i32.and (local.get $flags) (i32.const 4)) (then (f32.load (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))) (else (if (result f32) (i32.and (local.get $flags) (i32.const 1)) (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))) (else (f32.const 0))))))',
  '    (local.set $pa (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $K)) (local.get $k0)) (i32.const 2))))',
  '    (local.set $pb (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $N)) (local.get $j)) (i32.const 2))))',
  '    (local.set $k (local.get $kc))',
  '    (if (local.get $k) (then (loop $ks',
  '      (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))',
  '      (local.set $pa (i32.add (local.get $pa) (i32.const 4)))',
  '      (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $N) (i32.const 2))))',
  '      (local.set $k (i32.sub (local.get $k) (i32.const 1)))',
  '      (br_if $ks (local.get $k)))))',
  '    (if (i32.and (local.get $flags) (i32.const 2)) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))',
  '    (f32.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))) (local.get $s))',
  '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
  '    (br $cols)))',
  '  (local.set $i (i32.add (local.get $i) (i32.const 1)))',
  '  (br $rows)))',
  ')',
]);

/** i8x16.shuffle lanes picking 32-bit lanes `picks` (0-3: first operand, 4-7: second). */
const lanes = (picks: number[]): string => picks.flatMap((p) => [4 * p, 4 * p + 1, 4 * p + 2, 4 * p + 3]).join(' ');

/**
 * `transpose(src, dst, M, N)`: dst[N×M] = src[M×N]ᵀ for 4-byte values, in 4×4 blocks moved through
 * registers (four loads, eight shuffles, four stores), the block columns of a 16-column stripe at a
 * time so that the rows written stay in cache; the edges one value at a time.
 */
const transpose = lines([
  '(func (export "transpose") (param $src i32) (param $dst i32) (param $M i32) (param $N i32)',
  '(local $i i32) (local $j i32) (local $jb i32) (local $je i32) (local $M4 i32) (local $N4 i32) (local $p i32) (local $q i32)',
  '(local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)',
  '(local.set $M4 (i32.and (local.get $M) (i32.const -4)))',
  '(local.set $N4 (i32.and (local.get $N) (i32.const -4)))',
  '(local.set $jb (i32.const 0))',
  '(block $stripes_done (loop $stripes',
  '  (br_if $stripes_done (i32.ge_u (local.get $jb) (local.get $N4)))',
  '  (local.set $je (select (i32.add (local.get $jb) (i32.const 16)) (local.get $N4) (i32.lt_u (i32.add (local.get $jb) (i32.const 16)) (local.get $N4))))',
  '  (local.set $i (i32.const 0))',
  '  (block $rows_done (loop $rows',
  '    (br_if $rows_done (i32.ge_u (local.get $i) (local.get $M4)))',
  '    (local.set $j (local.get $jb))',
  '    (block $cols_done (loop $cols',
  '      (br_if $cols_done (i32.ge_u (local.get $j) (local.get $je)))',
  '      (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))',
  '      (local.set $r0 (v128.load (local.get $p)))',
  '      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $N) (i32.const 2))))',
  '      (local.set $r1 (v128.load (local.get $p)))',
  '      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $N) (i32.const 2))))',
  '      (local.set $r2 (v128.load (local.get $p)))',
  '      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $N) (i32.const 2))))',
  '      (local.set $r3 (v128.load (local.get $p)))',
  `      (local.set $t0 (i8x16.shuffle ${lanes([0, 4, 1, 5])} (local.get $r0) (local.get $r1)))`,
  `      (local.set $t1 (i8x16.shuffle ${lanes([2, 6, 3, 7])} (local.get $r0) (local.get $r1)))`,
  `      (local.set $t2 (i8x16.shuffle ${lanes([0, 4, 1, 5])} (local.get $r2) (local.get $r3)))`,
  `      (local.set $t3 (i8x16.shuffle ${lanes([2, 6, 3, 7])} (local.get $r2) (local.get $r3)))`,
  '      (local.set $q (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $M)) (local.get $i)) (i32.const 2))))',
  `      (v128.store (local.get $q) (i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $t0) (local.get $t2)))`,
  '      (local.set $q (i32.add (local.get $q) (i32.shl (local.get $M) (i32.const 2))))',
  `      (v128.store (local.get $q) (i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $t0) (local.get $t2)))`,
  '      (local.set $q (i32.add (local.get $q) (i32.shl (local.get $M) (i32.const 2))))',
  `      (v128.store (local.get $q) (i8x16.shuffle ${lanes([0, 1, 4, 5])} (local.get $t1) (local.get $t3)))`,
  '      (local.set $q (i32.add (local.get $q) (i32.shl (local.get $M) (i32.const 2))))',
  `      (v128.store (local.get $q) (i8x16.shuffle ${lanes([2, 3, 6, 7])} (local.get $t1) (local.get $t3)))`,
  '      (local.set $j (i32.add (local.get $j) (i32.const 4)))',
  '      (br $cols)))',
  '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
  '    (br $rows)))',
  '  (local.set $jb (local.get $je))',
  '  (br $stripes)))',
  // The edges: rows [M4, M) of every column, and columns [N4, N) of every row.
  '(local.set $i (i32.const 0))',
  '(block $ei_done (loop $ei',
  '  (br_if $ei_done (i32.ge_u (local.get $i) (local.get $M)))',
  '  (local.set $j (select (i32.const 0) (local.get $N4) (i32.ge_u (local.get $i) (local.get $M4))))',
  '  (block $ej_done (loop $ej',
  '    (br_if $ej_done (i32.ge_u (local.get $j) (local.get $N)))',
  '    (i32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $M)) (local.get $i)) (i32.const 2)))',
  '      (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2)))))',
  '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
  '    (br $ej)))',
  '  (local.set $i (i32.add (local.get $i) (i32.const 1)))',
  '  (br $ei)))',
  ')',
]);

/**
 * The module: `gemm(a, b, c, bias, M, K, N, flags)` with byte offsets into the imported memory `env.memory`
 * (`shared`: with tfjs's threaded build's maximum, to be marked shared); flags: 1 = add bias, 2 = ReLU. Blocks of
 * KC values of k; in each, tiles of 4×8, then 1×8 for the
 * last M mod 4 rows, 4×4 and 1×4 for a last group of 4 columns, then single columns. And `transpose`.
 */
export function gemmWat(variant: GemmVariant, shared: boolean): string {
  return lines([
    '(module',
    // No maximum for tfjs's growable memory; a shared memory must declare one (tfjs's: 4 GiB), and
    // scripts/build-gemm.ts marks it shared in the binary (wabt's JS build cannot).
    `(import "env" "memory" (memory 1${shared ? ' 65536' : ''}))`,
    tile(4, 2, variant),
    tile(1, 2, variant),
    tile(4, 1, variant),
    tile(1, 1, variant),
    scalarColumns,
    transpose,
    '(func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $bias i32) (param $M i32) (param $K i32) (param $N i32) (param $flags i32)',
    '(local $M4 i32) (local $N8 i32) (local $N4 i32) (local $k0 i32) (local $kc i32) (local $f i32)',
    '(local.set $M4 (i32.and (local.get $M) (i32.const -4)))',
    '(local.set $N8 (i32.and (local.get $N) (i32.const -8)))',
    '(local.set $N4 (i32.and (local.get $N) (i32.const -4)))',
    // Blocks of KC values of k, so that the block of B stays in cache (at least one pass, for K = 0):
    // the bias on the first, C's partial sums on the later ones, ReLU on the last.
    '(loop $blocks',
    `  (local.set $kc (select (i32.const ${KC}) (i32.sub (local.get $K) (local.get $k0)) (i32.lt_u (i32.const ${KC}) (i32.sub (local.get $K) (local.get $k0)))))`,
    '  (local.set $f (i32.or (select (i32.const 4) (i32.and (local.get $flags) (i32.const 1)) (local.get $k0)) (select (i32.and (local.get $flags) (i32.const 2)) (i32.const 0) (i32.ge_u (i32.add (local.get $k0) (local.get $kc)) (local.get $K)))))',
    '  (call $tile_4x8 (local.get $a) (local.get $b) (local.get $c) (local.get $bias) (local.get $K) (local.get $N) (i32.const 0) (local.get $M4) (i32.const 0) (local.get $N8) (local.get $k0) (local.get $kc) (local.get $f))',
    '  (call $tile_1x8 (local.get $a) (local.get $b) (local.get $c) (local.get $bias) (local.get $K) (local.get $N) (local.get $M4) (local.get $M) (i32.const 0) (local.get $N8) (local.get $k0) (local.get $kc) (local.get $f))',
    '  (call $tile_4x4 (local.get $a) (local.get $b) (local.get $c) (local.get $bias) (local.get $K) (local.get $N) (i32.const 0) (local.get $M4) (local.get $N8) (local.get $N4) (local.get $k0) (local.get $kc) (local.get $f))',
    '  (call $tile_1x4 (local.get $a) (local.get $b) (local.get $c) (local.get $bias) (local.get $K) (local.get $N) (local.get $M4) (local.get $M) (local.get $N8) (local.get $N4) (local.get $k0) (local.get $kc) (local.get $f))',
    '  (call $columns (local.get $a) (local.get $b) (local.get $c) (local.get $bias) (local.get $M) (local.get $K) (local.get $N) (local.get $N4) (local.get $k0) (local.get $kc) (local.get $f))',
    '  (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))',
    '  (br_if $blocks (i32.lt_u (local.get $k0) (local.get $K))))',
    ')',
    ')',
  ]);
}
