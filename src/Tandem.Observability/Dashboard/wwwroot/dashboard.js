// Tandem dashboard: live pools and servers, routes and layer-4 listeners (server-sent events from /api/live),
// 15-minute charts, alerts, pair,
// forecast, cache, and server actions through the admin API (/api/pools/{pool}/servers/{server}).
import { api, getJson, openLive, token, forgetToken } from "./api.js";
import { el, ms, rate, percent, ago } from "./dom.js";
import { lineChart, COLORS } from "./charts.js";
import { poll, renderAlerts, renderPair, renderForecast } from "./panels.js";
import { renderCache } from "./cache.js";
import { renderListeners } from "./listeners.js";

const WINDOW = 15 * 60;           // seconds of chart history
const pools = new Map();          // name -> { card, rows, signature, hist, charts, view }

// ---- history: per pool one time axis; pool and server series aligned to it (servers sample on the same tick)
function emptyHistory() {
  return { t: [], rps: [], p50: [], p99: [], servers: new Map() };
}

function serverHistory(hist, name) {
  let s = hist.servers.get(name);
  if (!s) {
    s = { rps: hist.t.map(() => null), p50: hist.t.map(() => null), p99: hist.t.map(() => null) };
    hist.servers.set(name, s);
  }
  return s;
}

function loadHistory(hist, pool) {
  hist.t = pool.t.slice(); hist.rps = pool.rps.slice(); hist.p50 = pool.p50.slice(); hist.p99 = pool.p99.slice();
  hist.servers.clear();
  const index = new Map(hist.t.map((t, i) => [t, i]));
  for (const server of pool.servers) {
    const s = serverHistory(hist, server.name);
    server.t.forEach((t, j) => {
      const i = index.get(t);
      if (i === undefined) return;
      s.rps[i] = server.rps[j]; s.p50[i] = server.p50[j]; s.p99[i] = server.p99[j];
    });
  }
}

function append(hist, at, pool) {
  if (hist.t.length && at <= hist.t[hist.t.length - 1]) return;
  hist.t.push(at); hist.rps.push(pool.rps); hist.p50.push(pool.p50); hist.p99.push(pool.p99);
  const seen = new Set();
  for (const server of pool.servers) {
    const s = serverHistory(hist, server.name);
    s.rps.push(server.rps); s.p50.push(server.p50); s.p99.push(server.p99);
    seen.add(server.name);
  }
  for (const [name, s] of hist.servers) {
    if (!seen.has(name)) { s.rps.push(null); s.p50.push(null); s.p99.push(null); }
  }
  let drop = 0;
  while (drop < hist.t.length && hist.t[drop] < at - WINDOW) drop++;
  if (drop) {
    for (const a of [hist.t, hist.rps, hist.p50, hist.p99]) a.splice(0, drop);
    for (const s of hist.servers.values()) for (const a of [s.rps, s.p50, s.p99]) a.splice(0, drop);
  }
}

// ---- charts: pool total, each server, or one server
function chartSeries(entry) {
  const names = entry.serverNames;
  const view = entry.view;
  if (view === "total") {
    return {
      rps: [{ label: "pool", color: COLORS[0], fill: "rgba(37,99,235,0.08)" }],
      latency: [{ label: "p50", color: COLORS[0] }, { label: "p99", color: COLORS[1] }],
    };
  }
  if (view === "servers") {
    return {
      rps: names.map((n, i) => ({ label: n, color: COLORS[i % COLORS.length] })),
      latency: names.map((n, i) => ({ label: n + " p99", color: COLORS[i % COLORS.length] })),
    };
  }
  return {
    rps: [{ label: view, color: COLORS[0], fill: "rgba(37,99,235,0.08)" }],
    latency: [{ label: view + " p50", color: COLORS[0] }, { label: view + " p99", color: COLORS[1] }],
  };
}

function chartData(entry) {
  const h = entry.hist, view = entry.view;
  if (view === "total") return { rps: [h.t, h.rps], latency: [h.t, h.p50, h.p99] };
  if (view === "servers") {
    const s = entry.serverNames.map(n => serverHistory(h, n));
    return { rps: [h.t, ...s.map(x => x.rps)], latency: [h.t, ...s.map(x => x.p99)] };
  }
  const s = serverHistory(h, view);
  return { rps: [h.t, s.rps], latency: [h.t, s.p50, s.p99] };
}

