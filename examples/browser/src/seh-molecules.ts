/** Molecules the sEH page scores (SMILES and stem atoms), shared by the page and the browser test's Node run. */
export const SEH_MOLECULES: readonly { readonly smiles: string; readonly stemAtoms: readonly number[] }[] = [
  { smiles: 'c1ccccc1O', stemAtoms: [6] },
  { smiles: 'CC(=O)Nc1ccc(O)cc1', stemAtoms: [] },
  { smiles: 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C', stemAtoms: [0, 12] },
  { smiles: 'O=C(O)c1ccccc1OC(C)=O', stemAtoms: [2] },
  { smiles: 'C1CCNCC1', stemAtoms: [3] },
  { smiles: 'c1ccc2[nH]ccc2c1', stemAtoms: [4, 7] },
];
