// The cache panel: each caching route's hit ratio over the last 15 minutes, from the counts of /api/cache polled
// every 5 s (each point is the ratio of that interval: hits, stale and revalidated over those plus misses).
import { el } from "./dom.js";
import { lineChart, COLORS, compact } from "./charts.js";

const WINDOW = 15 * 60;
const history = { times: [], routes: new Map() }; // route -> ratios aligned with times
let last = null;                                   // the previous poll's counts by route
let chart = null;
let names = "";

const served = r => r.hit + r.stale + r.revalidated;

export function renderCache(body) {
  const now = Date.now() / 1000;
  const counts = new Map(body.routes.map(r => [r.route, r]));
  if (last) {
    history.times.push(now);
    for (const [route, r] of counts) {
      const before = last.get(route) ?? { hit: 0, stale: 0, revalidated: 0, miss: 0 };
      const hits = served(r) - served(before);
      const total = hits + r.miss - before.miss;
      if (!history.routes.has(route)) history.routes.set(route, history.times.slice(0, -1).map(() => null));
      history.routes.get(route).push(total > 0 ? 100 * hits / total : null);
    }
    for (const [route, values] of history.routes) if (!counts.has(route)) values.push(null);
    while (history.times.length && history.times[0] < now - WINDOW) {
      history.times.shift();
      for (const values of history.routes.values()) values.shift();
    }
  }
  last = counts;
  const routes = [...history.routes.keys()].sort();
  if (!chart || names !== routes.join("\n")) {
    chart?.destroy();
    names = routes.join("\n");
    const box = document.getElementById("cache-chart");
    box.replaceChildren();
    chart = lineChart(box, "hit ratio", "%", routes.map((route, i) => ({ label: route, color: COLORS[i % COLORS.length] })));
  }
  chart.chart.setData([history.times, ...routes.map(r => history.routes.get(r))]);
  const mb = v => compact(v / (1024 * 1024)) + " MB";
  document.getElementById("cache-facts").replaceChildren(...[
    ["objects", compact(body.objects)],
    ["memory", `${mb(body.bytes)} of ${mb(body.capacity)}`],
    ["shared tier", body.shared ? (body.sharedUp ? "up" : "down") : "none"],
    ...body.routes.map(r => [`${r.route} since start`, r.hitRatio == null ? "–" : `${(100 * r.hitRatio).toFixed(1)}% hits`]),
  ].flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}
