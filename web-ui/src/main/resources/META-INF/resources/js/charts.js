/**
 * Chart components. Each one owns an ECharts instance in a container element, takes
 * plain data (see results.js), and records on the container how many series it drew
 * (data-series-count), so that browser tests can assert on what was rendered.
 *
 * ECharts itself is loaded by the page as a classic script (window.echarts).
 */
import { formatNumber } from './ui.js';

/** One colour family per depth: the finite line, the NNGP limit, the NTK limit. */
const FAMILIES = [
  { finite: '#2563eb', nngp: '#1e3a8a', ntk: '#60a5fa' }, // blue
  { finite: '#ea580c', nngp: '#9a3412', ntk: '#fb923c' }, // orange
  { finite: '#16a34a', nngp: '#14532d', ntk: '#4ade80' }, // green
  { finite: '#9333ea', nngp: '#581c87', ntk: '#c084fc' }, // purple
  { finite: '#dc2626', nngp: '#7f1d1d', ntk: '#f87171' }, // red
  { finite: '#0d9488', nngp: '#134e4a', ntk: '#2dd4bf' }, // teal
];

const KERNEL_LABEL = { nngp: 'NNGP', ntk: 'NTK' };
const KERNEL_DASH = { nngp: 'dashed', ntk: 'dotted' };

export const finiteSeriesName = (depth) => `finite d=${depth}`;
export const kernelSeriesName = (model, depth) => `${KERNEL_LABEL[model]} d=${depth}`;

/**
 * The ECharts option for test accuracy against width.
 *   curves: [{depth, points: [{width, mean, min, max, std, n}]}] — finite nets, over seeds
 *   empirical: [{model: 'empirical_nngp'|'empirical_ntk', depth, points}] — finite widths' kernels
 *   limits: [{depth, model: 'nngp'|'ntk', accuracy, t}] — drawn as horizontal lines
 *   widths: every width the sweep covers (sets the x-range the limits span)
 * Per depth: the mean line, its min–max whiskers (same legend entry), NNGP and NTK.
 */
export function accuracyVsWidthOption({
  curves,
  ensembles = [],
  kernels = [],
  empirical = [],
  limits,
  widths,
}) {
  const [lo, hi] = widthRange(widths, [...curves, ...kernels, ...empirical]);
  const depths = [
    ...new Set(
      [...curves, ...kernels, ...empirical].map((c) => c.depth).concat(limits.map((l) => l.depth)),
    ),
  ].sort((a, b) => a - b);
  const familyOf = (depth) => FAMILIES[depths.indexOf(depth) % FAMILIES.length];

  const series = [];
  for (const depth of depths) {
    const family = familyOf(depth);
    const curve = curves.find((c) => c.depth === depth);
    if (curve) {
      series.push({
        type: 'line',
        name: finiteSeriesName(depth),
        data: curve.points.map((p) => [p.width, p.mean]),
        color: family.finite,
        symbol: 'circle',
        symbolSize: 7,
        lineStyle: { width: 2 },
        z: 3,
      });
      const spread = curve.points.filter((p) => p.n > 1);
      if (spread.length) series.push(whiskers(finiteSeriesName(depth), spread, family.finite));
    }
    const standardNtk = kernels.find((c) => c.depth === depth);
    if (standardNtk) {
      series.push({
        type: 'line',
        name: `NTK (standard) d=${depth}`,
        data: standardNtk.points.map((p) => [p.width, p.mean]),
        color: family.ntk,
        symbol: 'triangle',
        symbolSize: 8,
        lineStyle: { width: 2, type: KERNEL_DASH.ntk },
        z: 2,
      });
    }
    const ensemble = ensembles.find((c) => c.depth === depth);
    if (ensemble) {
      series.push({
        type: 'line',
        name: `ensemble d=${depth}`,
        data: ensemble.points.map((p) => [p.width, p.mean]),
        color: family.finite,
        symbol: 'diamond',
        symbolSize: 9,
        lineStyle: { width: 2, type: [6, 3] },
        z: 3,
      });
    }
    for (const curve of empirical.filter((c) => c.depth === depth)) {
      const kind = curve.model === 'empirical_nngp' ? 'nngp' : 'ntk';
      series.push({
        type: 'line',
        name: `empirical ${KERNEL_LABEL[kind]} d=${depth}`,
        data: curve.points.map((p) => [p.width, p.mean]),
        color: family[kind],
        symbol: 'rect',
        symbolSize: 7,
        lineStyle: { width: 1.5, type: [2, 3] },
        z: 2,
      });
    }
    for (const limit of limits.filter((l) => l.depth === depth)) {
      const name = kernelSeriesName(limit.model, depth);
      series.push({
        type: 'line',
        name,
        data: [
          [lo, limit.accuracy],
          [hi, limit.accuracy],
        ],
        color: family[limit.model],
        symbol: 'none',
        lineStyle: { width: 2, type: KERNEL_DASH[limit.model] },
        endLabel: { show: true, formatter: name, color: family[limit.model], fontSize: 11 },
        labelLayout: { moveOverlap: 'shiftY' },
        emphasis: { focus: 'series' },
        z: 2,
      });
    }
  }

  return {
    // The page labels the container itself; ECharts' generated description is not useful.
    aria: { enabled: false },
    animationDurationUpdate: 0,
    grid: { left: 64, right: 96, top: 56, bottom: 56 },
    legend: { type: 'scroll', top: 8, left: 64, right: 96 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'line', snap: true },
      formatter: (params) => tooltipText(Number(params[0]?.axisValue), curves, limits),
    },
    xAxis: {
      type: 'log',
      logBase: 2,
      min: lo,
      max: hi,
      name: 'width',
      nameLocation: 'middle',
      nameGap: 32,
      axisLabel: { formatter: (v) => formatWidth(v) },
      splitLine: { show: true, lineStyle: { color: '#eef0f3' } },
      minorTick: { show: false },
    },
    yAxis: {
      type: 'value',
      name: 'test accuracy',
      nameLocation: 'middle',
      nameGap: 48,
      scale: true,
    },
    series,
  };
}

