// Admin API access: the token (kept in sessionStorage once asked for) and the live stream.
const KEY = "tandem.adminToken";
let asking = null;

export const token = () => sessionStorage.getItem(KEY);

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

function withToken(headers = {}) {
  const t = token();
  return t ? { ...headers, authorization: "Bearer " + t } : headers;
}

/** Shows the token dialog once at a time; resolves true when the user gave a token. */
export function askToken() {
  if (asking) return asking;
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  input.value = "";
  asking = new Promise(resolve => {
    dialog.addEventListener("close", () => {
      asking = null;
      const value = input.value.trim();
      if (dialog.returnValue === "ok" && value) {
        sessionStorage.setItem(KEY, value);
        resolve(true);
      } else {
        resolve(false);
      }
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/** fetch with the token; on 401 asks for it (when ask is set) and tries once more. */
export async function api(path, { ask = false, ...options } = {}) {
  let response = await fetch(path, { ...options, headers: withToken(options.headers) });
  if (response.status === 401 && ask && await askToken()) {
    response = await fetch(path, { ...options, headers: withToken(options.headers) });
  }
  return response;
}

/** JSON of path, or null with the status when it is not 200 (404: the feature is not configured). */
export async function getJson(path, options) {
  const response = await api(path, options);
  if (!response.ok) return { status: response.status, body: null };
  return { status: response.status, body: await response.json() };
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * Opens /api/live. EventSource when no token is needed; EventSource cannot send headers, so with a token the
 * stream is read with fetch instead. onData(snapshot, first) gets each event; first is true right after a connect.
 */
export function openLive(onData, onState) {
  let stopped = false;
  let source = null;
  const run = async () => {
    while (!stopped) {
      if (!token()) {
        const closed = await new Promise(resolve => {
          let first = true;
          source = new EventSource("/api/live");
          source.onopen = () => onState("live");
          source.onmessage = e => { onData(JSON.parse(e.data), first); first = false; };
          source.onerror = () => {
            if (source.readyState === EventSource.CLOSED) resolve(true);
            else { first = true; onState("reconnecting…"); }
          };
        });
        source = null;
        if (!closed || stopped) return;
        // Closed for good: a non-200 answer, most likely 401 because reads need the token here.
        const probe = await fetch("/api/live/history?minutes=1");
        if (probe.status === 401) {
          if (!(await askToken())) { onState("needs token"); return; }
          continue;
        }
        // Otherwise most likely 503: the node has as many live clients as it takes.
        onState("busy, retrying…");
        await sleep(5000);
        continue;
      }
      try {
        const response = await fetch("/api/live", { headers: withToken() });
        if (response.status === 401) {
          forgetToken();
          if (!(await askToken())) { onState("needs token"); return; }
          continue;
        }
        if (!response.ok) throw new Error(String(response.status));
        onState("live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "", first = true;
        for (;;) {
          const { value, done } = await reader.read();
          if (done || stopped) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split("\n").filter(l => l.startsWith("data: ")).map(l => l.slice(6)).join("\n");
            if (data) { onData(JSON.parse(data), first); first = false; }
          }
        }
      } catch {
        // fall through to reconnect
      }
      if (!stopped) { onState("reconnecting…"); await sleep(2000); }
    }
  };
  run();
  return () => { stopped = true; source?.close(); };
}