function buildCharts(entry) {
  for (const c of entry.charts) c.destroy();
  const series = chartSeries(entry);
  entry.rpsBox.replaceChildren();
  entry.latencyBox.replaceChildren();
  entry.charts = [
    lineChart(entry.rpsBox, "requests/s", "", series.rps),
    lineChart(entry.latencyBox, "latency", "ms", series.latency),
  ];
  drawCharts(entry);
}

function drawCharts(entry) {
  if (!entry.charts.length) return;
  const data = chartData(entry);
  entry.charts[0].chart.setData(data.rps);
  entry.charts[1].chart.setData(data.latency);
}

// ---- server actions
function toast(text, kind = "") {
  const box = el("div", { class: "toast " + kind, role: "status" }, text);
  document.body.append(box);
  setTimeout(() => box.remove(), 4000);
}

async function setState(pool, server, state) {
  if (state === "disabled" && !confirm(`Disable ${server} in pool ${pool}? It stops taking requests at once, in-flight ones finish.`)) return;
  const response = await api(`/api/pools/${encodeURIComponent(pool)}/servers/${encodeURIComponent(server)}`, {
    ask: true, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ state }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) { toast(body.error ?? `failed: ${response.status}`, "bad"); return; }
  toast(`${pool}/${server}: ${body.state ?? state}`);
  showForgetToken();
  const entry = pools.get(pool);
  const row = entry?.rows.get(server);
  if (row && body.state) updateState(row, body.state);
}

const ACTIONS = [["drain", "draining"], ["enable", "up"], ["disable", "disabled"]];

function updateState(row, state) {
  row.state.textContent = state;
  row.state.className = "pill " + state;
  row.tr.dataset.state = state;
  const admin = state === "draining" || state === "disabled" ? state : "up";
  for (const [action, target] of ACTIONS) row.buttons[action].disabled = target === admin;
}

// ---- pool cards
function buildPool(pool) {
  const entry = pools.get(pool.name) ?? {
    hist: emptyHistory(), charts: [], view: "total", serverNames: [],
  };
  pools.set(pool.name, entry);
  entry.serverNames = pool.servers.map(s => s.name);
  entry.signature = entry.serverNames.join("\n");
  entry.rows = new Map();
  const head = el("tr", {}, ["server", "state", "weight", "eff.", "in flight", "req/s", "p50 ms", "p99 ms", "errors", ""]
    .map((h, i) => el("th", { class: i >= 2 && i <= 8 ? "num" : "" }, h)));
  const body = el("tbody");
  for (const s of pool.servers) {
    const cell = (label, cls = "num") => el("td", { class: cls, "data-label": label });
    const row = {
      tr: el("tr", { "data-server": s.name }),
      name: el("td", { class: "name", "data-label": "server" }),
      state: el("span", { class: "pill" }),
      weight: cell("weight"), effective: cell("eff. weight"), inFlight: cell("in flight"), rps: cell("req/s"),
      p50: cell("p50 ms"), p99: cell("p99 ms"), errors: cell("errors"), buttons: {},
    };
    row.name.append(el("strong", {}, s.name), s.backup ? el("span", { class: "tag" }, "backup") : "",
      el("div", { class: "muted small address" }, s.address));
    const actions = el("td", { class: "actions" });
    for (const [action, target] of ACTIONS) {
      row.buttons[action] = el("button", {
        type: "button", class: action === "disable" ? "danger" : "", "data-action": action, "data-server": s.name,
        onclick: () => setState(pool.name, s.name, target),
      }, action);
      actions.append(row.buttons[action]);
    }
    row.tr.append(row.name, el("td", { class: "state-cell", "data-label": "state" }, row.state),
      row.weight, row.effective, row.inFlight, row.rps, row.p50, row.p99, row.errors, actions);
    body.append(row.tr);
    entry.rows.set(s.name, row);
  }
  const select = el("select", { "aria-label": `chart series of ${pool.name}`, onchange: e => { entry.view = e.target.value; buildCharts(entry); } },
    el("option", { value: "total" }, "pool total"),
    el("option", { value: "servers" }, "each server"),
    entry.serverNames.map(n => el("option", { value: n }, n)));
  if (entry.view !== "total" && entry.view !== "servers" && !entry.serverNames.includes(entry.view)) entry.view = "total";
  select.value = entry.view;
  entry.summary = el("span", { class: "summary muted small" });
  entry.rpsBox = el("div", { class: "chart" });
  entry.latencyBox = el("div", { class: "chart" });
  const card = el("section", { class: "panel pool", "data-pool": pool.name },
    el("div", { class: "pool-head" },
      el("h2", {}, pool.name, " ", el("span", { class: "muted small" }, pool.algorithm)),
      entry.summary, el("span", { class: "spacer" }), select),
    el("div", { class: "table-wrap" }, el("table", { class: "servers" }, el("thead", {}, head), body)),
    el("div", { class: "charts" }, entry.rpsBox, entry.latencyBox));
  if (entry.card) entry.card.replaceWith(card); else document.getElementById("pools").append(card);
  entry.card = card;
  buildCharts(entry);
  return entry;
}