/** Min–max whiskers at each width, as a custom series sharing the finite line's name. */
function whiskers(name, points, color) {
  const cap = 4;
  return {
    type: 'custom',
    name,
    color,
    data: points.map((p) => [p.width, p.min, p.max]),
    encode: { x: 0, y: [1, 2] },
    tooltip: { show: false },
    z: 2,
    renderItem(params, api) {
      const low = api.coord([api.value(0), api.value(1)]);
      const high = api.coord([api.value(0), api.value(2)]);
      const style = { stroke: color, lineWidth: 1.5 };
      const line = (x1, y1, x2, y2) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style });
      return {
        type: 'group',
        children: [
          line(low[0], low[1], high[0], high[1]),
          line(low[0] - cap, low[1], low[0] + cap, low[1]),
          line(high[0] - cap, high[1], high[0] + cap, high[1]),
        ],
      };
    },
  };
}

function widthRange(widths, curves) {
  const all = [...widths, ...curves.flatMap((c) => c.points.map((p) => p.width))].filter((w) => w > 0);
  if (all.length === 0) return [1, 1024];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo /= 2;
    hi *= 2;
  }
  return [lo, hi];
}

function formatWidth(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function tooltipText(width, curves, limits) {
  const rows = [];
  for (const curve of curves) {
    const p = curve.points.find((q) => Math.abs(q.width - width) <= 1e-9 * width);
    if (!p) continue;
    const spread = p.n > 1 ? ` (min ${p.min.toFixed(3)}, max ${p.max.toFixed(3)}, ${p.n} runs)` : '';
    rows.push(`${finiteSeriesName(curve.depth)}: <b>${p.mean.toFixed(3)}</b>${spread}`);
  }
  const header = rows.length ? `width ${formatWidth(width)}` : 'infinite-width limits';
  for (const l of limits) {
    const t = l.model === 'ntk' && l.t !== null ? ` (t=${l.t === Infinity ? '∞' : l.t})` : '';
    rows.push(`${kernelSeriesName(l.model, l.depth)}${t}: <b>${l.accuracy.toFixed(3)}</b>`);
  }
  return [header, ...rows].join('<br>');
}

/**
 * One ECharts instance bound to a container: draws what {@code toOption(data)} describes, keeps
 * the legend selection across redraws and follows the container's size.
 */
class EChartView {
  #container;
  #echarts;
  #toOption;
  #chart = null;
  #legendSelected = {};
  #resizeObserver = null;

  constructor(container, toOption, echartsLib = globalThis.echarts) {
    if (!echartsLib) throw new Error('ECharts is not loaded (expected it at webjars/echarts/dist/echarts.min.js)');
    this.#container = container;
    this.#echarts = echartsLib;
    this.#toOption = toOption;
  }

  /** Draws the data; the container must be visible. */
  render(data) {
    if (!this.#chart) this.#init();
    const option = this.#toOption(data);
    option.legend = { ...(option.legend ?? {}), selected: { ...this.#legendSelected } };
    this.#chart.setOption(option, { notMerge: true });
    this.#container.dataset.seriesCount = String(option.series.length);
  }

  dispose() {
    this.#resizeObserver?.disconnect();
    this.#chart?.dispose();
    this.#chart = null;
  }

  #init() {
    this.#chart = this.#echarts.init(this.#container);
    this.#chart.on('legendselectchanged', (e) => {
      this.#legendSelected = { ...e.selected };
    });
    this.#resizeObserver = new ResizeObserver(() => this.#chart?.resize());
    this.#resizeObserver.observe(this.#container);
  }
}

/** Test accuracy against width (see accuracyVsWidthOption). */
export class AccuracyVsWidthChart extends EChartView {
  constructor(container, echartsLib = globalThis.echarts) {
    super(container, accuracyVsWidthOption, echartsLib);
  }
}

/** One colour per diag_reg in the time chart: its NTK line and its NNGP line. */
const DIAG_REG_COLOURS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0d9488', '#a16207', '#db2777'];

export const METRIC_LABEL = Object.freeze({ accuracy: 'test accuracy', mse: 'test MSE' });

export const kernelTimeSeriesName = (model, diagReg) => `${KERNEL_LABEL[model]}, diag_reg = ${formatNumber(diagReg, 6)}`;

/** A training time for labels: ∞ for the converged flow. */
export const formatTime = (t) => (t === Infinity ? '∞' : formatNumber(t, 6));

/**
 * Where the log axis puts the times: from the decade below the smallest finite t > 0 to the
 * position of t = ∞, one decade past the decade above the largest finite t (so the gap
 * reads as a break). Without a finite t the axis only holds ∞.
 */
export function timeAxisRange(times) {
  const finite = times.filter((t) => Number.isFinite(t) && t > 0);
  if (finite.length === 0) return { min: 1, max: 10, infinity: 10, finite: false };
  const decade = (x, round) => 10 ** round(Math.log10(x) + (round === Math.ceil ? -1e-9 : 1e-9));
  const infinity = decade(Math.max(...finite), Math.ceil) * 10;
  return { min: decade(Math.min(...finite), Math.floor), max: infinity, infinity, finite: true };
}

/**
 * The ECharts option for the kernel predictions over training time (see kernelTimeSeries):
 *   ntk:  [{diagReg, points: [{t, accuracy, mse}]}] — one line per diag_reg over t, t = ∞ last
 *   nngp: [{diagReg, accuracy, mse}] — one dashed horizontal line per diag_reg
 *   metric: 'accuracy' | 'mse'
 * x is t on a log axis; t = ∞ sits at the right end (a diamond, labelled ∞); t = 0 is left out.
 */
export function kernelTimeOption({ ntk, nngp, metric = 'accuracy' }) {
  const axis = timeAxisRange(ntk.flatMap((s) => s.points.map((p) => p.t)));
  const x = (t) => (t === Infinity ? axis.infinity : t);
  const onAxis = (t) => t === Infinity || t > 0;
  const diagRegs = [...new Set([...ntk, ...nngp].map((s) => s.diagReg))].sort((a, b) => a - b);
  const colourOf = (diagReg) => DIAG_REG_COLOURS[diagRegs.indexOf(diagReg) % DIAG_REG_COLOURS.length];
  // A faint rule at t = ∞ on every series, so that hiding any one of them keeps it.
  const infinityRule = {
    silent: true,
    symbol: 'none',
    label: { show: false },
    lineStyle: { color: '#9aa5b1', type: 'dashed', width: 1 },
    data: [{ xAxis: axis.infinity }],
  };

  const series = [
    ...ntk.map((s) => ({
      type: 'line',
      name: kernelTimeSeriesName('ntk', s.diagReg),
      data: s.points
        .filter((p) => onAxis(p.t) && p[metric] !== null)
        .map((p) =>
          p.t === Infinity
            ? { value: [x(p.t), p[metric]], symbol: 'diamond', symbolSize: 11 }
            : { value: [x(p.t), p[metric]] },
        ),
      color: colourOf(s.diagReg),
      symbol: 'circle',
      symbolSize: 7,
      lineStyle: { width: 2 },
      markLine: infinityRule,
      z: 3,
    })),
    ...nngp
      .filter((s) => s[metric] !== null)
      .map((s) => ({
        type: 'line',
        name: kernelTimeSeriesName('nngp', s.diagReg),
        data: [
          [axis.min, s[metric]],
          [axis.infinity, s[metric]],
        ],
        color: colourOf(s.diagReg),
        symbol: 'none',
        lineStyle: { width: 2, type: KERNEL_DASH.nngp },
        markLine: infinityRule,
        z: 2,
      })),
  ];

  return {
    aria: { enabled: false },
    animation: false,
    grid: { left: 64, right: 48, top: 56, bottom: 56 },
    legend: { type: 'scroll', top: 8, left: 64, right: 48 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const t = p.value[0] === axis.infinity ? '∞' : formatTime(p.value[0]);
        const where = p.seriesName.startsWith(KERNEL_LABEL.nngp) ? '' : ` at t = ${t}`;
        return `${p.seriesName}${where}<br>${METRIC_LABEL[metric]}: <b>${formatNumber(p.value[1])}</b>`;
      },
    },
    xAxis: {
      type: 'log',
      logBase: 10,
      min: axis.min,
      max: axis.max,
      name: 'training time t (learning rate × steps)',
      nameLocation: 'middle',
      nameGap: 32,
      axisLabel: {
        showMaxLabel: true,
        // Only the data's decades and ∞: the gap before ∞ is a break, not more time.
        formatter: (v) =>
          Math.abs(v - axis.infinity) <= 1e-9 * axis.infinity
            ? '{infinity|∞}'
            : axis.finite && v < axis.infinity / 10 + 1e-9
              ? formatTime(v)
              : '',
        rich: { infinity: { fontSize: 16, fontWeight: 'bold' } },
      },
      splitLine: { show: true, lineStyle: { color: '#eef0f3' } },
      minorTick: { show: false },
    },
    yAxis: {
      type: 'value',
      name: METRIC_LABEL[metric],
      nameLocation: 'middle',
      nameGap: 48,
      scale: true,
    },
    series,
  };
}

