/**
 * The widescan REST client: the only module that knows the wire format.
 * Every function returns domain objects (camelCase, Dates, t = Infinity for "inf").
 *
 * URLs are relative to the page, so the dashboard also works behind a path prefix.
 */

import { architectureLayout } from './results.js';

/** Sweep and unit statuses, as the orchestrator reports them. */
export const SweepStatus = Object.freeze({
  PENDING: 'pending',
  RUNNING: 'running',
  DONE: 'done',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
});

/** Statuses after which a sweep can no longer change. */
const TERMINAL = new Set([SweepStatus.DONE, SweepStatus.FAILED, SweepStatus.CANCELLED]);

export function isTerminal(status) {
  return TERMINAL.has(status);
}

/** A failed request, with the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  constructor(message, status, url) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.url = url;
  }
}

/** All sweeps, newest first. */
export async function listSweeps() {
  const wire = await getJson('api/sweeps');
  const time = (s) => s.createdAt?.getTime() || 0;
  return asArray(wire, 'api/sweeps')
    .map(toSweep)
    .sort((a, b) => time(b) - time(a) || b.id - a.id);
}

/** One sweep with its spec and failures. */
export async function getSweep(id) {
  const url = `api/sweeps/${encodeURIComponent(id)}`;
  return toSweepDetail(await getJson(url));
}

/**
 * Every result row of a sweep (kernel rows and finite-network rows), one property per result
 * column, named in camelCase (w_std → wStd); a column without a value is null.
 */
export async function getResults(id) {
  const url = resultsUrl(id);
  const [columns, wire] = await Promise.all([getResultColumns(), getJson(url)]);
  return asArray(wire, url).map((w) => toResultRow(w, columns));
}

/**
 * The result columns as the server defines them (GET api/results/columns: name and JSON type of
 * each), so this client keeps no list of its own. Asked once per page; again after a failure.
 */
let resultColumns = null;

export function getResultColumns() {
  if (!resultColumns) {
    const url = 'api/results/columns';
    resultColumns = getJson(url)
      .then((wire) => asArray(wire, url).map((c) => toResultColumn(c, url)))
      .catch((e) => {
        resultColumns = null;
        throw e;
      });
  }
  return resultColumns;
}

/** A finite network's training curve: [{step, t, trainLoss, trainAccuracy, testLoss, testAccuracy}]. */
export async function getCurve(sweepId, unitId) {
  const url = `api/sweeps/${encodeURIComponent(sweepId)}/units/${encodeURIComponent(unitId)}/curve`;
  return asArray(await getJson(url), url).map((w) => ({
    step: numberOrNull(w.step),
    t: numberOrNull(w.t),
    trainLoss: numberOrNull(w.train_loss),
    trainAccuracy: numberOrNull(w.train_accuracy),
    testLoss: numberOrNull(w.test_loss),
    testAccuracy: numberOrNull(w.test_accuracy),
  }));
}

/** Steers a sweep: action is "cancel", "resume" or "retry"; answers the sweep's new state. */
export async function steerSweep(id, action) {
  const url = `api/sweeps/${encodeURIComponent(id)}/${encodeURIComponent(action)}`;
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 0, url);
  }
  if (!response.ok) {
    throw new ApiError(`POST ${url} failed: ${response.status} ${response.statusText}`, response.status, url);
  }
  return toSweepDetail(await response.json());
}

/** Download link for a sweep's results; format is "json", "csv" or "arrow". */
export function resultsUrl(id, format = 'json') {
  const base = `api/sweeps/${encodeURIComponent(id)}/results`;
  return format === 'json' ? base : `${base}?format=${encodeURIComponent(format)}`;
}

// --- wire → domain -------------------------------------------------------------------------

function toSweep(w) {
  const u = w.units ?? {};
  const units = {
    pending: count(u.pending),
    running: count(u.running),
    done: count(u.done),
    failed: count(u.failed),
    cancelled: count(u.cancelled),
    total: count(u.total),
  };
  return {
    id: w.id,
    name: w.name ?? `sweep ${w.id}`,
    status: w.status,
    createdAt: w.created_at ? new Date(w.created_at) : null,
    units,
    /** Units that have finished, successfully or not. */
    finished: units.done + units.failed,
  };
}

function toSweepDetail(w) {
  return {
    ...toSweep(w),
    spec: w.spec ?? null,
    failures: (w.failures ?? []).map((f) => ({
      unitId: f.unit_id,
      kind: f.kind,
      error: f.error ?? '',
    })),
  };
}

/** How a column's JSON values become domain values, by the column's JSON type. */
const DECODERS = Object.freeze({
  integer: numberOrNull,
  number: toNumber,
  boolean: (v) => (typeof v === 'boolean' ? v : null),
  string: (v) => (v === null || v === undefined ? null : v),
});

function toResultColumn(c, url) {
  const decode = DECODERS[c.type];
  if (typeof c.name !== 'string' || !decode) {
    throw new ApiError(
      `result column ${JSON.stringify(c)} from ${url}: expected a name and a type among ${Object.keys(DECODERS).join(', ')}`,
      200,
      url,
    );
  }
  return { wire: c.name, key: camelCase(c.name), decode };
}

function toResultRow(w, columns) {
  const row = {};
  for (const c of columns) row[c.key] = c.decode(w[c.wire]);
  // The architecture apart from its depth: a filter of the dashboards (see results.js).
  row.layout = architectureLayout(row.architecture);
  return row;
}

/** A wire name in the domain's spelling: test_accuracy → testAccuracy. */
function camelCase(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** A number, where "inf" (any case, or "infinity", signed) is ±Infinity: the server's ∞ (t). */
function toNumber(v) {
  if (typeof v === 'string') {
    const inf = /^([+-]?)inf(inity)?$/i.exec(v.trim());
    if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  }
  return numberOrNull(v);
}

function numberOrNull(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

function count(v) {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function asArray(wire, url) {
  if (!Array.isArray(wire)) throw new ApiError(`expected a JSON array from ${url}`, 200, url);
  return wire;
}

async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 0, url);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim().slice(0, 300);
    throw new ApiError(
      `GET ${url} failed: ${response.status} ${response.statusText}${detail ? ` — ${detail}` : ''}`,
      response.status,
      url,
    );
  }
  return response.json();
}
