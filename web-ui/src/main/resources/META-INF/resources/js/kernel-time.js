// The sweep page's panel of kernel predictions over training time: the NTK gradient flow at
// every t of the sweep, one line per diag_reg, and the NNGP posterior at each diag_reg. It
// follows the page's filter choices (except diag_reg: every diag_reg is drawn) and adds its
// own choice of architecture and of metric.
import { formatTime, KernelTimeChart, kernelTimeSeriesName, METRIC_LABEL } from './charts.js';
import {
  applySelection,
  architectureKey,
  bestKernelPoint,
  isKernel,
  kernelArchitectures,
  kernelTimeSeries,
  Model,
} from './results.js';
import { formatNumber, h } from './ui.js';

export class KernelTimePanel {
  #el;
  #onError;
  #chart = null;
  #rows = [];
  #selection = {};
  #context = { live: false, kernelSection: true };
  #architecture = null;

  /**
   * elements: {chart, caption, empty, controls, architecture, architectureControl, metric};
   * onError(message) reports a chart that cannot be drawn.
   */
  constructor(elements, onError) {
    this.#el = elements;
    this.#onError = onError;
    elements.metric.addEventListener('change', () => this.#render());
    elements.architecture.addEventListener('change', () => {
      this.#architecture = elements.architecture.value;
      this.#render();
    });
  }

  /**
   * rows: every result row of the sweep; selection: the page's filter choices;
   * context: {live: the sweep may still add rows, kernelSection: its spec asks for kernels}.
   */
  update(rows, selection, context) {
    this.#rows = rows.filter(isKernel);
    this.#selection = selection;
    this.#context = context;
    this.#render();
  }

  #render() {
    const { chart, caption, empty, controls, metric: metricSelect } = this.#el;
    const rows = applySelection(this.#rows, { ...this.#selection, diagReg: undefined });
    const architecture = this.#renderArchitectures(kernelArchitectures(rows));
    const metric = metricSelect.value === 'mse' ? 'mse' : 'accuracy';
    const all = architecture ? kernelTimeSeries(rows, architecture) : { ntk: [], nngp: [] };
    // t = 0 (the initial function) has no place on a log axis.
    const series = {
      ntk: all.ntk.map((s) => ({ ...s, points: s.points.filter((p) => p.t > 0) })).filter((s) => s.points.length),
      nngp: all.nngp,
    };
    const seriesFree = series.ntk.length + series.nngp.length === 0;

    controls.hidden = this.#rows.length === 0;
    empty.hidden = !seriesFree;
    empty.textContent = this.#emptyText();
    caption.hidden = seriesFree;
    chart.hidden = seriesFree;
    if (seriesFree) {
      chart.dataset.seriesCount = '0';
      return;
    }
    try {
      this.#chart ??= new KernelTimeChart(chart);
    } catch (e) {
      chart.hidden = true;
      chart.dataset.seriesCount = '0';
      this.#onError(`The kernel chart cannot be drawn: ${e.message}. The results table below is complete.`);
      return;
    }
    this.#chart.render({ ...series, metric });
    const best = bestSentence(bestKernelPoint(series, metric), metric);
    chart.setAttribute('role', 'img');
    chart.setAttribute('aria-label', summary(series, metric, architecture, best));
    caption.textContent = this.#caption(all, series, architecture, best);
  }

  /** Offers the architectures (only when there are several); answers the one to draw. */
  #renderArchitectures(architectures) {
    const { architecture: select, architectureControl } = this.#el;
    const keys = architectures.map(architectureKey);
    if (!keys.includes(this.#architecture)) this.#architecture = keys[0] ?? null;
    architectureControl.hidden = architectures.length < 2;
    select.replaceChildren(
      ...architectures.map((a, i) =>
        h('option', { value: keys[i], selected: keys[i] === this.#architecture, text: describe(a) }),
      ),
    );
    return architectures[keys.indexOf(this.#architecture)] ?? null;
  }

  #emptyText() {
    if (this.#rows.length > 0) return 'No kernel results match this selection.';
    if (!this.#context.kernelSection) {
      return 'This sweep computes no kernels (its spec has no kernel section), so there are no NNGP or NTK predictions to draw over training time.';
    }
    return this.#context.live
      ? 'Waiting for the kernel results…'
      : 'This sweep has no NNGP or NTK results (its kernel units did not finish), so there is nothing to draw over training time.';
  }

  #caption(all, drawn, architecture, best) {
    const times = [...new Set(drawn.ntk.flatMap((s) => s.points.map((p) => p.t)))];
    const parts = [`${capitalize(describe(architecture))}.`];
    if (drawn.ntk.length) {
      parts.push(
        'Solid lines: the NTK gradient-flow prediction at each training time t (log axis), one per diag_reg; ' +
          'the diamond at the right end, past the dashed rule, is t = ∞.',
      );
    }
    if (drawn.nngp.length) parts.push('Dashed lines: the NNGP posterior mean at the same diag_reg (t = ∞ only).');
    if (drawn.ntk.length && times.every((t) => t === Infinity)) {
      parts.push('This sweep computed t = ∞ only: give kernel.t finite times to see the flow.');
    }
    if (all.ntk.some((s) => s.points.some((p) => p.t === 0))) parts.push('t = 0 (the initial function) is not drawn.');
    if (this.#selection.diagReg !== undefined) {
      parts.push('Every diag_reg is drawn here; the diag_reg choice above applies to the width chart.');
    }
    if (best) parts.push(best);
    return parts.join(' ');
  }
}

/** "Highest test accuracy: 0.83 (NTK, diag_reg = 1e-4, t = 100)." — or the lowest MSE. */
function bestSentence(best, metric) {
  if (!best) return null;
  const extreme = metric === 'mse' ? 'Lowest' : 'Highest';
  const name = kernelTimeSeriesName(best.model, best.diagReg);
  return `${extreme} ${METRIC_LABEL[metric]}: ${formatNumber(best.value)} (${name}, t = ${formatTime(best.t)}).`;
}

function summary({ ntk, nngp }, metric, architecture, best) {
  const value = (v) => formatNumber(v);
  const lines = ntk.map((s) => {
    const first = s.points[0];
    const last = s.points[s.points.length - 1];
    const span =
      s.points.length > 1
        ? `from ${value(first[metric])} at t = ${formatTime(first.t)} to ${value(last[metric])} at t = ${formatTime(last.t)}`
        : `${value(last[metric])} at t = ${formatTime(last.t)}`;
    return `${kernelTimeSeriesName(Model.NTK, s.diagReg)} ${span}`;
  });
  const limits = nngp.map((s) => `${kernelTimeSeriesName(Model.NNGP, s.diagReg)} at ${value(s[metric])}`);
  return `Kernel ${METRIC_LABEL[metric]} over training time t, ${describe(architecture)}: ${[...lines, ...limits].join('; ')}. ${best ?? ''}`.trim();
}

/** "depth 1, relu, W_std = 1.414, b_std = 0.1" (and the width of a standard-parameterization NTK). */
function describe(a) {
  return [
    a.layout,
    `depth ${a.depth}`,
    a.activation,
    a.wStd !== null ? `W_std = ${formatNumber(a.wStd, 3)}` : null,
    a.bStd !== null ? `b_std = ${formatNumber(a.bStd, 3)}` : null,
    a.width !== null ? `width ${a.width}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);
