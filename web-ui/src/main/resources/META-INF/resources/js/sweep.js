// One sweep: status and progress, failures, downloads, accuracy versus width, the kernel
// predictions over training time and the result rows. Refreshes every 2 s until the sweep is done, failed or cancelled.
import { ApiError, getCurve, getResults, getSweep, isTerminal, resultsUrl, steerSweep } from './api.js';
import { AccuracyVsWidthChart, TrainingCurveChart } from './charts.js';
import { KernelTimePanel } from './kernel-time.js';
import {
  applySelection,
  empiricalCurves,
  filterChoices,
  finiteCurves,
  kernelCurves,
  kernelLimits,
  Model,
} from './results.js';
import { formatNumber, h, poll, progressBar, showError, statusBadge, timeElement } from './ui.js';

const REFRESH_MS = 2000;
const MAX_TABLE_ROWS = 500;

const $ = (id) => document.getElementById(id);
const errorRegion = $('error');
const chartContainer = $('accuracy-vs-width');

const sweepId = new URLSearchParams(location.search).get('id');

const kernelTime = new KernelTimePanel(
  {
    chart: $('kernel-time'),
    caption: $('kernel-time-caption'),
    empty: $('kernel-time-empty'),
    controls: $('kernel-time-controls'),
    architecture: $('kernel-time-architecture'),
    architectureControl: $('kernel-time-architecture-control'),
    metric: $('kernel-time-metric'),
  },
  (message) => showError(errorRegion, message),
);

/** What the page currently shows; the selection survives refreshes. */
const state = { rows: [], rowsSignature: null, widths: [], selection: {}, chart: null, kernelContext: {} };
let poller = null;

if (!sweepId) {
  $('sweep-title').textContent = 'No sweep selected';
  showError(errorRegion, 'This page needs a sweep id, e.g. sweep.html?id=1. Pick a sweep from the list.');
} else {
  $('download-csv').href = resultsUrl(sweepId, 'csv');
  $('download-csv').download = `sweep-${sweepId}-results.csv`;
  $('download-json').href = resultsUrl(sweepId, 'json');
  $('download-json').download = `sweep-${sweepId}-results.json`;
  $('download-arrow').href = resultsUrl(sweepId, 'arrow');
  $('download-arrow').download = `sweep-${sweepId}-results.arrow`;
  for (const action of ['cancel', 'resume', 'retry']) {
    $(`${action}-sweep`).addEventListener('click', () => steer(action));
  }
  startPolling();
}

function startPolling() {
  poller?.stop();
  poller = poll(refresh, REFRESH_MS, (e) => showError(errorRegion, `${e.message}. Retrying…`));
}

async function steer(action) {
  const button = $(`${action}-sweep`);
  button.disabled = true;
  try {
    renderActions(await steerSweep(sweepId, action));
    startPolling();
  } catch (e) {
    showError(errorRegion, e.message);
  } finally {
    button.disabled = false;
  }
}

/** Cancel while work remains; resume when cancelled; retry when units failed. */
function renderActions(sweep) {
  const { pending, running, failed } = sweep.units;
  $('cancel-sweep').hidden = sweep.status === 'cancelled' || pending + running === 0;
  $('resume-sweep').hidden = sweep.status !== 'cancelled';
  $('retry-sweep').hidden = failed === 0;
}

async function refresh() {
  let sweep;
  try {
    sweep = await getSweep(sweepId);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      $('sweep-title').textContent = 'Sweep not found';
      showError(errorRegion, `There is no sweep with id ${sweepId}.`);
      return false;
    }
    throw e;
  }
  // Results after the sweep: once the sweep reads as finished, these rows are complete.
  const rows = await getResults(sweepId);
  showError(errorRegion, '');

  const live = !isTerminal(sweep.status);
  renderSummary(sweep, live);
  renderActions(sweep);
  renderFailures(sweep.failures);
  renderSpec(sweep.spec);
  state.widths = specWidths(sweep.spec);
  const kernelContext = { live, kernelSection: Boolean(sweep.spec?.kernel) };

  const signature = JSON.stringify([rows, kernelContext]);
  if (signature !== state.rowsSignature) {
    state.rowsSignature = signature;
    state.rows = rows;
    state.kernelContext = kernelContext;
    renderControls();
    renderCharts();
    renderCurveChoices();
    renderTable();
  }
  return live;
}

