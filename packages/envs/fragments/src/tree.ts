/**
 * Fragment trees in canonical normal form. A state is a tree whose nodes are fragment types and
 * whose edges join a stem of one node to a stem of the other (local stem indices on both sides).
 * Isomorphic trees get the same normal form: nodes are laid out in depth-first order from a
 * canonical root (a tree center), children in the order of their canonical encodings (AHU-style
 * strings). So a state's row is its canonical key, and two trees are the same state exactly when
 * their rows are equal.
 *
 * Row layout (width `1 + 4 * maxFragments`): `[n, then per slot: type, parent slot, stem on the
 * parent, stem on this node]`; the root's parent fields are −1, unused slots are all −1.
 */

/** One junction: local stem `su` of node `u` bonded to local stem `sv` of node `v`. */
export interface TreeEdge {
  readonly u: number;
  readonly su: number;
  readonly v: number;
  readonly sv: number;
}

/** A fragment tree in any node order. */
export interface TreeSpec {
  readonly types: readonly number[];
  readonly edges: readonly TreeEdge[];
}

interface Arc {
  readonly to: number;
  readonly mine: number;
  readonly theirs: number;
}

/** Row width for trees of at most `maxFragments` nodes. */
export function rowWidth(maxFragments: number): number {
  return 1 + 4 * maxFragments;
}

function adjacency(spec: TreeSpec): Arc[][] {
  const adj: Arc[][] = spec.types.map(() => []);
  for (const e of spec.edges) {
    (adj[e.u] as Arc[]).push({ to: e.v, mine: e.su, theirs: e.sv });
    (adj[e.v] as Arc[]).push({ to: e.u, mine: e.sv, theirs: e.su });
  }
  return adj;
}

/** Canonical encodings of a tree, memoised per directed edge. */
class Encoder {
  private readonly memo = new Map<number, string>();
  constructor(
    private readonly types: readonly number[],
    readonly adj: readonly Arc[][],
  ) {}

  /** The encoding of the subtree at `v` entered from `p` (−1: `v` is the root) through `label`. */
  enc(v: number, p: number, label: string): string {
    const key = v * 1024 + (p + 1);
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const parts: string[] = [];
    for (const a of this.adj[v] as Arc[]) if (a.to !== p) parts.push(this.enc(a.to, v, `${a.mine}-${a.theirs}:`));
    parts.sort();
    const s = `${label}${this.types[v]}(${parts.join(',')})`;
    this.memo.set(key, s);
    return s;
  }

  /** The encoding of the whole tree rooted at `v`. */
  rooted(v: number): string {
    return this.enc(v, -1, 'r');
  }

  /** Children of `v` (entered from `p`) with their encodings, in canonical order. */
  children(v: number, p: number): { arc: Arc; code: string }[] {
    const out: { arc: Arc; code: string }[] = [];
    for (const a of this.adj[v] as Arc[]) if (a.to !== p) out.push({ arc: a, code: this.enc(a.to, v, `${a.mine}-${a.theirs}:`) });
    out.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    return out;
  }
}

/** The one or two centers of a tree (leaves peeled until at most two nodes remain). */
function centers(adj: readonly Arc[][]): number[] {
  const n = adj.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const degree = adj.map((a) => a.length);
  let leaves: number[] = [];
  for (let i = 0; i < n; i++) if (degree[i] === 1) leaves.push(i);
  let remaining = n;
  while (remaining > 2) {
    remaining -= leaves.length;
    const next: number[] = [];
    for (const leaf of leaves) {
      degree[leaf] = 0;
      for (const a of adj[leaf] as Arc[]) {
        if ((degree[a.to] as number) > 0) {
          degree[a.to] = (degree[a.to] as number) - 1;
          if (degree[a.to] === 1) next.push(a.to);
        }
      }
    }
    leaves = next;
  }
  return leaves;
}

/** The normal-form row of a tree and where each of its nodes went. */
export interface Canonical {
  readonly row: Int32Array;
  /** `slotOf[i]`: slot of input node `i` in the row. */
  readonly slotOf: Int32Array;
}

