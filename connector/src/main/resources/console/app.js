// The connector's dashboard: plain DOM, no libraries, no CDN. Every POST carries the session's
// CSRF token (X-CSRF-Token); the server refuses POSTs without it.
'use strict';

let csrf = '';
// The connection the orders pages show (?connection=<id>, from the picker); '' is the default
// connection, whose calls stay as they always were (no parameter).
let connection = '';

function withConnection(url) {
  if (!connection) return url;
  return url + (url.includes('?') ? '&' : '?') + 'connection=' + encodeURIComponent(connection);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(method, url, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrf;
  }
  const r = await fetch(url, {
    method, headers, credentials: 'same-origin',
    body: method === 'GET' ? undefined : JSON.stringify(body || {})
  });
  if (r.status === 401) {
    location.href = '/console/login?next=' + encodeURIComponent(location.pathname + location.search);
    throw new Error('not logged in');
  }
  let json = null;
  try { json = await r.json(); } catch (e) { json = null; }
  return { status: r.status, ok: r.ok, json };
}

function message(text, bad) {
  const m = document.getElementById('message');
  m.textContent = text;
  m.className = 'message' + (bad ? ' bad' : '');
  m.hidden = !text;
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').substring(0, 19) + ' UTC';
}

function stateBadge(state) {
  return el('span', { class: 'state ' + state, 'data-state': state }, state);
}

async function act(kind, number, after) {
  const r = await api('POST', withConnection('/api/orders/' + encodeURIComponent(number) + '/' + kind));
  if (r.ok) {
    message('Order #' + number + ': ' + kind + ' done; now ' + (r.json.state || '') + '.');
  } else {
    message('Order #' + number + ': ' + kind + ' refused: ' + ((r.json && r.json.error) || r.status), true);
  }
  if (after) await after();
}

function actionButtons(o, after) {
  const out = [];
  if (o.state === 'parked' || o.state === 'failed') {
    out.push(el('button', { type: 'button', class: 'retry', 'data-order': o.orderNumber, onclick: () => act('retry', o.orderNumber, after) }, 'Retry'));
    out.push(el('button', { type: 'button', class: 'skip', 'data-order': o.orderNumber, onclick: () => {
      if (confirm('Skip order #' + o.orderNumber + '? It will not be booked.')) act('skip', o.orderNumber, after);
    } }, 'Skip'));
  }
  if (o.state === 'skipped') {
    out.push(el('button', { type: 'button', class: 'unskip', onclick: () => act('unskip', o.orderNumber, after) }, 'Unskip'));
  }
  return out;
}

// ---- orders -------------------------------------------------------------------------------

async function ordersPage() {
  const params = new URLSearchParams(location.search);
  const search = document.getElementById('search');
  const filter = document.getElementById('state-filter');
  search.value = params.get('q') || '';
  filter.value = params.get('state') || '';
  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (search.value.trim()) p.set('q', search.value.trim());
    if (filter.value) p.set('state', filter.value);
    if (connection) p.set('connection', connection);
    history.replaceState(null, '', '/console/?' + p.toString());
    load();
  });
  async function load() {
    const q = search.value.trim().replace(/^#/, '');
    const r = await api('GET', withConnection('/api/orders?limit=1000' + (filter.value ? '&state=' + filter.value : '')));
    const tbody = document.querySelector('#orders tbody');
    tbody.replaceChildren();
    if (!r.ok) { message('Orders could not be read: ' + (r.json && r.json.error), true); return; }
    const c = r.json.counts || {};
    document.getElementById('counts').textContent =
      Object.entries(c).map(([k, v]) => k + ': ' + v).join(' · ');
    const rows = r.json.orders.filter(o => !q || o.orderNumber === q || o.orderNumber.startsWith(q) || o.orderId === q);
    for (const o of rows) {
      tbody.append(el('tr', { 'data-order': o.orderNumber, 'data-state': o.state },
        el('td', {}, el('a', { href: withConnection('/console/order?n=' + encodeURIComponent(o.orderNumber)), class: 'order-link' }, '#' + o.orderNumber)),
        el('td', {}, stateBadge(o.state)),
        el('td', { class: 'reason' }, o.reason || ''),
        el('td', {}, o.exactDocumentNumber ? (o.documentType || '') + ' ' + o.exactDocumentNumber : ''),
        el('td', {}, o.attempts),
        el('td', {}, when(o.updatedAt)),
        el('td', { class: 'actions' }, ...actionButtons(o, load))));
    }
    if (!rows.length) tbody.append(el('tr', {}, el('td', { colspan: 7 }, q ? 'No order #' + q + '.' : 'No orders yet.')));
  }
  await load();
}