function renderSummary(sweep, live) {
  document.title = `${sweep.name} — widescan`;
  $('sweep-title').textContent = sweep.name;
  $('status-slot').replaceChildren(statusBadge(sweep.status));
  $('progress-slot').replaceChildren(progressBar(sweep.units));
  $('sweep-meta').replaceChildren(`Sweep ${sweep.id} · created `, timeElement(sweep.createdAt), '.');
  $('refresh-note').textContent = live ? ' Refreshing every 2 s.' : '';
}

function renderFailures(failures) {
  const section = $('failures');
  section.hidden = failures.length === 0;
  $('failures-title').textContent = `Failures (${failures.length})`;
  section.querySelector('tbody').replaceChildren(
    ...failures.map((f) =>
      h(
        'tr',
        { 'data-testid': 'failure-row' },
        h('td', { class: 'num', text: f.unitId }),
        h('td', { text: f.kind }),
        h('td', { class: 'error-text', text: f.error }),
      ),
    ),
  );
}

function renderSpec(spec) {
  $('spec-details').hidden = !spec;
  const text = spec ? JSON.stringify(spec, null, 2) : '';
  if ($('spec').textContent !== text) $('spec').textContent = text;
}

function specWidths(spec) {
  const widths = [spec?.finite?.width, spec?.empirical?.width].flatMap((w) =>
    Array.isArray(w) ? w : w === undefined ? [] : [w],
  );
  return widths.map(Number).filter((w) => w > 0);
}

// --- chart ---------------------------------------------------------------------------------

function renderControls() {
  const form = $('chart-controls');
  const choices = filterChoices(state.rows, state.selection);
  state.selection = Object.fromEntries(choices.map((c) => [c.key, c.selected]));
  form.hidden = choices.length === 0;
  form.replaceChildren(
    ...choices.map((choice) => {
      const id = `filter-${choice.key}`;
      const select = h(
        'select',
        { id, name: choice.key },
        choice.values.map((v) =>
          h('option', { value: String(v), selected: v === choice.selected, text: formatNumber(v, 6) }),
        ),
      );
      select.addEventListener('change', () => {
        state.selection[choice.key] = choice.values.find((v) => String(v) === select.value);
        renderCharts();
      });
      return h('div', { class: 'control' }, h('label', { for: id, text: choice.label }), select);
    }),
  );
}

function renderCharts() {
  renderChart();
  kernelTime.update(state.rows, state.selection, state.kernelContext);
}

function renderChart() {
  const selected = applySelection(state.rows, state.selection);
  const curves = finiteCurves(selected);
  const ensembles = finiteCurves(selected, Model.ENSEMBLE);
  const kernels = kernelCurves(selected);
  const empirical = empiricalCurves(selected);
  const limits = kernelLimits(selected);
  // Kernel limits alone are horizontal lines over widths nobody trained: nothing to draw.
  const seriesFree =
    curves.length === 0 && ensembles.length === 0 && kernels.length === 0 && empirical.length === 0;

  $('chart-empty').hidden = !seriesFree;
  $('chart-empty').textContent =
    state.rows.length === 0
      ? 'Waiting for the first results…'
      : limits.length > 0
        ? 'Nothing in this selection depends on width (no finite networks, no standard-parameterization kernels): the kernel predictions are drawn over training time below.'
        : 'No results match this selection.';
  $('chart-caption').hidden = seriesFree;
  chartContainer.hidden = seriesFree;
  if (seriesFree) {
    chartContainer.dataset.seriesCount = '0';
    return;
  }

  try {
    state.chart ??= new AccuracyVsWidthChart(chartContainer);
  } catch (e) {
    chartContainer.hidden = true;
    chartContainer.dataset.seriesCount = '0';
    showError(errorRegion, `The chart cannot be drawn: ${e.message}. The results table below is complete.`);
    return;
  }
  state.chart.render({ curves, ensembles, kernels, empirical, limits, widths: state.widths });
  chartContainer.setAttribute('role', 'img');
  chartContainer.setAttribute('aria-label', chartSummary(curves, limits));
  $('chart-caption').textContent = caption(curves, limits);
}

