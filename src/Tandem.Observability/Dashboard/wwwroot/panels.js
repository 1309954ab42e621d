// The panels fed by other features' endpoints: alerts, pair, forecast. Each hides itself on 404 (not configured).
import { getJson } from "./api.js";
import { el, ago, clock, toSeconds } from "./dom.js";
import { lineChart, compact } from "./charts.js";

const notConfigured = new Set();

function setConfigured(name, panel, configured) {
  panel.hidden = !configured;
  if (configured) notConfigured.delete(name); else notConfigured.add(name);
  document.getElementById("not-configured").textContent =
    notConfigured.size ? ` · not configured: ${[...notConfigured].sort().join(", ")}` : "";
}

/** Polls path every period ms and hands the JSON to render; a 404 hides panel. */
export function poll(name, path, period, panel, render) {
  const tick = async () => {
    try {
      const { status, body } = await getJson(path);
      if (status === 404) setConfigured(name, panel, false);
      else if (body) { setConfigured(name, panel, true); render(body); }
    } catch {
      // network trouble: keep what is shown
    }
  };
  tick();
  return setInterval(tick, period);
}

const LEVELS = { disaster: 3, critical: 2, warning: 1 };

function alertItem(a) {
  const labels = a.labels ?? {};
  const where = ["pool", "server", "node"].filter(k => labels[k]).map(k => `${k} ${labels[k]}`).join(" · ");
  const ended = a.resolvedAt ?? a.endsAt ?? a.ended;
  return el("li", { class: `alert ${a.level ?? ""} ${a.state ?? ""}` },
    el("span", { class: `level ${a.level ?? ""}` }, a.level ?? "alert"),
    el("strong", {}, a.name ?? labels.alertname ?? "alert"),
    where && el("span", { class: "muted small" }, where),
    a.summary && el("span", { class: "summary" }, a.summary),
    el("span", { class: "muted small when" },
      (a.state && a.state !== "firing" ? a.state + " · " : "") +
      (ended ? `ended ${ago(ended)}` : a.since ? `since ${ago(a.since)}` : "") +
      (a.value != null ? ` · value ${typeof a.value === "number" ? compact(a.value) : a.value}` : "")));
}

export function renderAlerts(body) {
  const firing = body.firing ?? [];
  const recent = body.recent ?? [];
  firing.sort((a, b) => (LEVELS[b.level] ?? 0) - (LEVELS[a.level] ?? 0));
  document.getElementById("alerts-firing").replaceChildren(firing.length
    ? el("ul", { class: "alerts" }, firing.map(alertItem))
    : el("p", { class: "ok" }, "No alerts firing."));
  document.getElementById("alerts-recent").replaceChildren(recent.length
    ? el("ul", { class: "alerts" }, recent.slice(0, 20).map(alertItem))
    : el("p", { class: "muted small" }, "Nothing recent."));
  document.getElementById("alerts-recent-box").hidden = recent.length === 0;
  const badge = document.getElementById("alert-badge");
  badge.hidden = false;
  const worst = firing[0]?.level;
  badge.className = "badge " + (worst ?? "ok");
  badge.textContent = firing.length ? `${firing.length} firing` : "no alerts";
}