// ---- one order's trace ---------------------------------------------------------------------

async function orderPage() {
  const n = new URLSearchParams(location.search).get('n') || '';
  document.querySelector('h1').textContent = 'Order #' + n;
  async function load() {
    const r = await api('GET', withConnection('/api/console/orders/' + encodeURIComponent(n) + '/trace'));
    if (!r.ok) { message((r.json && r.json.error) || 'The order could not be read', true); return; }
    const o = r.json.order;
    const summary = document.getElementById('summary');
    summary.replaceChildren();
    if (o) {
      summary.append(el('dl', {},
        el('dt', {}, 'State'), el('dd', { id: 'order-state' }, stateBadge(o.state)),
        el('dt', {}, 'Reason'), el('dd', { id: 'order-reason' }, o.reason || '—'),
        el('dt', {}, 'Exact document'), el('dd', { id: 'order-document' }, o.exactDocumentNumber ? (o.documentType || '') + ' ' + o.exactDocumentNumber : '—'),
        el('dt', {}, 'Attempts'), el('dd', {}, o.attempts),
        el('dt', {}, 'Squarespace id'), el('dd', {}, o.orderId)));
      document.getElementById('order-actions').replaceChildren(...actionButtons(o, load));
    }
    const sq = r.json.squarespace;
    const box = document.getElementById('squarespace');
    box.replaceChildren();
    if (sq && sq.error) box.append(el('p', { class: 'bad' }, sq.error));
    else if (sq) {
      const dl = el('dl', {});
      for (const [k, v] of Object.entries(sq)) {
        if (k !== 'lineItems') dl.append(el('dt', {}, k), el('dd', {}, String(v)));
      }
      box.append(dl);
      const t = el('table', { id: 'lines' }, el('thead', {}, el('tr', {}, ...['SKU', 'Product', 'Quantity', 'Unit price paid'].map(h => el('th', {}, h)))));
      const tb = el('tbody', {});
      for (const l of sq.lineItems || []) tb.append(el('tr', {}, el('td', {}, l.sku || ''), el('td', {}, l.productName || ''), el('td', {}, l.quantity), el('td', {}, l.unitPricePaid || '')));
      t.append(tb);
      box.append(t);
    }
    const tbody = document.querySelector('#trace tbody');
    tbody.replaceChildren();
    for (const a of r.json.activity || []) {
      tbody.append(el('tr', { class: a.outcome },
        el('td', {}, when(a.at)), el('td', {}, a.step), el('td', {}, a.outcome), el('td', {}, a.message || ''),
        el('td', {}, a.endpoint || ''), el('td', {}, a.httpStatus ?? ''), el('td', {}, a.durationMs ?? ''), el('td', {}, a.minuteBudgetLeft ?? '')));
    }
  }
  document.getElementById('dry-run').addEventListener('click', () => dryRun(n));
  await load();
}

async function dryRun(n) {
  const out = document.getElementById('dry-run-result');
  out.hidden = false;
  out.textContent = 'Asking Exact…';
  const r = await api('GET', withConnection('/api/orders/' + encodeURIComponent(n) + '/dry-run'));
  out.textContent = JSON.stringify(r.json, null, 2);
}

// ---- charts (inline SVG) -------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function barChart(target, rows) {
  const W = 720, H = 220, pad = 30;
  const max = Math.max(1, ...rows.map(r => r.booked + r.parked + r.failed));
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'orders per hour' });
  const bw = (W - pad * 2) / rows.length;
  rows.forEach((r, i) => {
    let y = H - pad;
    for (const k of ['booked', 'parked', 'failed']) {
      const h = (H - pad * 2) * r[k] / max;
      if (h > 0) {
        const rect = svg('rect', { x: pad + i * bw + 1, y: y - h, width: bw - 2, height: h, class: k });
        rect.append(svg('title', {}, new Date(r.hour).toISOString().substring(11, 16) + ' UTC: ' + r[k] + ' ' + k));
        s.append(rect);
        y -= h;
      }
    }
    if (i % 3 === 0) s.append(svg('text', { x: pad + i * bw, y: H - 10, class: 'axis' }, new Date(r.hour).toISOString().substring(11, 16)));
  });
  s.append(svg('text', { x: 2, y: pad, class: 'axis' }, String(max)));
  target.replaceChildren(s);
}

