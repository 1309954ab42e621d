// Time-series charts with the vendored uPlot (global uPlot from vendor/uPlot.iife.min.js).
export const COLORS = ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#65a30d"];

const narrow = () => window.matchMedia("(max-width: 640px)").matches;

/** A chart in container: series is [{label, color, dash, fill}], values formatted with unit. */
export function lineChart(container, title, unit, series, bands = []) {
  const opts = {
    title: unit ? `${title} (${unit})` : title,
    width: Math.max(200, container.clientWidth || 300),
    height: narrow() ? 150 : 180,
    legend: { live: !narrow() },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: "#64748b", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#e2e8f0" }, values: timeLabels, space: 70 },
      { stroke: "#64748b", grid: { stroke: "#e2e8f0" }, ticks: { stroke: "#e2e8f0" }, size: 44,
        values: (u, ticks) => ticks.map(v => compact(v)) },
    ],
    series: [{}, ...series.map(s => ({
      label: s.label, stroke: s.color, width: 1.5, dash: s.dash, fill: s.fill, spanGaps: false,
      points: { show: false },
      value: (u, v) => v == null ? "–" : compact(v) + (unit ? " " + unit : ""),
    }))],
    bands,
  };
  const data = [[], ...series.map(() => [])];
  const chart = new uPlot(opts, data, container);
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, container.clientWidth);
    if (Math.abs(width - chart.width) > 2) chart.setSize({ width, height: narrow() ? 150 : 180 });
  });
  resize.observe(container);
  return { chart, destroy: () => { resize.disconnect(); chart.destroy(); } };
}

const pad = n => String(n).padStart(2, "0");

/** 24-hour tick labels: seconds on spans under five minutes, the day on spans over a day. */
function timeLabels(u, ticks) {
  const span = ticks.length > 1 ? ticks[ticks.length - 1] - ticks[0] : 0;
  return ticks.map(t => {
    const d = new Date(t * 1000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    if (span < 300) return `${hm}:${pad(d.getSeconds())}`;
    if (span > 86400 && d.getHours() === 0 && d.getMinutes() === 0) return `${d.getMonth() + 1}/${d.getDate()}`;
    return hm;
  });
}

export function compact(v) {
  if (v == null || !isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
  if (a >= 1e4) return (v / 1e3).toFixed(0) + "k";
  if (a >= 1e3) return (v / 1e3).toFixed(1) + "k";
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2).replace(/\.?0+$/, "") || "0";
}
