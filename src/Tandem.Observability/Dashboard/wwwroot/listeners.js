// The listeners of the live snapshot: the routes panel (per route of each HTTP listener: its action, pools, requests/s,
// share of 5xx and mean latency over the last 5 s) and the layer-4 panel (per tcp, udp or tls-passthrough listener:
// what is open, new connections/s and bytes/s). Each panel shows only when the config has something for it: routes
// when some listener has `routes:` (then a listener with only `pool:` is one row), layer-4 when some listener is one.
import { el, ms, rate, percent } from "./dom.js";
import { compact } from "./charts.js";

const tables = { routes: { signature: null, rows: new Map() }, streams: { signature: null, rows: new Map() } };

const perSecond = v => v == null ? "–" : compact(v) + "/s";
const bytesPerSecond = v => v == null ? "–" : v < 1024 ? `${Math.round(v)} B/s`
  : v < 1024 * 1024 ? `${(v / 1024).toFixed(1)} KB/s` : `${(v / (1024 * 1024)).toFixed(1)} MB/s`;

function header(names, numeric) {
  return el("thead", {}, el("tr", {}, names.map((h, i) => el("th", { class: numeric(i) ? "num" : "" }, h))));
}

/**
 * Rebuilds a table's rows when the set of rows changed: { body (null when unchanged), rows: key -> cells by label },
 * the cells to update in place on every event.
 */
function rebuild(name, signature, build) {
  const table = tables[name];
  if (table.signature === signature) return { body: null, rows: table.rows };
  table.signature = signature;
  table.rows = new Map();
  const body = el("tbody");
  for (const [key, tr, cells] of build()) {
    body.append(tr);
    table.rows.set(key, cells);
  }
  return { body, rows: table.rows };
}

function cellsOf(tr, labels) {
  const cells = {};
  for (const label of labels) {
    cells[label] = el("td", { class: "num", "data-label": label });
    tr.append(cells[label]);
  }
  return cells;
}

const ROUTE_NUMBERS = ["req/s", "5xx", "mean ms", "requests"];

function renderRoutes(listeners) {
  const http = listeners.filter(l => l.protocol === "http");
  const panel = document.getElementById("routes");
  panel.hidden = !http.some(l => l.routed);
  if (panel.hidden) return;
  const signature = JSON.stringify(http.map(l => [l.name, l.routes.map(r => [r.name, r.action, r.pools, r.detail])]));
  const built = rebuild("routes", signature, () => http.flatMap(l => l.routes.map((r, i) => {
    const tr = el("tr", { "data-listener": l.name, "data-route": r.name });
    const pools = r.pools.length ? r.pools.join(", ") : "–";
    tr.append(
      el("td", { class: i === 0 ? "listener" : "listener muted", "data-label": "listener" }, i === 0 ? l.name : ""),
      el("td", { class: "name", "data-label": "route" }, el("strong", {}, r.name),
        r.implicit && r.name === "default" && l.routed ? el("span", { class: "muted small" }, "no route matched") : ""),
      el("td", { "data-label": "action" }, el("span", { class: "tag" }, r.action), r.detail ? el("span", { class: "muted small detail" }, " " + r.detail) : ""),
      el("td", { class: "pools", "data-label": "pools" }, pools));
    return [`${l.name}\n${r.name}`, tr, cellsOf(tr, ROUTE_NUMBERS)];
  })));
  if (built.body) document.getElementById("routes-table").replaceChildren(
    header(["listener", "route", "action", "pools", ...ROUTE_NUMBERS], i => i >= 4), built.body);
  const rows = built.rows;
  for (const l of http) {
    for (const r of l.routes) {
      const cells = rows.get(`${l.name}\n${r.name}`);
      if (!cells) continue;
      cells["req/s"].textContent = rate(r.rps);
      cells["5xx"].textContent = percent(r.errorRate);
      cells["mean ms"].textContent = ms(r.meanMs);
      cells.requests.textContent = compact(r.requests);
    }
  }
}

const STREAM_NUMBERS = ["open", "new/s", "in", "out", "connections", "failed"];

function renderStreams(listeners) {
  const streams = listeners.filter(l => l.protocol !== "http");
  const panel = document.getElementById("streams");
  panel.hidden = streams.length === 0;
  if (panel.hidden) return;
  const signature = JSON.stringify(streams.map(l => [l.name, l.protocol, l.pools]));
  const built = rebuild("streams", signature, () => streams.map(l => {
    const tr = el("tr", { "data-listener": l.name });
    tr.append(
      el("td", { class: "name", "data-label": "listener" }, el("strong", {}, l.name)),
      el("td", { "data-label": "protocol" }, el("span", { class: "tag" }, l.protocol)),
      el("td", { class: "pools", "data-label": "pools" }, l.pools.length ? l.pools.join(", ") : "–"));
    return [l.name, tr, cellsOf(tr, STREAM_NUMBERS)];
  }));
  if (built.body) document.getElementById("streams-table").replaceChildren(
    header(["listener", "protocol", "pools", ...STREAM_NUMBERS], i => i >= 3), built.body);
  const rows = built.rows;
  for (const l of streams) {
    const cells = rows.get(l.name);
    if (!cells) continue;
    // A udp listener's open flows are its session table; a tcp one's, its connections.
    cells.open.textContent = l.protocol === "udp" ? `${l.active} session${l.active === 1 ? "" : "s"}` : String(l.active);
    cells["new/s"].textContent = perSecond(l.newPerSecond);
    cells.in.textContent = bytesPerSecond(l.bytesInPerSecond);
    cells.out.textContent = bytesPerSecond(l.bytesOutPerSecond);
    cells.connections.textContent = compact(l.connections);
    cells.failed.textContent = compact(l.failed);
  }
}

export function renderListeners(snapshot) {
  const listeners = snapshot.listeners ?? [];
  renderRoutes(listeners);
  renderStreams(listeners);
}