function lineChart(target, points, limit) {
  const W = 720, H = 180, pad = 30;
  if (!points.length) { target.replaceChildren(el('p', {}, 'No calls to Exact yet.')); return; }
  const t0 = new Date(points[0].at).getTime(), t1 = Math.max(t0 + 1, new Date(points[points.length - 1].at).getTime());
  const max = Math.max(limit || 0, ...points.map(p => p.remaining));
  const x = t => pad + (W - pad * 2) * (new Date(t).getTime() - t0) / (t1 - t0);
  const y = v => H - pad - (H - pad * 2) * v / max;
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  s.append(svg('polyline', { points: points.map(p => x(p.at) + ',' + y(p.remaining)).join(' '), class: 'budget' }));
  s.append(svg('text', { x: 2, y: pad, class: 'axis' }, String(max)));
  s.append(svg('text', { x: pad, y: H - 8, class: 'axis' }, when(points[0].at)));
  s.append(svg('text', { x: W - 200, y: H - 8, class: 'axis' }, when(points[points.length - 1].at)));
  target.replaceChildren(s);
}

async function chartsPage() {
  const r = await api('GET', '/api/console/charts');
  if (!r.ok) { message('Charts could not be read', true); return; }
  barChart(document.getElementById('orders-chart'), r.json.ordersPerHour);
  lineChart(document.getElementById('minute-chart'), r.json.minuteBudget, r.json.minutelyLimit);
  lineChart(document.getElementById('day-chart'), r.json.dayBudget, r.json.dailyLimit);
}

// ---- health --------------------------------------------------------------------------------

const FIXES = {
  journal: 'Set the sales journal code (ORDERS_JOURNAL, mappings/settings.yaml journal) to a sales journal of this division.',
  warehouse: 'Set ORDERS_WAREHOUSE to a warehouse code of this division.',
  vat: 'Map each VAT rate to a VAT code that exists in Exact (mappings/settings.yaml vat).',
  'payment-conditions': 'Use payment condition codes from Exact (Master data → Payment conditions) in mappings/settings.yaml.',
  'shipping-methods': 'Use shipping method codes from Exact in mappings/settings.yaml shipping-methods.',
  items: 'Create the item in Exact, or change ORDERS_ITEMS_* to an existing item code.',
  'default-debtor': 'Set ORDERS_DEFAULT_DEBTOR_CODE to an existing customer account code.',
  'gl-accounts': 'Use revenue account numbers from the chart of accounts in mappings/settings.yaml gl-accounts.'
};

function fixFor(setting) {
  for (const [k, v] of Object.entries(FIXES)) if (setting && setting.toLowerCase().startsWith(k)) return v;
  return 'Change this setting (README: Settings) and run the check again.';
}

function showPreflight(p) {
  const box = document.getElementById('preflight');
  box.replaceChildren();
  if (!p) { box.append(el('p', {}, 'Not run yet.')); return; }
  if (p.error) { box.append(el('p', { class: 'bad' }, p.error)); return; }
  box.append(el('p', { id: 'preflight-result', class: p.ok ? 'good' : 'bad' },
    (p.ok ? 'All settings check out against Exact' : (p.problems.length + ' problem(s): no order is booked until they are fixed')) + ' (' + when(p.at) + ').'));
  if (p.problems.length) {
    const ul = el('ul', {});
    for (const pr of p.problems) ul.append(el('li', {}, el('strong', {}, pr.setting + ': '), pr.problem, el('br'), el('em', {}, 'Fix: ' + fixFor(pr.setting))));
    box.append(ul);
  }
}

async function runPreflight() {
  document.getElementById('preflight').textContent = 'Checking with Exact…';
  const r = await api('GET', '/api/preflight');
  showPreflight(r.json);
}

function kv(rows) {
  const dl = el('dl', {});
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v === null || v === undefined ? '—' : String(v)));
  return dl;
}

