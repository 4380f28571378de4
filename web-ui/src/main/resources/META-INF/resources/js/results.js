/**
 * Pure functions from result rows (see api.js) to what the dashboards draw:
 * the selectable hyperparameters, finite-network curves aggregated over seeds, the
 * infinite-width limits (NNGP, NTK) per depth, and the kernel predictions over training
 * time per diag_reg. No DOM, no network.
 */

export const Model = Object.freeze({
  NNGP: 'nngp',
  NTK: 'ntk',
  FINITE: 'finite',
  ENSEMBLE: 'ensemble',
  EMPIRICAL_NNGP: 'empirical_nngp',
  EMPIRICAL_NTK: 'empirical_ntk',
});

export const isKernel = (row) => row.model === Model.NNGP || row.model === Model.NTK;
/** Predictions from the empirical kernels of finite networks: regularized like the kernels. */
const isEmpirical = (row) =>
  row.model === Model.EMPIRICAL_NNGP || row.model === Model.EMPIRICAL_NTK;
/** Trained networks: single ones and ensembles over seeds share the training choices. */
const isFinite = (row) => row.model === Model.FINITE || row.model === Model.ENSEMBLE;

/**
 * Hyperparameters a user can fix for the accuracy-vs-width chart. Each applies to some
 * rows; the select is only offered when those rows hold more than one value
 * (diag_reg is always offered when there are kernel rows).
 *   appliesTo: which rows the choice filters.
 *   pickDefault: the value selected at first.
 */
export const FILTERS = Object.freeze([
  // The architecture beyond depth (drawn as separate series): one at a time, never averaged.
  ...[
    ['layout', 'Architecture'],
    ['activation', 'Activation'],
    ['wStd', 'W_std'],
    ['bStd', 'b_std'],
  ].map(([key, label]) => ({
    key,
    label,
    appliesTo: () => true,
    pickDefault: (rows, values) => values[0],
    alwaysShow: false,
  })),
  {
    key: 'trainSize',
    label: 'Training-set size',
    appliesTo: () => true,
    pickDefault: (rows, values) => values[values.length - 1],
    alwaysShow: false,
  },
  {
    key: 'parameterization',
    label: 'Parameterization',
    // The NNGP does not depend on the parameterization; the NTK does.
    appliesTo: (row) => row.model !== Model.NNGP,
    pickDefault: (rows, values) => (values.includes('ntk') ? 'ntk' : values[0]),
    alwaysShow: false,
  },
  {
    key: 'lr',
    label: 'Learning rate',
    appliesTo: isFinite,
    pickDefault: (rows, values) => bestValue(rows.filter(isFinite), 'lr', values),
    alwaysShow: false,
  },
  {
    key: 'weightDecay',
    label: 'Weight decay',
    appliesTo: isFinite,
    pickDefault: (rows, values) => bestValue(rows.filter(isFinite), 'weightDecay', values),
    alwaysShow: false,
  },
  {
    key: 'centred',
    label: 'Centred (f − f₀)',
    appliesTo: isFinite,
    pickDefault: (rows, values) => bestValue(rows.filter(isFinite), 'centred', values),
    alwaysShow: false,
  },
  {
    key: 'loss',
    label: 'Loss',
    appliesTo: isFinite,
    pickDefault: (rows, values) => (values.includes('mse') ? 'mse' : values[0]),
    alwaysShow: false,
  },
  {
    key: 'diagReg',
    label: 'diag_reg',
    appliesTo: (row) => isKernel(row) || isEmpirical(row),
    pickDefault: (rows, values) =>
      bestValue(rows.filter((r) => r.model === Model.NNGP), 'diagReg', values),
    alwaysShow: true,
  },
]);

/**
 * What an architecture is apart from its depth, so that a sweep over depth draws one line per
 * depth and a sweep over readouts, filters or layer lists offers them as a choice: the canonical
 * layer string with every run of [dense or conv, activation] pairs written once as `(…)×L`
 * (`conv(filter=3)>relu>conv(filter=3)>relu>flatten>dense` → `(conv(filter=3)>relu)×L>flatten>dense`).
 * Null for fully-connected rows (their depth and activation say everything) and rows without one.
 */
export function architectureLayout(architecture, family) {
  if (!architecture || family === 'fc') return null;
  const terms = architecture.split('>');
  const weighted = (t) => /^(dense|conv)\b/.test(t);
  const structural = (t) => /^(dense|conv|avg_pool|global_avg_pool|flatten)\b/.test(t);
  const out = [];
  for (let i = 0; i < terms.length; ) {
    const pair = terms[i] + '>' + terms[i + 1];
    if (i + 1 < terms.length && weighted(terms[i]) && !structural(terms[i + 1])) {
      while (i + 1 < terms.length && terms[i] + '>' + terms[i + 1] === pair) i += 2;
      out.push('(' + pair + ')×L');
    } else {
      out.push(terms[i]);
      i += 1;
    }
  }
  return out.join('>');
}

