/**
 * The proxy's input graph of one molecule, from RDKit MinimalLib: heavy atoms in RDKit's atom order
 * (the order of appearance in the SMILES as written), what the 70 stem-independent atom features are
 * made of, and the bonds with their type. The stem mask (feature 70) is added when a batch is packed,
 * so a graph can be cached by SMILES while the reward stays a function of the state.
 */
import type { RDKitModule, RDKitMol } from './rdkit.js';

/** Atom features per node (the last one is the stem mask). */
export const ATOM_FEATURES = 71;
/** Column of the stem mask. */
export const STEM_MASK_COLUMN = 70;
/** Bond types, in the order of the edge weight matrices. */
export const BOND_TYPES: readonly string[] = ['single', 'double', 'triple', 'aromatic'];

/** A molecule as the proxy sees it, in compact form (features are expanded when a batch is packed). */
export interface MoleculeGraph {
  readonly smiles: string;
  readonly numAtoms: number;
  /** Atomic number per atom. */
  readonly atomicNumbers: Uint8Array;
  /** 1 where the atom is aromatic. */
  readonly aromatic: Uint8Array;
  /** Hybridisation per atom: 0 SP, 1 SP2, 2 SP3, 255 none of these. */
  readonly hybridisation: Uint8Array;
  /** Total number of hydrogens per atom (0…4). */
  readonly hydrogens: Uint8Array;
  /** Bond end atoms `[a0, b0, a1, b1, …]`. */
  readonly bondAtoms: Int32Array;
  /** Bond type per bond: 0 single, 1 double, 2 triple, 3 aromatic. */
  readonly bondTypes: Uint8Array;
}

/** RDKit cannot build the molecule of a SMILES (the original code gives such molecules y = 0.1). */
export class SmilesParseError extends RangeError {
  override readonly name = 'SmilesParseError';
}

/** Hybridisation code of atoms that are neither SP, SP2 nor SP3. */
export const NO_HYBRIDISATION = 255;

/** Writes the 70 stem-independent features of atom `i` of `graph` into `out` at `offset` (zeros elsewhere assumed). */
export function writeAtomFeatures(graph: MoleculeGraph, i: number, out: Float32Array, offset: number): void {
  const z = graph.atomicNumbers[i] as number;
  out[offset + elementColumn(z)] = 1;
  if ((graph.aromatic[i] as number) === 1) out[offset + 9] = 1;
  const hyb = graph.hybridisation[i] as number;
  if (hyb !== NO_HYBRIDISATION) out[offset + 10 + hyb] = 1;
  out[offset + 13] = graph.hydrogens[i] as number;
  if (z >= 1 && z <= 56) out[offset + 13 + z] = 1;
}

interface RDKitJson {
  defaults: { atom: { z: number }; bond: { bo: number } };
  molecules: {
    atoms: { z?: number }[];
    bonds?: { bo?: number; atoms: [number, number] }[];
    extensions?: { name: string; aromaticAtoms?: number[]; aromaticBonds?: number[] }[];
  }[];
}

/** SMARTS queries of one RDKit module: hybridisation SP, SP2, SP3 and total H counts 1…4. */
interface Queries {
  readonly hybridisation: RDKitMol[];
  readonly hydrogens: RDKitMol[];
}

const queriesByModule = new WeakMap<RDKitModule, Queries>();

function queriesOf(rdkit: RDKitModule): Queries {
  let q = queriesByModule.get(rdkit);
  if (!q) {
    const make = (smarts: string): RDKitMol => {
      const mol = rdkit.get_qmol(smarts);
      if (!mol) throw new Error(`sehProxy: RDKit cannot build the SMARTS query ${smarts}`);
      return mol;
    };
    q = { hybridisation: ['[^1]', '[^2]', '[^3]'].map(make), hydrogens: ['[H1]', '[H2]', '[H3]', '[H4]'].map(make) };
    queriesByModule.set(rdkit, q);
  }
  return q;
}