export function renderPair(p) {
  const fact = (term, value, cls) => [el("dt", {}, term), el("dd", { class: cls }, value)];
  const versionsDiffer = p.configVersion && p.peerConfigVersion && p.configVersion !== p.peerConfigVersion;
  document.getElementById("pair-facts").replaceChildren(...[
    fact("this node", `${p.node ?? "–"} (${p.role ?? "?"})`, p.role === "master" ? "strong" : ""),
    fact("peer", `${p.peer ?? "–"} · ${p.peerAlive ? "alive" : "lost"}${p.peerLastSeen ? ", seen " + ago(p.peerLastSeen) : ""}`,
      p.peerAlive ? "ok" : "bad"),
    fact("VIP holder", p.vipHolder ?? "–"),
    fact("last sync", p.lastSync ? ago(p.lastSync) : "never"),
    fact("sync lag", p.lagChanges != null ? `${p.lagChanges} changes` : "–", p.lagChanges > 0 ? "warn" : ""),
    fact("config", `${p.configVersion ?? "–"} / peer ${p.peerConfigVersion ?? "–"}`, versionsDiffer ? "warn" : ""),
  ].flat());
  const badge = document.getElementById("pair-badge");
  badge.hidden = false;
  badge.className = "badge " + (p.peerAlive ? "ok" : "critical");
  badge.textContent = `${p.role ?? "pair"} · peer ${p.peerAlive ? "ok" : "lost"}`;
}

// The forecast's shape is read loosely: per pool, actual [{t, value}] and forecast [{t, value, lower, upper (p90),
// servers}] (or parallel arrays), plus capacityPerServer, the planner's outlook and actions.
function points(x, valueKeys) {
  if (!x) return [];
  if (!Array.isArray(x)) {
    // Parallel arrays: {t: [...], value: [...], lower, upper}, or {start, step (seconds, default an hour), values: [...]}.
    const key = [...valueKeys, "values"].find(k => Array.isArray(x[k]));
    const start = toSeconds(x.start ?? x.from);
    const t = x.t ?? x.times ?? (start != null && key ? x[key].map((_, i) => start + i * (x.stepSeconds ?? x.step ?? 3600)) : null);
    if (!Array.isArray(t)) return [];
    return t.map((time, i) => ({ t: toSeconds(time), v: key ? x[key][i] : null, lo: x.lower?.[i], hi: x.upper?.[i] }));
  }
  if (!Array.isArray(x)) return [];
  return x.map(p => Array.isArray(p)
    ? { t: toSeconds(p[0]), v: p[1], lo: p[2], hi: p[3] }
    : { t: toSeconds(p.t ?? p.at ?? p.time ?? p.hour ?? p.timestamp), v: valueKeys.map(k => p[k]).find(v => v != null),
        lo: p.lower ?? p.lo, hi: p.p90 ?? p.upper ?? p.hi, servers: p.servers });
}

function forecastPools(body) {
  const list = Array.isArray(body) ? body
    : Array.isArray(body.pools) ? body.pools
    : Object.entries(body.pools ?? body).filter(([, v]) => v && typeof v === "object").map(([name, v]) => ({ name, ...v }));
  return list.map(p => ({
    name: p.pool ?? p.name ?? "pool",
    actual: points(p.actual ?? p.history ?? p.last24h, ["requests", "value", "count", "actual", "v"]),
    forecast: points(p.forecast ?? p.next24h ?? p.predicted, ["value", "mean", "requests", "forecast", "point", "v"]),
    outlook: p.outlook ?? p.planner?.outlook ?? null,
    actions: p.actions ?? p.planner?.actions ?? p.outlook?.actions ?? [],
    model: p.model ?? p.forecastModel ?? null,
    capacity: p.capacityPerServer ?? null,
  }));
}

const forecastCharts = new Map();

function describe(x) {
  if (x == null) return "";
  if (typeof x !== "object") return String(x);
  if (x.predictedPeak != null && x.capacity != null) {
    // The planner's outlook, in words: peak and capacity are requests/s.
    const parts = [
      `${x.overloadPredicted ? "overload predicted" : "no overload predicted"}: peak ${compact(x.predictedPeak)} req/s`
        + ` against ${compact(x.capacity)} req/s of capacity`
        + (x.capacitySource ? ` (${x.capacitySource})` : ""),
      x.serversNeeded != null ? `${x.serversNeeded} servers needed` + (x.plannedServers != null ? `, ${x.plannedServers} planned` : "") : null,
      x.action ? `last action: ${x.action}` : null,
      x.at ? `as of ${clock(x.at)}` : null,
    ];
    return parts.filter(Boolean).join(" · ");
  }
  return Object.entries(x).filter(([k, v]) => v != null && typeof v !== "object" && k !== "actions")
    .map(([k, v]) => `${k} ${typeof v === "number" ? compact(v) : v}`).join(" · ");
}

