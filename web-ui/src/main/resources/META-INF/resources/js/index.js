// The list of sweeps. Refreshes every 2 s while a sweep is pending or running
// (and while there are none, so a newly submitted sweep shows up by itself).
import { isTerminal, listSweeps } from './api.js';
import { h, poll, progressBar, showError, statusBadge, timeElement } from './ui.js';

const REFRESH_MS = 2000;

const table = document.getElementById('sweeps');
const tbody = table.querySelector('tbody');
const empty = document.getElementById('empty');
const loading = document.getElementById('loading');
const errorRegion = document.getElementById('error');
const refreshNote = document.getElementById('refresh-note');

/** Rows by sweep id, updated in place so that keyboard focus survives a refresh. */
const rows = new Map();

poll(
  async () => {
    const sweeps = await listSweeps();
    showError(errorRegion, '');
    render(sweeps);
    const live = sweeps.length === 0 || sweeps.some((s) => !isTerminal(s.status));
    refreshNote.textContent = live ? 'Refreshing every 2 s.' : '';
    return live;
  },
  REFRESH_MS,
  (e) => showError(errorRegion, `Could not load the sweeps: ${e.message}. Retrying…`),
);

function render(sweeps) {
  loading.hidden = true;
  empty.hidden = sweeps.length > 0;
  table.hidden = sweeps.length === 0;

  const seen = new Set();
  sweeps.forEach((sweep, index) => {
    seen.add(sweep.id);
    let row = rows.get(sweep.id);
    if (!row) {
      row = newRow(sweep);
      rows.set(sweep.id, row);
    }
    updateRow(row, sweep);
    if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
  });
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.remove();
      rows.delete(id);
    }
  }
}

function newRow(sweep) {
  return h(
    'tr',
    { 'data-testid': 'sweep-row', 'data-sweep-id': sweep.id },
    h('th', { scope: 'row' }, h('a', { href: `sweep.html?id=${encodeURIComponent(sweep.id)}` })),
    h('td', { class: 'status-cell' }),
    h('td', { class: 'progress-cell' }),
    h('td', { class: 'created-cell' }),
  );
}

function updateRow(row, sweep) {
  const [nameCell, statusCell, progressCell, createdCell] = row.children;
  const link = nameCell.firstElementChild;
  if (link.textContent !== sweep.name) link.textContent = sweep.name;
  row.dataset.status = sweep.status;
  statusCell.replaceChildren(statusBadge(sweep.status));
  progressCell.replaceChildren(progressBar(sweep.units));
  createdCell.replaceChildren(timeElement(sweep.createdAt));
}
