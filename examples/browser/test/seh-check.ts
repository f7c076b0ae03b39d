// The sEH page in Chromium against Node: RDKit loaded from a URL (`loadRDKit({ scriptUrl, wasmUrl })`),
// the proxy on the wasm backend, and every value equal to Node's run of the same molecules.
import { sehProxy } from '@gflownet/reward-seh';
import { SEH_MOLECULES } from '../src/seh-molecules.js';
import { waitUntilDone, withPage } from './chromium.js';

const TIMEOUT_MS = 60_000;
/** float32 network outputs: the two runs execute the same wasm, so they should agree far below this. */
const TOLERANCE = 1e-5;

/** Checks the sEH page against Node (wasm backend already active) and returns a line for the log. */
export async function checkSehPage(dist: string): Promise<string> {
  const page = await withPage(dist, 'seh.html', async (p) => {
    await waitUntilDone(p, TIMEOUT_MS);
    const run = await p.evaluate(() => window.gflownetSeh);
    if (!run) throw new Error('browser test: the sEH page finished without leaving window.gflownetSeh');
    return run;
  });
  const proxy = await sehProxy();
  const node = Array.from(await proxy.predict(SEH_MOLECULES.map((m) => ({ smiles: m.smiles, stemAtoms: [...m.stemAtoms] }))));
  proxy.dispose();
  if (page.values.length !== node.length) throw new Error(`browser test: the sEH page scored ${page.values.length} molecules, Node ${node.length}`);
  let worst = 0;
  page.values.forEach((v, i) => {
    const diff = Math.abs(v - (node[i] as number));
    if (!(diff <= TOLERANCE * Math.max(1, Math.abs(node[i] as number)))) {
      throw new Error(`browser test: sEH proxy of ${SEH_MOLECULES[i]?.smiles}: ${v} in Chromium, ${node[i]} in Node`);
    }
    worst = Math.max(worst, diff);
  });
  const values = page.values.map((v) => v.toFixed(3)).join(', ');
  return `sEH proxy in Chromium (RDKit ${page.rdkitVersion} from a URL, ${page.seconds.toFixed(1)} s): y = ${values} for ${page.values.length} molecules, equal to Node's (largest difference ${worst.toExponential(1)})`;
}
