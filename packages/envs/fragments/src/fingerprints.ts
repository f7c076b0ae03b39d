import type { RDKitModule } from './rdkit.js';
import { withMolecule } from './rdkit.js';

/** Fingerprints RDKit MinimalLib offers here: `rdkit` (path-based `Chem.RDKFingerprint`) and `morgan`. */
export type FingerprintKind = 'rdkit' | 'morgan';

/** Options of {@link fingerprint}. */
export interface FingerprintOptions {
  /** Bits (default: `2048`). */
  readonly nBits?: number;
  /** Morgan radius (default: `2`). */
  readonly radius?: number;
}

/**
 * The fingerprint of a SMILES as packed bits (one byte per 8 bits), or null when RDKit cannot parse
 * it. `rdkit` is RDKit's path fingerprint (the one the original mode counting uses); `morgan` is
 * the circular fingerprint.
 */
export function fingerprint(rdkit: RDKitModule, smiles: string, kind: FingerprintKind = 'rdkit', options: FingerprintOptions = {}): Uint8Array | null {
  const nBits = options.nBits ?? 2048;
  if (!Number.isInteger(nBits) || nBits < 8 || nBits % 8 !== 0) throw new RangeError(`fingerprint: nBits must be a positive multiple of 8, got ${nBits}`);
  return withMolecule(rdkit, smiles, (mol) => {
    if (!mol) return null;
    const details = JSON.stringify(kind === 'morgan' ? { radius: options.radius ?? 2, nBits } : { nBits });
    const bytes = kind === 'morgan' ? mol.get_morgan_fp_as_uint8array(details) : mol.get_rdkit_fp_as_uint8array(details);
    return Uint8Array.from(bytes as Uint8Array);
  });
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
  let c = 0;
  for (let x = i; x > 0; x >>= 1) c += x & 1;
  return c;
});

/** Tanimoto similarity |a ∧ b| / |a ∨ b| of two packed fingerprints (1 when both are empty). */
export function tanimoto(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`tanimoto: fingerprints differ in length (${a.length} and ${b.length} bytes)`);
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    both += POPCOUNT[x & y] as number;
    either += POPCOUNT[x | y] as number;
  }
  return either === 0 ? 1 : both / either;
}