function render(snapshot, first) {
  const names = new Set(snapshot.pools.map(p => p.name));
  for (const [name, entry] of pools) {
    if (!names.has(name) && entry.card) { entry.card.remove(); for (const c of entry.charts) c.destroy(); pools.delete(name); }
  }
  for (const pool of snapshot.pools) {
    let entry = pools.get(pool.name);
    if (!entry?.card || entry.signature !== pool.servers.map(s => s.name).join("\n")) entry = buildPool(pool);
    entry.summary.textContent = `${pool.usable}/${pool.servers.length} usable · ${rate(pool.rps)} req/s · p99 ${ms(pool.p99)} ms`;
    for (const s of pool.servers) {
      const row = entry.rows.get(s.name);
      updateState(row, s.state);
      row.weight.textContent = s.weight + (s.weightOverridden ? "*" : "");
      row.effective.textContent = s.effectiveWeight;
      row.inFlight.textContent = s.inFlight;
      row.rps.textContent = rate(s.rps);
      row.p50.textContent = ms(s.p50);
      row.p99.textContent = ms(s.p99);
      row.errors.textContent = percent(s.errorRate);
      row.tr.title = s.lastChange ? `${s.lastChange.state} ${ago(s.lastChange.at)}: ${s.lastChange.reason}` : "";
    }
    // The first event after a connect repeats the newest sample at the connect time: tables only.
    if (!first) { append(entry.hist, snapshot.at, pool); drawCharts(entry); }
  }
  if (snapshot.listeners) renderListeners(snapshot);
}

// ---- header
/** Shows version, config file and uptime; returns /api/status (null when it could not be read). */
async function refreshStatus() {
  const { body } = await getJson("/api/status").catch(() => ({}));
  if (body) {
    const node = document.getElementById("node");
    const up = body.uptimeSeconds < 3600 ? `${Math.round(body.uptimeSeconds / 60)} min` : `${(body.uptimeSeconds / 3600).toFixed(1)} h`;
    const file = body.config ? body.config.source.split("/").pop() : "–";
    node.textContent = `v${body.version.split("+")[0]} · ${file} · up ${up}`;
    node.title = `version ${body.version}; config ${body.config?.source ?? "–"} (version ${body.config?.version ?? "–"})`;
  }
  return body ?? null;
}

function showForgetToken() {
  document.getElementById("forget-token").hidden = !token();
}

async function start() {
  const live = document.getElementById("live");
  document.getElementById("forget-token").addEventListener("click", () => { forgetToken(); showForgetToken(); });
  showForgetToken();
  const history = await getJson("/api/live/history?minutes=15", { ask: true }).catch(() => ({}));
  const seed = await getJson("/api/pools").catch(() => ({}));
  if (seed.body) {
    // Draw the cards at once; live values follow with the first event.
    render({ at: 0, pools: seed.body.map(p => ({ ...p, usable: p.usableServers,
      servers: p.servers.map(s => ({ ...s, inFlight: s.activeConnections })) })) }, true);
  }
  if (history.body) {
    for (const pool of history.body.pools) {
      const entry = pools.get(pool.name);
      if (entry) { loadHistory(entry.hist, pool); drawCharts(entry); }
    }
  }
  openLive((snapshot, first) => { render(snapshot, first); live.className = "badge ok"; live.textContent = "live"; },
    state => { live.textContent = state; live.className = "badge " + (state === "live" ? "ok" : "warning"); showForgetToken(); });
  const status = await refreshStatus();
  setInterval(refreshStatus, 10000);
  poll("alerts", "/api/alerts", 5000, document.getElementById("alerts"), renderAlerts);
  // Only what the config has: a standalone node shows no pair panel, and nothing asks for an endpoint that is not there.
  if (status?.features?.pair) poll("pair", "/api/pair", 5000, document.getElementById("pair"), renderPair);
  if (status?.features?.forecast) poll("forecast", "/api/forecast", 60000, document.getElementById("forecast"), renderForecast);
  if (status?.features?.cache) poll("cache", "/api/cache", 5000, document.getElementById("cache"), renderCache);
}

start();