/** Kernel predictions over training time (see kernelTimeOption). */
export class KernelTimeChart extends EChartView {
  constructor(container, echartsLib = globalThis.echarts) {
    super(container, kernelTimeOption, echartsLib);
  }
}

/**
 * A finite network's training: train and test loss on the left axis, train and test accuracy on
 * the right, against the optimizer step.
 *   points: [{step, t, trainLoss, trainAccuracy, testLoss, testAccuracy}]
 */
export function trainingCurveOption(points) {
  const line = (name, key, yAxisIndex, dashed) => ({
    type: 'line',
    name,
    yAxisIndex,
    data: points.filter((p) => p[key] !== null).map((p) => [p.step, p[key]]),
    symbol: 'circle',
    symbolSize: 5,
    lineStyle: { width: 2, type: dashed ? 'dashed' : 'solid' },
  });
  return {
    animation: false,
    grid: { left: 64, right: 64, top: 48, bottom: 48 },
    legend: { top: 8 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 28 },
    yAxis: [
      { type: 'log', name: 'loss', nameLocation: 'middle', nameGap: 44 },
      { type: 'value', name: 'accuracy', min: 0, max: 1, nameLocation: 'middle', nameGap: 40 },
    ],
    series: [
      line('train loss', 'trainLoss', 0, false),
      line('test loss', 'testLoss', 0, true),
      line('train accuracy', 'trainAccuracy', 1, false),
      line('test accuracy', 'testAccuracy', 1, true),
    ].filter((s) => s.data.length > 0),
  };
}

export class TrainingCurveChart extends EChartView {
  constructor(container, echartsLib = globalThis.echarts) {
    super(container, trainingCurveOption, echartsLib);
  }
}
