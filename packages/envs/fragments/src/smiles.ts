/**
 * A small SMILES tokenizer and the closure-SMILES assembler: fragments are written one after the
 * other, separated by '.', and every junction bond becomes a ring-closure label (`-%50`, `-%51`, …)
 * written after the atoms it joins. RDKit numbers atoms in order of appearance, so the atom indices of
 * a fragment's attachment points are positions among its atom tokens. Pure JavaScript, no RDKit.
 */

/** One token of a SMILES string. */
export interface SmilesToken {
  readonly text: string;
  /** Atom index when the token is an atom, −1 otherwise. */
  readonly atom: number;
}

/** A parsed fragment: its tokens and the number of atoms. */
export interface TokenizedSmiles {
  readonly smiles: string;
  readonly tokens: readonly SmilesToken[];
  readonly numAtoms: number;
  /** Largest ring-closure label the fragment uses (0 if none). */
  readonly maxRingLabel: number;
}

const ORGANIC = ['Cl', 'Br', 'B', 'C', 'N', 'O', 'P', 'S', 'F', 'I', 'b', 'c', 'n', 'o', 's', 'p', '*'];
const SINGLE = new Set(['-', '=', '#', '$', ':', '/', '\\', '.', '(', ')']);

/** Splits a SMILES string into atom and non-atom tokens; throws a RangeError naming the position on bad input. */
export function tokenizeSmiles(smiles: string): TokenizedSmiles {
  const tokens: SmilesToken[] = [];
  let atoms = 0;
  let maxRingLabel = 0;
  let i = 0;
  while (i < smiles.length) {
    const ch = smiles[i] as string;
    if (ch === '[') {
      const end = smiles.indexOf(']', i);
      if (end < 0) throw new RangeError(`SMILES "${smiles}": unclosed '[' at position ${i}`);
      tokens.push({ text: smiles.slice(i, end + 1), atom: atoms++ });
      i = end + 1;
      continue;
    }
    if (ch === '%') {
      const label = smiles.slice(i + 1, i + 3);
      if (!/^\d\d$/.test(label)) throw new RangeError(`SMILES "${smiles}": '%' must be followed by two digits at position ${i}`);
      maxRingLabel = Math.max(maxRingLabel, Number(label));
      tokens.push({ text: smiles.slice(i, i + 3), atom: -1 });
      i += 3;
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      maxRingLabel = Math.max(maxRingLabel, Number(ch));
      tokens.push({ text: ch, atom: -1 });
      i++;
      continue;
    }
    if (SINGLE.has(ch)) {
      tokens.push({ text: ch, atom: -1 });
      i++;
      continue;
    }
    const sym = ORGANIC.find((s) => smiles.startsWith(s, i));
    if (!sym) throw new RangeError(`SMILES "${smiles}": unexpected character '${ch}' at position ${i}`);
    tokens.push({ text: sym, atom: atoms++ });
    i += sym.length;
  }
  if (atoms === 0) throw new RangeError(`SMILES "${smiles}" has no atoms`);
  return { smiles, tokens, numAtoms: atoms, maxRingLabel };
}

const BRACKET = /^\[(\d*)(\*|[A-Z][a-z]?|[a-z][a-z]?)(@*)(H\d*)?(.*)\]$/;

/** A bracket atom with `k` fewer explicit hydrogens (never below zero), as the original assembler does. */
export function removeExplicitHydrogens(atom: string, k: number): string {
  if (k <= 0 || !atom.startsWith('[')) return atom;
  const m = BRACKET.exec(atom);
  if (!m) return atom;
  const [, isotope, symbol, chirality, h, rest] = m as unknown as [string, string, string, string, string | undefined, string];
  if (!h) return atom;
  const count = h.length > 1 ? Number(h.slice(1)) : 1;
  const left = Math.max(0, count - k);
  const hText = left === 0 ? '' : left === 1 ? 'H' : `H${left}`;
  return `[${isotope}${symbol}${chirality}${hText}${rest}]`;
}

/** A junction bond between atom `atomA` of fragment `a` and atom `atomB` of fragment `b` (single bond). */
export interface Junction {
  readonly a: number;
  readonly atomA: number;
  readonly b: number;
  readonly atomB: number;
}

/** First ring-closure label used for junctions; fragments may use labels below it. */
export const FIRST_JUNCTION_LABEL = 50;

/**
 * Joins fragments into one SMILES: fragment `i` is `fragments[i]`, and every junction is a single
 * bond written as a ring closure. Bracket atoms at a junction lose one explicit H per junction bond
 * (`[nH]` → `[n]`), like the original environment's assembler.
 */
export function assembleSmiles(fragments: readonly TokenizedSmiles[], junctions: readonly Junction[]): string {
  if (junctions.length > 99 - FIRST_JUNCTION_LABEL + 1)
    throw new RangeError(`assembleSmiles: at most ${100 - FIRST_JUNCTION_LABEL} junctions, got ${junctions.length}`);
  // Labels to write after each (fragment, atom).
  const labels = new Map<number, string[]>();
  const key = (f: number, atom: number): number => f * 4096 + atom;
  junctions.forEach((j, q) => {
    const label = `-%${FIRST_JUNCTION_LABEL + q}`;
    for (const [f, atom] of [
      [j.a, j.atomA],
      [j.b, j.atomB],
    ] as const) {
      const frag = fragments[f];
      if (!frag || atom < 0 || atom >= frag.numAtoms)
        throw new RangeError(`assembleSmiles: junction ${q} names atom ${atom} of fragment ${f}, which does not exist`);
      const k = key(f, atom);
      const list = labels.get(k);
      if (list) list.push(label);
      else labels.set(k, [label]);
    }
  });
  const parts: string[] = [];
  fragments.forEach((frag, f) => {
    let s = '';
    for (const t of frag.tokens) {
      if (t.atom < 0) {
        s += t.text;
        continue;
      }
      const list = labels.get(key(f, t.atom));
      s += list ? removeExplicitHydrogens(t.text, list.length) + list.join('') : t.text;
    }
    parts.push(s);
  });
  return parts.join('.');
}