/** Lays out a tree in canonical normal form (see the module comment). */
export function canonicalize(spec: TreeSpec, maxFragments: number): Canonical {
  const n = spec.types.length;
  if (n > maxFragments) throw new RangeError(`fragment tree has ${n} fragments, more than maxFragments ${maxFragments}`);
  if (spec.edges.length !== Math.max(0, n - 1))
    throw new RangeError(`fragment tree with ${n} fragments must have ${Math.max(0, n - 1)} junctions, got ${spec.edges.length}`);
  const row = new Int32Array(rowWidth(maxFragments)).fill(-1);
  row[0] = n;
  const slotOf = new Int32Array(n).fill(-1);
  if (n === 0) return { row, slotOf };
  const adj = adjacency(spec);
  const encoder = new Encoder(spec.types, adj);
  let root = -1;
  let best = '';
  for (const c of centers(adj)) {
    const code = encoder.rooted(c);
    if (root < 0 || code < best) {
      root = c;
      best = code;
    }
  }
  let next = 0;
  const visit = (v: number, p: number, parentSlot: number, parentStem: number, selfStem: number): void => {
    const slot = next++;
    slotOf[v] = slot;
    row[1 + 4 * slot] = spec.types[v] as number;
    row[2 + 4 * slot] = parentSlot;
    row[3 + 4 * slot] = parentStem;
    row[4 + 4 * slot] = selfStem;
    for (const { arc } of encoder.children(v, p)) visit(arc.to, v, slot, arc.mine, arc.theirs);
  };
  visit(root, -1, -1, -1, -1);
  if (next !== n) throw new RangeError(`fragment tree is not connected (${next} of ${n} fragments reachable)`);
  return { row, slotOf };
}

/** The tree held in a normal-form row (nodes in slot order). */
export function specOf(row: Int32Array, offset = 0): TreeSpec {
  const n = row[offset] as number;
  const types: number[] = [];
  const edges: TreeEdge[] = [];
  for (let i = 0; i < n; i++) {
    types.push(row[offset + 1 + 4 * i] as number);
    const p = row[offset + 2 + 4 * i] as number;
    if (p >= 0)
      edges.push({
        u: p,
        su: row[offset + 3 + 4 * i] as number,
        v: i,
        sv: row[offset + 4 + 4 * i] as number,
      });
  }
  return { types, edges };
}

/** The tree without node `leaf` (which must have at most one junction), nodes renumbered in order. */
export function withoutNode(spec: TreeSpec, leaf: number): TreeSpec {
  const renumber = (i: number): number => (i > leaf ? i - 1 : i);
  return {
    types: spec.types.filter((_, i) => i !== leaf),
    edges: spec.edges.filter((e) => e.u !== leaf && e.v !== leaf).map((e) => ({ u: renumber(e.u), su: e.su, v: renumber(e.v), sv: e.sv })),
  };
}

/** The tree with one more node of `type`, bonded through its local stem `selfStem` to stem `stem` of node `at`. */
export function withNode(spec: TreeSpec, type: number, at: number, stem: number, selfStem: number): TreeSpec {
  const v = spec.types.length;
  return {
    types: [...spec.types, type],
    edges: [...spec.edges, { u: at, su: stem, v, sv: selfStem }],
  };
}

/**
 * For each slot of a normal-form tree, the smallest slot in its automorphism orbit: two nodes are in
 * one orbit when the tree rooted at either has the same canonical encoding.
 */
export function orbitRepresentatives(spec: TreeSpec): Int32Array {
  const n = spec.types.length;
  const encoder = new Encoder(spec.types, adjacency(spec));
  const first = new Map<string, number>();
  const out = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const code = encoder.rooted(v);
    const rep = first.get(code);
    if (rep === undefined) {
      first.set(code, v);
      out[v] = v;
    } else out[v] = rep;
  }
  return out;
}

/** Number of junctions at each node. */
export function degrees(spec: TreeSpec): Int32Array {
  const d = new Int32Array(spec.types.length);
  for (const e of spec.edges) {
    d[e.u] = (d[e.u] as number) + 1;
    d[e.v] = (d[e.v] as number) + 1;
  }
  return d;
}