// "2 servers now, 3 from 14:00, 2 from 22:00": the hours where the servers the p90 needs change.
function plannedText(forecast) {
  const planned = forecast.filter(x => x.servers != null && x.t != null);
  if (!planned.length) return null;
  const parts = [`${planned[0].servers} now`];
  for (let i = 1; i < planned.length; i++) {
    if (planned[i].servers !== planned[i - 1].servers) parts.push(`${planned[i].servers} from ${clock(planned[i].t)}`);
  }
  return `Servers the p90 needs: ${parts.join(", ")}`;
}

function actionText(a) {
  if (typeof a === "string") return a;
  const when = a.at ?? a.when ?? a.time;
  return [when != null ? clock(when) : null, a.action ?? a.kind ?? a.type, a.server ?? a.target, a.reason ?? a.detail]
    .filter(Boolean).join(" · ");
}

export function renderForecast(body) {
  const root = document.getElementById("forecast-pools");
  const pools = forecastPools(body);
  for (const [name, c] of forecastCharts) {
    if (!pools.some(p => p.name === name)) { c.destroy(); forecastCharts.delete(name); }
  }
  if (!forecastCharts.size) root.replaceChildren();
  for (const p of pools) {
    let entry = forecastCharts.get(p.name);
    if (!entry) {
      const box = el("div", { class: "chart" });
      const info = el("div", { class: "forecast-info" });
      root.append(el("div", { class: "forecast-pool", "data-pool": p.name }, el("h3", {}, p.name), box, info));
      const chart = lineChart(box, "requests/hour", "", [
        { label: "actual", color: "#0f172a" },
        { label: "forecast", color: "#2563eb", dash: [6, 4] },
        { label: "p10", color: "rgba(37,99,235,0.25)" },
        { label: "p90", color: "rgba(37,99,235,0.7)" },
        { label: "planned capacity", color: "#059669", dash: [2, 3] },
      ], [{ series: [4, 3], fill: "rgba(37,99,235,0.12)" }]);
      entry = { ...chart, info };
      forecastCharts.set(p.name, entry);
    }
    const times = [...new Set([...p.actual.map(x => x.t), ...p.forecast.map(x => x.t)].filter(t => t != null))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const column = () => times.map(() => null);
    const actual = column(), mean = column(), lower = column(), upper = column(), capacity = column();
    for (const x of p.actual) if (index.has(x.t)) actual[index.get(x.t)] = x.v ?? null;
    for (const x of p.forecast) {
      if (!index.has(x.t)) continue;
      const i = index.get(x.t);
      mean[i] = x.v ?? null; lower[i] = x.lo ?? null; upper[i] = x.hi ?? null;
      // Planned servers x requests/s per server, in the chart's requests/hour.
      capacity[i] = x.servers != null && p.capacity ? x.servers * p.capacity * 3600 : null;
    }
    entry.chart.setData([times, actual, mean, lower, upper, capacity]);
    const actions = Array.isArray(p.actions) ? p.actions : [];
    entry.info.replaceChildren(...[
      p.model && el("p", { class: "muted small" }, `model ${typeof p.model === "string" ? p.model : describe(p.model)}`),
      p.outlook && el("p", { class: "outlook" }, typeof p.outlook === "string" ? p.outlook : describe(p.outlook)),
      plannedText(p.forecast) && el("p", { class: "planned" }, plannedText(p.forecast)),
      el("p", { class: "muted small" }, actions.length ? "Planned actions:" : "No actions planned."),
      actions.length > 0 && el("ul", { class: "actions" }, actions.map(a => el("li", {}, actionText(a)))),
    ].filter(Boolean));
  }
}