async function healthPage() {
  const r = await api('GET', '/api/console/health');
  if (!r.ok) { message('Health could not be read', true); return; }
  const h = r.json;
  const sq = h.squarespace, ex = h.exact, d = h.division;
  document.getElementById('connections').replaceChildren(
    el('p', { id: 'connection-state', class: h.connected === false ? 'bad' : 'good' }, h.connected === false
      ? 'Not connected: missing ' + (h.missing || []).join('; ') + '. Use Connect; the order flows wait.'
      : 'Squarespace and Exact Online are connected.'),
    el('h2', {}, 'Squarespace'),
    kv([['API key', sq.keySet ? 'set' : 'not set'], ['Last call', sq.lastCall ? when(sq.lastCall.at) + ' ' + sq.lastCall.endpoint + ' → HTTP ' + sq.lastCall.httpStatus : 'none yet']]),
    el('h2', {}, 'Exact Online'),
    kv([['Connected', ex.connected ? 'yes' : 'no — use Connect'], ['Problem', ex.problem], ['Access token age', ex.accessTokenAgeSeconds !== undefined ? ex.accessTokenAgeSeconds + ' s' : null],
      ['Refresh token expires', ex.refreshTokenExpires ? when(ex.refreshTokenExpires) + ' (' + ex.refreshTokenDaysLeft + ' days, if unused)' : null], ['Tokens renewed', ex.refreshCount],
      ['Last call', ex.lastCall ? when(ex.lastCall.at) + ' ' + ex.lastCall.endpoint + ' → HTTP ' + ex.lastCall.httpStatus : 'none yet'],
      ['Division', (d.number > 0 ? d.number : 'not chosen yet') + ' (' + d.check + (d.detail ? ': ' + d.detail : '') + ')']]));
  showPreflight(h.preflight);
  const mt = document.querySelector('#mappings tbody');
  for (const m of h.mappings) mt.append(el('tr', {}, el('td', {}, m.file), el('td', {}, m.version), el('td', {}, when(m.modified))));
  const st = document.querySelector('#settings tbody');
  for (const [k, v] of Object.entries(h.settings)) st.append(el('tr', {}, el('td', {}, k), el('td', {}, v ?? '')));
  document.getElementById('run-preflight').addEventListener('click', runPreflight);
  document.getElementById('dry-run-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    dryRun(document.getElementById('dry-run-order').value.trim().replace(/^#/, ''));
  });
  // the backfill's progress, when this connector offers one
  try {
    const b = await api('GET', '/api/backfill');
    if (b.ok && b.json && b.json.state) {
      const box = document.getElementById('backfill');
      box.hidden = false;
      const j = b.json;
      document.getElementById('backfill-progress').replaceChildren(
        kv([['State', j.state], ['Since', j.since], ['Done', j.done + ' of ' + j.total], ['Time left', j.etaSeconds != null ? j.etaSeconds + ' s' : null], ['Exact calls used', j.exactCallsUsed]]),
        el('progress', { max: j.total || 1, value: j.done || 0 }));
    }
  } catch (e) { /* no backfill here */ }
}

// ---- connect wizard ------------------------------------------------------------------------

async function connectPage() {
  const params = new URLSearchParams(location.search);
  const r = await api('GET', '/api/console/health');
  const h = r.json || {};
  document.getElementById('callback-url').textContent = h.callbackUrl || '';
  showMissing(h.missing);
  document.getElementById('squarespace-state').textContent = h.squarespace && h.squarespace.keySet ? 'A key is set. Enter a new one to replace it.' : 'No key is set yet.';
  const exactState = document.getElementById('exact-state');
  const states = {
    connected: 'Exact Online is connected: the tokens are stored, encrypted. Now check the division.',
    'bad-state': 'That answer from Exact did not belong to a consent started here (state check): start again.',
    refused: 'Exact Online did not give consent. Start again, and allow the connector.',
    'exchange-failed': 'Exact did not accept the code (it is valid 3 minutes, once). Start again.'
  };
  exactState.textContent = states[params.get('exact')] || (h.exact && h.exact.connected ? 'Connected' + (h.exact.refreshTokenExpires ? '; the refresh token expires ' + when(h.exact.refreshTokenExpires) + ' if unused.' : '.') : 'Not connected' + (h.exact && h.exact.problem ? ': ' + h.exact.problem : '.'));
  exactState.className = params.get('exact') === 'connected' || (h.exact && h.exact.connected) ? 'good' : 'bad';
  document.getElementById('squarespace-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = document.getElementById('squarespace-key');
    const s = await api('POST', '/api/console/connect/squarespace', { apiKey: key.value });
    key.value = '';
    const p = document.getElementById('squarespace-state');
    p.textContent = s.ok ? 'Connected to ' + (s.json.siteTitle || 'the site') + '.' + (s.json.note ? ' ' + s.json.note : '') : s.json.error;
    p.className = s.ok ? 'good' : 'bad';
    if (s.ok) refreshMissing();
  });
  document.getElementById('run-preflight').addEventListener('click', runPreflight);
  if (h.exact && h.exact.connected) {
    const dv = await api('GET', '/api/console/connect/divisions');
    const box = document.getElementById('divisions');
    if (!dv.ok) { box.replaceChildren(el('p', { class: 'bad' }, dv.json ? dv.json.error : 'Exact did not answer')); return; }
    const form = el('form', { id: 'division-form' }, el('input', { type: 'hidden', name: 'csrf', value: csrf }));
    for (const d of dv.json.divisions) {
      form.append(el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'division', value: d.code, checked: d.chosen ? 'checked' : null }),
        ' ' + d.code + ' — ' + d.description + ' (' + d.country + ', ' + d.currency + ')'));
    }
    const result = el('p', { id: 'division-result' });
    if (dv.json.fixedBySetting) form.append(el('p', {}, 'EXACT_DIVISION is set to ' + dv.json.configured + ' and wins: change it there to book elsewhere.'));
    form.append(el('button', { type: 'submit', id: 'division-save' }, 'Use this division'), result);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const chosen = form.querySelector('input[name=division]:checked');
      if (!chosen) return;
      const c = await api('POST', '/api/console/connect/division', { division: Number(chosen.value) });
      result.textContent = c.ok ? 'Division ' + c.json.division + (c.json.changed ? ' chosen, used from the next call on' : '') + ': ' + c.json.check + (c.json.detail ? ' (' + c.json.detail + ')' : '') : c.json.error;
      result.className = c.ok && c.json.check === 'OK' ? 'good' : 'bad';
      if (c.ok) showMissing(c.json.missing);
    });
    box.replaceChildren(form);
  } else {
    document.getElementById('divisions').textContent = 'Connect Exact Online first.';
  }
}

