// The page: controls, start/stop, a live loss and JSD plot, and the learned distribution beside its target.
import { drawHeatmap } from './heatmap.js';
import { drawLinePlot } from './plot.js';
import type { SessionSettings } from './settings.js';
import { DEFAULT_SETTINGS, ENVIRONMENTS, LABELS, OBJECTIVES, parseSettings, SAMPLERS, settingsQuery } from './settings.js';
import type { DistributionView, RunSummary } from './train-session.js';
import { createSession, DAG_SAMPLES, summarise } from './train-session.js';
import { useWasmBackend } from './wasm-backend.js';

/** What the page leaves for a test (and the console) once a run ends. */
declare global {
  interface Window {
    gflownetRun?: { readonly settings: SessionSettings; readonly summary: RunSummary; readonly seconds: number };
  }
}

const $ = <T extends Element>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`page: no element ${selector}`);
  return el;
};
const form = $<HTMLFormElement>('#controls');
const startButton = $<HTMLButtonElement>('#start');
const stopButton = $<HTMLButtonElement>('#stop');
const out = {
  status: $<HTMLOutputElement>('#status'),
  iteration: $<HTMLOutputElement>('#iteration'),
  jsd: $<HTMLOutputElement>('#jsd'),
  loss: $<HTMLOutputElement>('#loss'),
  logZ: $<HTMLOutputElement>('#logz'),
  speed: $<HTMLOutputElement>('#speed'),
};

function fillSelect(name: string, values: readonly (keyof typeof LABELS)[]): void {
  const select = form.elements.namedItem(name) as HTMLSelectElement;
  select.replaceChildren(...values.map((v) => new Option(LABELS[v], v)));
}
fillSelect('env', ENVIRONMENTS);
fillSelect('objective', OBJECTIVES);
fillSelect('sampler', SAMPLERS);

function writeForm(s: SessionSettings): void {
  for (const [k, v] of Object.entries(s)) {
    const field = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (field) field.value = String(v);
  }
  showRelevantFields();
}

function readForm(base: SessionSettings): SessionSettings {
  const query = new URLSearchParams();
  for (const [k, v] of new FormData(form)) query.set(k, String(v));
  return parseSettings(query, base);
}

function showRelevantFields(): void {
  const env = (form.elements.namedItem('env') as HTMLSelectElement).value;
  const sampler = (form.elements.namedItem('sampler') as HTMLSelectElement).value;
  $<HTMLElement>('[data-for="hypergrid"]').hidden = env !== 'hypergrid';
  $<HTMLElement>('[data-for="exploring"]').hidden = sampler === 'on-policy';
}

function setStatus(text: string, state: 'idle' | 'running' | 'done' | 'error'): void {
  out.status.textContent = text;
  out.status.dataset.state = state;
  out.status.dataset.done = state === 'done' ? '1' : '0';
}

// Live state of the current run, redrawn at most once per animation frame.
let losses: { xs: number[]; ys: number[] } = { xs: [], ys: [] };
let jsds: { xs: number[]; ys: number[] } = { xs: [], ys: [] };
let latestView: DistributionView | null = null;
let xMax = 1;
let drawPending = false;

function drawMaps(view: DistributionView): void {
  const learned = $<HTMLCanvasElement>('#learned-map');
  const target = $<HTMLCanvasElement>('#target-map');
  if (view.kind === 'hypergrid') {
    const max = Math.max(...view.target, ...view.learned);
    drawHeatmap(learned, view.learned, view.height, view.height, { max });
    drawHeatmap(target, view.target, view.height, view.height, { max });
    $('#learned-caption').innerHTML = 'Learned P<sub>F</sub><sup>T</sup>(x) over the grid';
    $('#target-caption').textContent = 'Target R(x)/Z';
    $('#map-note').textContent = `Rows x₀ = 0…${view.height - 1} downward, columns x₁ across; one colour scale for both.`;
  } else {
    const names = Array.from({ length: view.d }, (_, i) => String.fromCharCode(65 + i));
    const options = { max: 1, labels: true, names, blank: (r: number, c: number) => r === c };
    drawHeatmap(learned, view.learned, view.d, view.d, options);
    drawHeatmap(target, view.exact, view.d, view.d, options);
    $('#learned-caption').textContent = 'Learned edge marginals P(row → column)';
    $('#target-caption').textContent = 'Exact posterior edge marginals';
    $('#map-note').textContent = `Posterior over all 25 DAGs of ${view.d} variables from ${DAG_SAMPLES} simulated observations; edge-marginal RMSE ${view.edgeRmse.toFixed(4)}.`;
  }
}