function caption(curves, limits) {
  const parts = [];
  if (curves.length) parts.push('Solid lines: mean test accuracy of the finite networks over seeds; whiskers span min to max.');
  if (limits.length) {
    const times = [...new Set(limits.filter((l) => l.model === Model.NTK).map((l) => l.t))];
    const tText = times.length
      ? times.map((t) => (t === null ? 'n/a' : t === Infinity ? '∞' : formatNumber(t))).join(', ')
      : null;
    parts.push(
      'Horizontal lines: the infinite-width limits, NNGP dashed and NTK dotted' +
        (tText ? ` (NTK at t = ${tText}; the chart uses t = ∞ where computed, else the largest t)` : '') +
        (state.selection.diagReg !== undefined ? `, at diag_reg = ${formatNumber(state.selection.diagReg, 6)}` : '') +
        '.',
    );
    parts.push('diag_reg starts at the value with the best mean NNGP accuracy; other choices at the best mean finite accuracy.');
  }
  return parts.join(' ');
}

function chartSummary(curves, limits) {
  const finite = curves.map((c) => {
    const last = c.points[c.points.length - 1];
    return `finite depth ${c.depth} reaches ${last.mean.toFixed(3)} at width ${last.width}`;
  });
  const kernels = limits.map((l) => `${l.model.toUpperCase()} depth ${l.depth}: ${l.accuracy.toFixed(3)}`);
  return `Test accuracy versus width. ${[...finite, ...kernels].join('; ')}.`;
}

// --- table ---------------------------------------------------------------------------------

const MODEL_ORDER = { [Model.NNGP]: 0, [Model.NTK]: 1, [Model.FINITE]: 2, [Model.ENSEMBLE]: 3 };
const SORT_KEYS = ['depth', 'width', 'parameterization', 'trainSize', 'lr', 'weightDecay', 'seed', 'diagReg', 't'];

function compareRows(a, b) {
  const byModel = (MODEL_ORDER[a.model] ?? 9) - (MODEL_ORDER[b.model] ?? 9);
  if (byModel) return byModel;
  for (const key of SORT_KEYS) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
  }
  return a.unitId - b.unitId;
}

/** The finite networks whose training curves can be shown, newest choice kept across refreshes. */
function renderCurveChoices() {
  const finite = state.rows.filter((r) => r.model === Model.FINITE).sort(compareRows);
  $('curve-panel').hidden = finite.length === 0;
  if (finite.length === 0) return;
  const select = $('curve-unit');
  const previous = select.value;
  select.replaceChildren(
    ...finite.map((r) =>
      h('option', {
        value: String(r.unitId),
        text:
          `unit ${r.unitId}: depth ${r.depth}, width ${r.width}, lr ${formatNumber(r.lr)}, ` +
          `seed ${r.seed}${r.centred ? ', centred' : ''}${r.note ? ' (diverged)' : ''}`,
      }),
    ),
  );
  select.value = finite.some((r) => String(r.unitId) === previous) ? previous : String(finite[0].unitId);
  if (!select.dataset.bound) {
    select.addEventListener('change', renderCurve);
    select.dataset.bound = 'true';
  }
  renderCurve();
}

async function renderCurve() {
  const unitId = $('curve-unit').value;
  try {
    const points = await getCurve(sweepId, unitId);
    state.curveChart ??= new TrainingCurveChart($('training-curve'));
    state.curveChart.render(points);
  } catch (e) {
    showError(errorRegion, `The training curve cannot be drawn: ${e.message}`);
  }
}

function renderTable() {
  const table = $('results');
  const note = $('results-note');
  const rows = [...state.rows].sort(compareRows);
  table.hidden = rows.length === 0;
  note.hidden = rows.length > 0 && rows.length <= MAX_TABLE_ROWS;
  note.textContent =
    rows.length === 0
      ? 'Waiting for the first results…'
      : `Showing the first ${MAX_TABLE_ROWS} of ${rows.length} rows; download the CSV or JSON for all of them.`;
  const num = (v, digits) => h('td', { class: 'num', text: formatNumber(v, digits) });
  table.querySelector('tbody').replaceChildren(
    ...rows.slice(0, MAX_TABLE_ROWS).map((r) =>
      h(
        'tr',
        { class: `model-${r.model}` },
        num(r.unitId),
        h('td', { text: r.model }),
        h('td', { class: 'architecture', text: r.architecture ?? '—' }),
        num(r.depth),
        num(r.width),
        h('td', { text: r.parameterization ?? '—' }),
        num(r.lr),
        num(r.weightDecay),
        num(r.seed),
        num(r.trainSize),
        num(r.diagReg, 6),
        num(r.t),
        num(r.testAccuracy),
        num(r.testMse),
      ),
    ),
  );
}
