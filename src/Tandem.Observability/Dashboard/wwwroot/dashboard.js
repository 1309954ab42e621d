// Tandem dashboard: polls the admin API once a second and renders one table per pool.
"use strict";

const previous = new Map(); // "pool/server" -> { requests, at }

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function rate(pool, server, now) {
  const key = pool + "/" + server.name;
  const last = previous.get(key);
  previous.set(key, { requests: server.requests, at: now });
  if (!last || now <= last.at) return "";
  return ((server.requests - last.requests) / ((now - last.at) / 1000)).toFixed(1);
}

async function setState(pool, server, state) {
  const response = await fetch(`/api/pools/${encodeURIComponent(pool)}/servers/${encodeURIComponent(server)}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ state }),
  });
  if (!response.ok) alert((await response.json()).error);
  refresh();
}

function render(pools) {
  const now = Date.now();
  const root = document.getElementById("pools");
  root.replaceChildren(...pools.map(pool => {
    const head = el("tr", {}, ...["server", "address", "state", "weight", "effective", "in flight", "req/s", "requests", "failures", "last change", ""]
      .map((h, i) => el("th", { class: i >= 3 && i <= 8 ? "num" : "" }, h)));
    const rows = pool.servers.map(s => {
      const action = s.state === "draining" || s.state === "disabled"
        ? el("button", { onclick: () => setState(pool.name, s.name, "up") }, "enable")
        : el("button", { onclick: () => setState(pool.name, s.name, "draining") }, "drain");
      return el("tr", {},
        el("td", {}, s.name + (s.backup ? " (backup)" : "")),
        el("td", { class: "muted" }, s.address),
        el("td", { class: "state " + s.state }, s.state),
        el("td", { class: "num" }, s.weight + (s.weightOverridden ? "*" : "")),
        el("td", { class: "num" }, s.effectiveWeight),
        el("td", { class: "num" }, s.activeConnections),
        el("td", { class: "num" }, rate(pool.name, s, now)),
        el("td", { class: "num" }, s.requests),
        el("td", { class: "num" }, s.failures),
        el("td", { class: "muted small", title: s.lastProbe ? `last probe: ${s.lastProbe.passed ? "passed" : "failed"}, ${s.lastProbe.detail}` : "" },
          s.lastChange ? `${new Date(s.lastChange.at).toLocaleTimeString()} ${s.lastChange.reason}` : ""),
        el("td", {}, action));
    });
    return el("section", { class: "pool" },
      el("h2", {}, `${pool.name} `, el("span", { class: "muted small" }, `${pool.algorithm} · ${pool.usableServers} usable`)),
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
  }));
}

async function refresh() {
  const live = document.getElementById("live");
  try {
    const [pools, status] = await Promise.all([
      fetch("/api/pools").then(r => r.json()),
      fetch("/api/status").then(r => r.json()),
    ]);
    render(pools);
    document.getElementById("node").textContent =
      `v${status.version} · config ${status.config ? status.config.version : "-"} · up ${Math.round(status.uptimeSeconds)} s`;
    live.textContent = "live";
  } catch (e) {
    live.textContent = "disconnected";
  }
}

refresh();
setInterval(refresh, 1000);