/** Distinct non-null values of row[key], sorted (numbers ascending, strings alphabetically). */
export function distinct(rows, key) {
  const values = [...new Set(rows.map((r) => r[key]).filter((v) => v !== null && v !== undefined))];
  return values.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
}

/**
 * The value of `key` whose rows have the highest mean test accuracy; ties and
 * rows without accuracy fall back to the first of `values`.
 */
export function bestValue(rows, key, values = distinct(rows, key)) {
  let best = values[0];
  let bestScore = -Infinity;
  for (const value of values) {
    const score = mean(rows.filter((r) => r[key] === value).map((r) => r.testAccuracy));
    if (score > bestScore) {
      best = value;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The filters worth showing for these rows, each with its values and the value selected:
 * the previous selection when it still exists, else the filter's default.
 */
export function filterChoices(rows, previous = {}) {
  const choices = [];
  for (const filter of FILTERS) {
    const relevant = rows.filter(filter.appliesTo);
    const values = distinct(relevant, filter.key);
    if (values.length === 0 || (values.length === 1 && !filter.alwaysShow)) continue;
    const selected = values.includes(previous[filter.key])
      ? previous[filter.key]
      : filter.pickDefault(relevant, values);
    choices.push({ key: filter.key, label: filter.label, values, selected });
  }
  return choices;
}

/** The rows that match a selection ({key: value}); a row without the key always matches. */
export function applySelection(rows, selection) {
  const active = FILTERS.filter((f) => selection[f.key] !== undefined);
  return rows.filter((row) =>
    active.every((f) => !f.appliesTo(row) || row[f.key] === null || row[f.key] === selection[f.key]),
  );
}

/**
 * Finite networks' test accuracy per depth and width, aggregated over seeds (and over
 * any remaining duplicates): mean, min, max, standard deviation and count.
 * Returns [{depth, points: [{width, mean, min, max, std, n}]}] sorted by depth and width.
 */
export function finiteCurves(rows, model = Model.FINITE) {
  const byDepth = groupBy(
    rows.filter((r) => r.model === model && r.width !== null),
    (r) => r.depth,
  );
  return [...byDepth.entries()]
    .sort(([a], [b]) => a - b)
    .map(([depth, depthRows]) => ({
      depth,
      points: [...groupBy(depthRows, (r) => r.width).entries()]
        .sort(([a], [b]) => a - b)
        .map(([width, cell]) => ({ width, ...summarise(cell.map((r) => r.testAccuracy)) }))
        .filter((p) => p.n > 0),
    }))
    .filter((curve) => curve.points.length > 0);
}

/**
 * Standard-parameterization NTKs, which depend on the finite width: per depth, test accuracy
 * against width at the largest training time available (t = ∞ when present).
 * Returns [{depth, points: [{width, mean, n}]}] like finiteCurves.
 */
export function kernelCurves(rows) {
  return curvesAtLargestTime(rows.filter((r) => r.model === Model.NTK && r.width !== null));
}

/**
 * Predictions from the empirical NNGP and NTK of finite networks, per depth over width at the
 * largest training time available, averaged over seeds: how a finite width's kernel approaches
 * the limit. Returns [{model, depth, points: [{width, mean, min, max, std, n}]}].
 */
export function empiricalCurves(rows) {
  return [Model.EMPIRICAL_NNGP, Model.EMPIRICAL_NTK].flatMap((model) =>
    curvesAtLargestTime(rows.filter((r) => r.model === model)).map((c) => ({ model, ...c })),
  );
}

/** finiteCurves of rows of one kind, at their largest t (t = ∞ when present). */
function curvesAtLargestTime(rows) {
  const times = rows.map((r) => r.t).filter((t) => t !== null);
  const t = times.length ? Math.max(...times) : null;
  return finiteCurves(rows.filter((r) => r.t === t).map((r) => ({ ...r, model: Model.FINITE })));
}

/**
 * The infinite-width limits per depth: NNGP, and NTK at the largest training time
 * available (t = ∞ when present). Rows should already be narrowed to one diag_reg.
 * Returns [{depth, model, accuracy, t, n}] sorted by depth, NNGP before NTK.
 */
export function kernelLimits(rows) {
  const limits = [];
  // Width-free kernels only: a standard-parameterization NTK depends on the width (kernelCurves).
  const byDepth = groupBy(rows.filter((r) => isKernel(r) && r.width === null), (r) => r.depth);
  for (const [depth, depthRows] of [...byDepth.entries()].sort(([a], [b]) => a - b)) {
    for (const model of [Model.NNGP, Model.NTK]) {
      let candidates = depthRows.filter((r) => r.model === model);
      const times = candidates.map((r) => r.t).filter((t) => t !== null);
      const t = times.length ? Math.max(...times) : null;
      if (t !== null) candidates = candidates.filter((r) => r.t === t);
      const stats = summarise(candidates.map((r) => r.testAccuracy));
      if (stats.n > 0) limits.push({ depth, model, accuracy: stats.mean, t, n: stats.n });
    }
  }
  return limits;
}

/**
 * What fixes a kernel besides the data: depth, activation, W_std, b_std and, for the
 * standard-parameterization NTK only, the width (the NNGP never depends on it).
 */
export function kernelArchitecture(row) {
  return {
    depth: row.depth,
    layout: row.layout ?? null,
    activation: row.activation ?? null,
    wStd: row.wStd ?? null,
    bStd: row.bStd ?? null,
    width: row.model === Model.NTK ? row.width : null,
  };
}

export const architectureKey = (a) =>
  JSON.stringify([a.depth, a.layout, a.activation, a.wStd, a.bStd, a.width]);

/**
 * The kernel architectures among these rows, one per key: those of the NTK rows, or of the
 * NNGP rows when there is no NTK. Sorted by depth, activation, W_std, b_std and width.
 */
export function kernelArchitectures(rows) {
  const ntk = rows.filter((r) => r.model === Model.NTK);
  const source = ntk.length ? ntk : rows.filter((r) => r.model === Model.NNGP);
  const byKey = new Map(source.map((r) => [architectureKey(kernelArchitecture(r)), kernelArchitecture(r)]));
  const order = (x, y) =>
    x === y ? 0 : x === null ? 1 : y === null ? -1 : typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
  return [...byKey.values()].sort(
    (a, b) =>
      order(a.depth, b.depth) ||
      order(a.layout, b.layout) ||
      order(a.activation, b.activation) ||
      order(a.wStd, b.wStd) ||
      order(a.bStd, b.bStd) ||
      order(a.width, b.width),
  );
}

/** Whether a kernel row belongs to an architecture; an NNGP row matches at any width. */
function ofArchitecture(row, a) {
  const own = kernelArchitecture(row);
  return (
    own.depth === a.depth &&
    own.layout === a.layout &&
    own.activation === a.activation &&
    own.wStd === a.wStd &&
    own.bStd === a.bStd &&
    (row.model !== Model.NTK || own.width === a.width)
  );
}

/**
 * One architecture's kernel predictions over training time, per diag_reg: the NTK gradient
 * flow at every t the rows hold (t = Infinity included), and the NNGP posterior (t = ∞ only).
 * Duplicate rows (the same kernel reached by two units) are averaged.
 * Returns {ntk: [{diagReg, points: [{t, accuracy, mse, n}]}], nngp: [{diagReg, accuracy, mse, n}]},
 * both sorted by diag_reg, points by t.
 */
export function kernelTimeSeries(rows, architecture) {
  const mine = rows.filter((r) => isKernel(r) && r.diagReg !== null && ofArchitecture(r, architecture));
  const byDiagReg = (model) =>
    [...groupBy(mine.filter((r) => r.model === model), (r) => r.diagReg).entries()].sort(([a], [b]) => a - b);
  const metrics = (cell) => {
    const accuracy = summarise(cell.map((r) => r.testAccuracy));
    return { accuracy: accuracy.mean, mse: summarise(cell.map((r) => r.testMse)).mean, n: accuracy.n };
  };
  const ntk = byDiagReg(Model.NTK)
    .map(([diagReg, cell]) => ({
      diagReg,
      points: [...groupBy(cell.filter((r) => r.t !== null), (r) => r.t).entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, at]) => ({ t, ...metrics(at) })),
    }))
    .filter((s) => s.points.length > 0);
  const nngp = byDiagReg(Model.NNGP).map(([diagReg, cell]) => ({ diagReg, ...metrics(cell) }));
  return { ntk, nngp };
}

/**
 * The best point of kernelTimeSeries: the highest test accuracy, or the lowest test MSE
 * (metric 'mse'); the first in order (NTK by diag_reg and t, then NNGP) wins a tie.
 * Returns {model, diagReg, t, value}, or null when there is no value.
 */
export function bestKernelPoint({ ntk, nngp }, metric = 'accuracy') {
  const candidates = [
    ...ntk.flatMap((s) => s.points.map((p) => ({ model: Model.NTK, diagReg: s.diagReg, t: p.t, value: p[metric] }))),
    ...nngp.map((s) => ({ model: Model.NNGP, diagReg: s.diagReg, t: Infinity, value: s[metric] })),
  ].filter((c) => c.value !== null);
  const better = metric === 'mse' ? (a, b) => a < b : (a, b) => a > b;
  return candidates.reduce((best, c) => (best === null || better(c.value, best.value) ? c : best), null);
}

/** Mean, min, max, population std and count of the finite numbers among values. */
export function summarise(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, min: null, max: null, std: null, n: 0 };
  const m = xs.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / n);
  return { mean: m, min: Math.min(...xs), max: Math.max(...xs), std, n };
}

function mean(values) {
  const { mean: m } = summarise(values);
  return m === null ? -Infinity : m;
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}
