// Small DOM and formatting helpers.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Seconds (Unix) or an ISO string to Unix seconds; null when neither. */
export function toSeconds(x) {
  if (x == null) return null;
  if (typeof x === "number") return x > 1e11 ? x / 1000 : x;
  const ms = Date.parse(x);
  return isNaN(ms) ? null : ms / 1000;
}

export function ago(x) {
  const s = toSeconds(x);
  if (s == null) return "–";
  const d = Math.max(0, Date.now() / 1000 - s);
  if (d < 60) return `${Math.round(d)} s ago`;
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${(d / 3600).toFixed(1)} h ago`;
  return new Date(s * 1000).toLocaleString();
}

export function clock(x) {
  const s = toSeconds(x);
  return s == null ? "–" : new Date(s * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export const ms = v => v == null ? "–" : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
export const rate = v => v == null ? "–" : v < 10 ? v.toFixed(1) : v.toFixed(0);
export const percent = v => v == null ? "–" : v === 0 ? "0%" : (v * 100 < 0.1 ? "<0.1" : (v * 100).toFixed(1)) + "%";