// What a fresh install still needs; once nothing is missing the order flows start by themselves.
function showMissing(missing) {
  const p = document.getElementById('connect-missing');
  if (!p || !Array.isArray(missing)) return;
  p.textContent = missing.length === 0
    ? 'Both systems are connected: the order flows run (no restart needed).'
    : 'Not connected yet; still needed: ' + missing.join('; ') + '. The order flows wait until then.';
  p.className = missing.length === 0 ? 'good' : 'bad';
}

async function refreshMissing() {
  const r = await api('GET', '/api/console/health');
  if (r.ok) showMissing(r.json.missing);
}

// ---- start ---------------------------------------------------------------------------------

// ---- the connection picker (several shops in one connector) ------------------------------

// With more than one connection (the default and connections/), the orders pages show a picker;
// the chosen one travels in the page's ?connection= (and its links). With one connection nothing
// shows and no call changes.
async function connectionPicker() {
  const r = await api('GET', '/api/connections');
  const all = (r.ok && r.json && r.json.connections) || [];
  if (all.length < 2) return;
  const wanted = new URLSearchParams(location.search).get('connection') || '';
  const select = document.getElementById('connection');
  select.replaceChildren();
  for (const c of all) {
    const running = c.state === 'RUNNING';
    const label = c.id + (c.default ? ' (default)' : '') + (running ? '' : ' (' + c.state.toLowerCase() + ')');
    select.append(el('option', { value: c.default ? '' : c.id, 'data-connection': c.id, disabled: running ? null : 'disabled' }, label));
  }
  const known = all.find(c => !c.default && c.id === wanted && c.state === 'RUNNING');
  connection = known ? known.id : '';
  select.value = connection;
  document.getElementById('connection-picker').hidden = false;
  document.getElementById('nav-orders').href = withConnection('/console/');
  select.addEventListener('change', () => {
    // an order number belongs to one shop: a change of shop goes back to its orders
    location.href = select.value ? '/console/?connection=' + encodeURIComponent(select.value) : '/console/';
  });
}

async function start() {
  const r = await fetch('/console/session', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
  if (r.status !== 200) { location.href = '/console/login?next=' + encodeURIComponent(location.pathname + location.search); return; }
  const s = await r.json();
  csrf = s.csrf;
  document.getElementById('who').textContent = s.user;
  for (const i of document.querySelectorAll('input[name=csrf]')) i.value = csrf;
  const page = document.body.dataset.page;
  const nav = document.getElementById('nav-' + page);
  if (nav) nav.classList.add('current');
  if (page === 'orders' || page === 'order') await connectionPicker();
  const pages = { orders: ordersPage, order: orderPage, charts: chartsPage, health: healthPage, connect: connectPage };
  try {
    await pages[page]();
  } catch (e) {
    if (e.message !== 'not logged in') message('Something went wrong: ' + e.message, true);
  }
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', start);
