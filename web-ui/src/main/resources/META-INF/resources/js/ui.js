/**
 * Small DOM building blocks shared by the pages: element builder, status badge,
 * progress bar, number/time formatting and a polling loop.
 * Text is always set through textContent, never parsed as HTML.
 */

/**
 * Creates an element. attrs: plain attributes, plus `class`, `dataset` (object),
 * `text` (textContent) and `on` (event name → handler). children: nodes, strings or falsy.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A coloured badge for a sweep status (data-testid="sweep-status"). */
export function statusBadge(status) {
  return h('span', {
    class: `badge badge--${status}`,
    'data-testid': 'sweep-status',
    'data-status': status,
    text: status,
  });
}

/**
 * Progress of a sweep: a bar with done (and failed) segments over the total,
 * plus the counts in words.
 */
export function progressBar(units) {
  const { done, failed, running, pending, cancelled, total } = units;
  const finished = done + failed;
  const pct = (n) => (total > 0 ? (100 * n) / total : 0);
  const counts = [
    `${finished}/${total} finished`,
    `${done} done`,
    failed ? `${failed} failed` : null,
    running ? `${running} running` : null,
    pending ? `${pending} pending` : null,
    cancelled ? `${cancelled} cancelled` : null,
  ].filter(Boolean);
  const label = counts.join(' · ');
  return h(
    'div',
    { class: 'progress', 'data-testid': 'sweep-progress' },
    h(
      'div',
      {
        class: 'progress__bar',
        role: 'progressbar',
        'aria-valuemin': 0,
        'aria-valuemax': total,
        'aria-valuenow': finished,
        'aria-valuetext': label,
        'aria-label': 'Units finished',
      },
      h('span', { class: 'progress__done', style: `width:${pct(done)}%` }),
      h('span', { class: 'progress__failed', style: `width:${pct(failed)}%` }),
    ),
    h('span', { class: 'progress__label', text: label }),
  );
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** A <time> element: local date and time, with "5 minutes ago" as its title. */
export function timeElement(date) {
  if (!date || Number.isNaN(date.getTime())) return h('span', { text: '—' });
  return h('time', { datetime: date.toISOString(), title: relativeTime(date), text: dateTimeFormat.format(date) });
}

function relativeTime(date) {
  const seconds = (date.getTime() - Date.now()) / 1000;
  const steps = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Infinity, 'year'],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relativeFormat.format(Math.round(value), unit);
    value /= size;
  }
  return '';
}

/** A number for tables: fixed digits, null as an em dash, Infinity as ∞. */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (value === Infinity) return '∞';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return Number(value.toPrecision(3)).toExponential();
  return String(Number(value.toFixed(digits)));
}

/**
 * Runs task now and again intervalMs after each run finishes, until it returns false
 * or stop() is called. A failing run is reported to onError and the loop goes on.
 */
export function poll(task, intervalMs, onError = () => {}) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    let again = true;
    try {
      again = (await task()) !== false;
    } catch (e) {
      onError(e);
    }
    if (again && !stopped) timer = setTimeout(run, intervalMs);
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Shows an error in a role="alert" region, or clears it when message is empty. */
export function showError(region, message) {
  region.textContent = message || '';
  region.hidden = !message;
}
