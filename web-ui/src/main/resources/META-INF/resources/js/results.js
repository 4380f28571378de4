/**
 * Pure functions from result rows (see api.js) to what the dashboards draw:
 * the selectable hyperparameters, finite-network curves aggregated over seeds, and
 * the infinite-width limits (NNGP, NTK) per depth. No DOM, no network.
 */

export const Model = Object.freeze({
  NNGP: 'nngp',
  NTK: 'ntk',
  FINITE: 'finite',
  ENSEMBLE: 'ensemble',
});

const isKernel = (row) => row.model === Model.NNGP || row.model === Model.NTK;
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
    appliesTo: isKernel,
    pickDefault: (rows, values) =>
      bestValue(rows.filter((r) => r.model === Model.NNGP), 'diagReg', values),
    alwaysShow: true,
  },
]);

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
  const ntk = rows.filter((r) => r.model === Model.NTK && r.width !== null);
  const times = ntk.map((r) => r.t).filter((t) => t !== null);
  const t = times.length ? Math.max(...times) : null;
  return finiteCurves(
    ntk.filter((r) => r.t === t).map((r) => ({ ...r, model: Model.FINITE })),
  );
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