function draw(): void {
  drawPending = false;
  drawLinePlot($<SVGSVGElement>('#loss-plot'), losses.xs, losses.ys, { xMax, log: true, colour: '#3b528b' });
  drawLinePlot($<SVGSVGElement>('#jsd-plot'), jsds.xs, jsds.ys, { xMax, log: true, colour: '#21918c' });
  if (latestView) drawMaps(latestView);
}
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(draw);
}

let controller: AbortController | null = null;
/** Settings the URL gave at load: the base of the form's (which has no field for, e.g., evalEvery). */
let loaded: SessionSettings = DEFAULT_SETTINGS;

/** Shows the untrained policy's distribution and the target, so the page is not blank before a run. */
async function preview(settings: SessionSettings): Promise<void> {
  const session = await createSession({ ...settings, iterations: 1 });
  latestView = session.view();
  session.dispose();
  losses = { xs: [], ys: [] };
  jsds = { xs: [0], ys: [latestView.jsd] };
  xMax = settings.iterations;
  out.jsd.textContent = latestView.jsd.toPrecision(4);
  out.iteration.textContent = `0 / ${settings.iterations}`;
  for (const o of [out.loss, out.logZ, out.speed]) o.textContent = '–';
  setStatus('ready: choose the settings and press Start', 'idle');
  scheduleDraw();
}

async function run(settings: SessionSettings): Promise<void> {
  controller = new AbortController();
  startButton.disabled = true;
  stopButton.disabled = false;
  history.replaceState(null, '', `?${settingsQuery(settings)}`);
  const session = await createSession(settings);
  try {
    latestView = session.view();
    losses = { xs: [], ys: [] };
    jsds = { xs: [0], ys: [latestView.jsd] };
    xMax = settings.iterations;
    setStatus('training…', 'running');
    const t0 = performance.now();
    const result = await session.train({
      signal: controller.signal,
      onIteration: ({ iteration, loss }) => {
        losses.xs.push(iteration);
        losses.ys.push(loss);
        out.iteration.textContent = `${iteration} / ${settings.iterations}`;
        out.loss.textContent = loss.toPrecision(4);
        out.speed.textContent = `${(iteration / ((performance.now() - t0) / 1000)).toFixed(0)} it/s`;
        scheduleDraw();
      },
      onEvaluation: (record) => {
        latestView = session.view();
        jsds.xs.push(record.iteration);
        jsds.ys.push(latestView.jsd);
        out.jsd.textContent = latestView.jsd.toPrecision(4);
        out.logZ.textContent = record.logZ === null ? '–' : record.logZ.toFixed(3);
        scheduleDraw();
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const summary = summarise(result);
    if (summary.jsd !== null) out.jsd.textContent = summary.jsd.toPrecision(4);
    window.gflownetRun = { settings, summary, seconds };
    latestView = session.view();
    draw();
    const how = result.interrupted ? 'stopped' : 'done';
    setStatus(`${how} after ${result.iterations} iterations in ${seconds.toFixed(1)} s`, 'done');
  } finally {
    session.dispose();
    controller = null;
    startButton.disabled = false;
    stopButton.disabled = true;
  }
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  setStatus(`error: ${message}`, 'error');
  out.status.dataset.error = message;
  console.error(error);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  let settings: SessionSettings;
  try {
    settings = readForm(loaded);
  } catch (error) {
    fail(error);
    return;
  }
  run(settings).catch(fail);
});
stopButton.addEventListener('click', () => controller?.abort());
form.addEventListener('change', () => {
  showRelevantFields();
  if (controller) return;
  try {
    preview(readForm(loaded)).catch(fail);
  } catch (error) {
    fail(error);
  }
});

async function start(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const settings = parseSettings(query);
  loaded = settings;
  writeForm(settings);
  await useWasmBackend();
  if (query.get('autostart') === '1') await run(settings);
  else await preview(settings);
}

start().catch(fail);
