/**
 * The observer page: one self-contained HTML document (no build step, no external assets). It reads
 * live snapshots from `<base>/events` (SSE) and a session's recent requests from `<base>/sessions/<id>`.
 * Everything from the server is inserted as text, never as HTML.
 */
export function observerPage(base: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>erlmcp observer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { --fg:#1d2330; --muted:#6b7385; --line:#e3e6ee; --accent:#2f6fde; --bad:#c8332c; --bg:#f7f8fb; }
  body { font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
  header { display:flex; gap:24px; align-items:center; padding:12px 20px; background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; } .badge { padding:2px 8px; border-radius:10px; background:#e8f0fe; color:var(--accent); font-size:12px; }
  .badge.bad { background:#fde8e7; color:var(--bad); } main { padding:16px 20px; display:grid; gap:16px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
  section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
  h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:0 0 8px; }
  .cards { display:flex; gap:18px; flex-wrap:wrap; } .card b { display:block; font-size:22px; } .card span { color:var(--muted); font-size:12px; }
  table { width:100%; border-collapse:collapse; } td, th { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); font-variant-numeric: tabular-nums; }
  th { color:var(--muted); font-weight:500; font-size:12px; } tr.session { cursor:pointer; } tr.session:hover { background:#f0f4ff; }
  svg { display:block; } .err { color:var(--bad); } .muted { color:var(--muted); } ul { margin:0; padding-left:18px; }
</style></head>
<body>
<header><h1>erlmcp observer</h1><span id="status" class="badge">connecting…</span>
  <span class="muted">pid <span id="pid">–</span> · up <span id="uptime">–</span> s · heap <span id="heap">–</span> MiB</span></header>
<main>
  <section><h2>Requests</h2>
    <div class="cards">
      <div class="card"><b id="total-requests">0</b><span>total</span></div>
      <div class="card"><b id="rate">0</b><span>req/s (10 s)</span></div>
      <div class="card"><b id="p50">0</b><span>p50 ms</span></div>
      <div class="card"><b id="p99">0</b><span>p99 ms</span></div>
      <div class="card"><b id="errors" class="err">0</b><span>errors (10 s)</span></div>
    </div>
    <svg id="chart" width="100%" height="90" viewBox="0 0 600 90" preserveAspectRatio="none"></svg>
    <div class="muted">requests per second, last 60 s</div>
  </section>
  <section><h2>Supervisor</h2><div id="tree"></div></section>
  <section style="grid-column: 1 / -1"><h2>Tools and methods</h2>
    <table><thead><tr><th>name</th><th>req/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>last 30 s</th></tr></thead><tbody id="targets"></tbody></table></section>
  <section id="upstreams-section" style="grid-column: 1 / -1" hidden><h2>Upstreams</h2>
    <table><thead><tr><th>upstream</th><th>state</th><th>circuit</th><th>era</th><th>connections busy/up</th><th>waiting</th><th>calls</th><th>failures</th><th>last error</th></tr></thead><tbody id="upstreams"></tbody></table></section>
  <section><h2>Sessions</h2><div id="by-transport" class="muted"></div>
    <table><thead><tr><th>session</th><th>transport</th><th>version</th><th>client</th><th>requests</th></tr></thead><tbody id="sessions"></tbody></table>
    <div id="drill"></div></section>
  <section><h2>Errors and refusals</h2><div id="refused"></div><ul id="error-list"></ul></section>
</main>
<script>
const base = ${JSON.stringify(base)};
const $ = (id) => document.getElementById(id);
function el(tag, text, attrs) { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); return e; }
function row(cells, attrs) { const tr = el('tr', undefined, attrs); for (const c of cells) { const td = el('td'); if (c instanceof Node) td.append(c); else td.textContent = String(c); tr.append(td); } return tr; }
function spark(values, w, h) {
  const max = Math.max(1, ...values); const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', values.map((v, i) => (i * w / Math.max(1, values.length - 1)).toFixed(1) + ',' + (h - 2 - v / max * (h - 4)).toFixed(1)).join(' '));
  line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#2f6fde'); line.setAttribute('stroke-width', '1.5'); svg.append(line); return svg;
}
function render(s) {
  $('status').textContent = s.supervisor.draining ? 'draining' : s.supervisor.overloaded ? 'shedding load' : 'live';
  $('status').className = 'badge' + (s.supervisor.draining || s.supervisor.overloaded ? ' bad' : '');
  $('pid').textContent = s.supervisor.pid; $('uptime').textContent = s.uptimeSeconds;
  $('heap').textContent = (s.supervisor.heapUsedBytes / 1048576).toFixed(1);
  $('total-requests').textContent = s.totals.requests; $('rate').textContent = s.totals.rate.toFixed(1);
  $('p50').textContent = s.totals.p50.toFixed(1); $('p99').textContent = s.totals.p99.toFixed(1); $('errors').textContent = s.totals.errors;
  const chart = $('chart'); chart.replaceChildren(); const big = spark(s.totals.series, 600, 90); chart.append(...big.childNodes);
  const tree = el('ul'); const root = el('li', 'supervisor (' + s.supervisor.inFlight + ' in flight, ' + s.supervisor.sessions + ' sessions, loop delay ' + s.supervisor.eventLoopDelayMs + ' ms)');
  const kids = el('ul'); for (const [t, n] of Object.entries(s.sessionsByTransport)) kids.append(el('li', t + ': ' + n + ' sessions'));
  kids.append(el('li', 'stateless 2026 requests: ' + s.eras.modern + ' · 2025 session requests: ' + s.eras.legacy));
  kids.append(el('li', 'restarts: ' + s.supervisor.restarts.length + (s.supervisor.restarts.length ? ' (last: ' + s.supervisor.restarts[s.supervisor.restarts.length - 1].kind + ' ' + s.supervisor.restarts[s.supervisor.restarts.length - 1].id + ')' : '')));
  root.append(kids); tree.append(root); $('tree').replaceChildren(tree);
  $('targets').replaceChildren(...s.targets.map((t) => row([t.name, t.rate.toFixed(1), t.p50.toFixed(1), t.p99.toFixed(1), t.errors, spark(t.series, 120, 20)], { 'data-name': t.name })));
  const upstreams = s.upstreams || []; $('upstreams-section').hidden = upstreams.length === 0;
  $('upstreams').replaceChildren(...upstreams.map((u) => row([u.name, u.state, u.circuit, (u.era || '–') + (u.protocolVersion ? ' ' + u.protocolVersion : ''), u.busy + '/' + u.connections, u.waiting, u.calls, u.failures, u.lastError || ''], { class: u.state === 'up' && u.circuit === 'closed' ? '' : 'err' })));
  $('by-transport').textContent = 'requests by transport: ' + Object.entries(s.requestsByTransport).map(([k, v]) => k + ' ' + v).join(' · ');
  $('sessions').replaceChildren(...s.sessions.map((x) => { const tr = row([x.id.slice(0, 13), x.transport, x.protocolVersion, x.client || '', x.requests], { class: 'session' }); tr.onclick = () => drill(x.id); return tr; }));
  $('refused').textContent = Object.keys(s.refused).length ? 'refused: ' + Object.entries(s.refused).map(([k, v]) => k + ' ' + v).join(' · ') : 'nothing refused';
  $('error-list').replaceChildren(...s.errors.map((e) => el('li', new Date(e.at).toLocaleTimeString() + ' ' + e.method + (e.target ? ' ' + e.target : '') + ' → ' + e.outcome + (e.errorCode ? ' ' + e.errorCode : ''), { class: 'err' })));
}
async function drill(id) {
  const res = await fetch(base + '/sessions/' + encodeURIComponent(id)); if (!res.ok) { $('drill').textContent = 'session ended'; return; }
  const s = await res.json(); const table = el('table'); table.append(row(['time', 'method', 'target', 'outcome', 'ms']));
  for (const r of s.recent.slice().reverse()) table.append(row([new Date(r.at).toLocaleTimeString(), r.method, r.target || '', r.outcome, r.durationMs]));
  $('drill').replaceChildren(el('h2', 'session ' + s.id), table);
}
const source = new EventSource(base + '/events');
source.onmessage = (message) => render(JSON.parse(message.data));
source.onerror = () => { $('status').textContent = 'reconnecting…'; $('status').className = 'badge bad'; };
</script></body></html>`;
}
