// The sEH page (seh.html): loads RDKit MinimalLib through `loadRDKit({ scriptUrl, wasmUrl })` (the browser
// side of `@gflownet/reward-seh`'s `#rdkit-script`), then scores SEH_MOLECULES with the sEH proxy on
// the wasm backend. The browser test (test/e2e.ts) reads window.gflownetSeh and compares it with Node.
import { sehProxy } from '@gflownet/reward-seh';
import { loadRDKit } from '@gflownet/reward-seh/rdkit';
import scriptUrl from '@rdkit/rdkit?url';
import wasmUrl from '@rdkit/rdkit/RDKit_minimal.wasm?url';
import { SEH_MOLECULES } from './seh-molecules.js';
import { useWasmBackend } from './wasm-backend.js';

declare global {
  interface Window {
    gflownetSeh?: { readonly values: number[]; readonly rdkitVersion: string; readonly seconds: number };
  }
}

const status = document.getElementById('status') as HTMLOutputElement;
const t0 = performance.now();
try {
  await useWasmBackend();
  // The hashed asset names differ, so the wasm's URL is passed rather than found beside the script.
  const rdkit = await loadRDKit({ scriptUrl, wasmUrl });
  const proxy = await sehProxy({ rdkit });
  const values = Array.from(await proxy.predict(SEH_MOLECULES.map((m) => ({ smiles: m.smiles, stemAtoms: [...m.stemAtoms] }))));
  proxy.dispose();
  window.gflownetSeh = { values, rdkitVersion: rdkit.version(), seconds: (performance.now() - t0) / 1000 };
  status.textContent = `sEH proxy of ${values.length} molecules: ${values.map((v) => v.toFixed(3)).join(', ')}`;
  status.dataset.done = '1';
} catch (error) {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  status.dataset.error = error instanceof Error ? error.message : String(error);
}
