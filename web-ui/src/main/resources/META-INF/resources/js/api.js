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

/** Every result row of a sweep (kernel rows and finite-network rows). */
export async function getResults(id) {
  const url = resultsUrl(id);
  return asArray(await getJson(url), url).map(toResultRow);
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

function toResultRow(w) {
  return {
    unitId: w.unit_id,
    model: w.model, // 'nngp' | 'ntk' | 'finite'
    family: w.family ?? null,
    architecture: w.architecture ?? null,
    layout: architectureLayout(w.architecture, w.family),
    activation: w.activation ?? null,
    depth: w.depth,
    wStd: numberOrNull(w.w_std),
    bStd: numberOrNull(w.b_std),
    width: numberOrNull(w.width),
    parameterization: w.parameterization ?? null,
    lr: numberOrNull(w.lr),
    weightDecay: numberOrNull(w.weight_decay),
    centred: typeof w.centred === 'boolean' ? w.centred : null,
    loss: w.loss ?? null,
    note: w.note ?? null,
    divergedAtStep: numberOrNull(w.diverged_at_step),
    seed: numberOrNull(w.seed),
    trainSize: numberOrNull(w.train_size),
    diagReg: numberOrNull(w.diag_reg),
    t: toTime(w.t),
    testAccuracy: numberOrNull(w.test_accuracy),
    testMse: numberOrNull(w.test_mse),
  };
}

/** Training time t: "inf" (any case, or "infinity") becomes Infinity; absent stays null. */
function toTime(t) {
  if (t === null || t === undefined) return null;
  if (typeof t === 'string' && /^\+?inf(inity)?$/i.test(t.trim())) return Infinity;
  return numberOrNull(t);
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