/** Atom indices matched by a one-atom query (RDKit returns `{}` when there is none). */
function matchedAtoms(mol: RDKitMol, query: RDKitMol): number[] {
  const parsed = JSON.parse(mol.get_substruct_matches(query)) as unknown;
  return Array.isArray(parsed) ? (parsed as { atoms: number[] }[]).map((m) => m.atoms[0] as number) : [];
}

/** Column of the element one-hot: H, C, N, O, F, other. */
function elementColumn(z: number): number {
  switch (z) {
    case 1:
      return 0;
    case 6:
      return 1;
    case 7:
      return 2;
    case 8:
      return 3;
    case 9:
      return 4;
    default:
      return 5;
  }
}

/**
 * Parse options that skip work the features do not use (about 25% of featurisation): removing
 * explicit hydrogen atoms and stereo perception. Only used when the SMILES writes no hydrogen as an
 * atom (`[H]`, `[2H]`, …), the one case where removing hydrogens changes the graph.
 */
const FAST_PARSE = JSON.stringify({ removeHs: false, assignStereo: false });
const HYDROGEN_ATOM = /\[\d*H(?![a-z])/;

/** The graph of `smiles`; throws an Error naming `label` when RDKit cannot build the molecule. */
export function featurizeMolecule(rdkit: RDKitModule, smiles: string, label: string): MoleculeGraph {
  if (typeof smiles !== 'string' || smiles.length === 0) throw new TypeError(`sehProxy: ${label}: smiles must be a non-empty string`);
  const mol = HYDROGEN_ATOM.test(smiles) ? rdkit.get_mol(smiles) : rdkit.get_mol(smiles, FAST_PARSE);
  if (!mol) throw new SmilesParseError(`sehProxy: ${label}: RDKit cannot parse SMILES "${smiles}"`);
  try {
    if (!mol.is_valid()) throw new SmilesParseError(`sehProxy: ${label}: RDKit cannot parse SMILES "${smiles}"`);
    const json = JSON.parse(mol.get_json()) as RDKitJson;
    const body = json.molecules[0];
    if (!body || body.atoms.length === 0) throw new SmilesParseError(`sehProxy: ${label}: SMILES "${smiles}" has no atoms`);
    const n = body.atoms.length;
    const atomicNumbers = Uint8Array.from(body.atoms, (atom) => atom.z ?? json.defaults.atom.z);
    const aromatic = new Uint8Array(n);
    const hybridisation = new Uint8Array(n).fill(NO_HYBRIDISATION);
    const hydrogens = new Uint8Array(n);
    const extension = body.extensions?.find((e) => e.name === 'rdkitRepresentation');
    for (const i of extension?.aromaticAtoms ?? []) aromatic[i] = 1;
    const queries = queriesOf(rdkit);
    queries.hybridisation.forEach((q, h) => {
      for (const i of matchedAtoms(mol, q)) hybridisation[i] = h;
    });
    queries.hydrogens.forEach((q, h) => {
      for (const i of matchedAtoms(mol, q)) hydrogens[i] = h + 1;
    });
    const bonds = body.bonds ?? [];
    const aromaticBonds = new Set(extension?.aromaticBonds ?? []);
    const bondAtoms = new Int32Array(2 * bonds.length);
    const bondTypes = new Uint8Array(bonds.length);
    bonds.forEach((bond, b) => {
      bondAtoms[2 * b] = bond.atoms[0];
      bondAtoms[2 * b + 1] = bond.atoms[1];
      const order = bond.bo ?? json.defaults.bond.bo;
      if (aromaticBonds.has(b)) bondTypes[b] = 3;
      else if (order >= 1 && order <= 3) bondTypes[b] = order - 1;
      // The collapsed edge network only knows the four one-hot bond types.
      else throw new RangeError(`sehProxy: ${label}: SMILES "${smiles}" has bond ${b} of order ${order}, not single, double, triple or aromatic`);
    });
    return { smiles, numAtoms: n, atomicNumbers, aromatic, hybridisation, hydrogens, bondAtoms, bondTypes };
  } finally {
    mol.delete();
  }
}
