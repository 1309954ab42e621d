#!/usr/bin/env bash
# Cache hits: requests/s and p99 of Tandem's cache against nginx proxy_cache and Varnish, side by side in one run,
# and the request collapse of each (1,000 concurrent misses of one URL: how many reach the server).
#
#   bench/cache.sh PATH/TO/tandem            (a published tandem apphost or tandem.dll)
#
# An nginx backend on loopback serves one small object with Cache-Control: max-age=3600; each proxy caches it in
# memory and wrk asks for that one URL (every request after the first is a hit). Rounds are interleaved
# (nginx, varnish, tandem, nginx, ...) so drift of this shared machine hits all three alike; quote medians.
# The collapse backend is a small Python server that answers after 500 ms and counts requests per URL; nginx
# collapses with proxy_cache_lock on (its opt-in), Varnish and Tandem by default.
# Settings: CONNS (64), SECONDS_EACH (8), ROUNDS (3), BODY_BYTES (13), WORKERS (auto: one per core), COLLAPSE (1000).
# Needs nginx, varnishd, wrk, curl, python3 (Debian: apt-get install -y nginx-light varnish wrk curl python3).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tandem=${1:?usage: cache.sh PATH/TO/tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-3} BODY_BYTES=${BODY_BYTES:-13}
WORKERS=${WORKERS:-$(nproc)} COLLAPSE=${COLLAPSE:-1000}
for tool in nginx varnishd wrk curl python3; do
  command -v $tool >/dev/null || { echo "cache.sh: $tool is missing (apt-get install -y nginx-light varnish wrk curl python3)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/cache-bench.XXXXXX)
chmod 755 "$dir"   # nginx and Varnish workers run as other users and write their caches under it
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B=19101 SLOW=19102 P=18180 ADMIN=19190
body=$(head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x')

cat >"$dir/backend.conf" <<EOF
worker_processes 1; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:$B backlog=4096; location / { add_header Cache-Control "max-age=3600"; return 200 "$body"; } } }
EOF
cat >"$dir/slow.py" <<'EOF'
import sys, time, collections, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
counts = collections.Counter(); lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path == "/count":
            with lock: text = "\n".join(f"{k} {v}" for k, v in counts.items()) + "\n"
        else:
            with lock: counts[self.path] += 1
            time.sleep(0.5); text = "popular\n"
        data = text.encode()
        self.send_response(200); self.send_header("Cache-Control", "no-store" if self.path == "/count" else "max-age=3600")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
ThreadingHTTPServer.request_queue_size = 2048
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
config() { # backend port -> the three proxies' configs for that backend
  cat >"$dir/nginx.conf" <<EOF
worker_processes $WORKERS; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;
events { worker_connections 8192; }
http { access_log off;
  proxy_cache_path $dir/nginx-cache keys_zone=c:16m max_size=256m;
  upstream app { server 127.0.0.1:$1; keepalive 128; }
  server { listen 127.0.0.1:$P backlog=4096;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache c; proxy_cache_lock on; proxy_cache_lock_timeout 5s; add_header X-Cache \$upstream_cache_status; } } }
EOF
  cat >"$dir/default.vcl" <<EOF
vcl 4.1;
backend app { .host = "127.0.0.1"; .port = "$1"; }
EOF
  cat >"$dir/tandem.yaml" <<EOF
listeners:
  - name: web
    bind: 127.0.0.1:$P
    routes:
      - pool: app
        cache: { x-cache-header: true }
cache: { memory: 256MB }
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    servers:
      - address: 127.0.0.1:$1
EOF
}

nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
python3 "$dir/slow.py" $SLOW >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B/" >/dev/null && curl -sf "http://127.0.0.1:$SLOW/count" >/dev/null && break; sleep 0.1; done

start() {
  case $1 in
    nginx) rm -rf "$dir/nginx-cache"; nginx -c "$dir/nginx.conf" >>"$dir/run.err" 2>&1 & ;;
    varnish) varnishd -F -n "$dir/varnish" -a 127.0.0.1:$P -f "$dir/default.vcl" -s malloc,256m >>"$dir/run.err" 2>&1 & ;;
    tandem) "${tandem_cmd[@]}" run --config "$dir/tandem.yaml" >>"$dir/run.err" 2>&1 & ;;
  esac
  echo $!
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$P/" >/dev/null 2>&1 || break; sleep 0.1; done; }
up() { for _ in $(seq 150); do curl -sf "http://127.0.0.1:$P/$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
measure() { # url -> "rps p99_ms"
  wrk -t1 -c"$CONNS" -d2s "$1" >/dev/null 2>&1 || true
  wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$1" 2>/dev/null | awk '
    /^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } p99=v }
    /^Requests\/sec/ { rps=$2 }
    /Non-2xx|Socket errors/ { bad=bad" "$0 }
    END { printf "%s %s%s\n", rps+0, p99+0, (bad ? " #" bad : "") }'
}

echo "# cache.sh: conns=$CONNS seconds=$SECONDS_EACH rounds=$ROUNDS body=${BODY_BYTES}B workers=$WORKERS cores=$(nproc) collapse=$COLLAPSE"
: >"$dir/results"
config $B
for r in $(seq "$ROUNDS"); do
  for p in nginx varnish tandem; do
    pid=$(start $p)
    if up "hit"; then echo "$p $(measure "http://127.0.0.1:$P/hit")" >>"$dir/results"; else echo "$p 0 0 # did not answer" >>"$dir/results"; fi
    stop "$pid"
  done
done
grep '#' "$dir/results" | sed 's/^/# note: /' || true
printf '%-8s %12s %10s\n' proxy "hits/s(med)" "p99(ms)"
for p in nginx varnish tandem; do
  rps=$(awk -v p=$p '$1==p {print $2}' "$dir/results" | median)
  p99=$(awk -v p=$p '$1==p {print $3}' "$dir/results" | median)
  printf '%-8s %12.0f %10.2f\n' $p "$rps" "$p99"
  eval "rps_$p=$rps p99_$p=$p99"
done
awk -v t="$rps_tandem" -v n="$rps_nginx" -v v="$rps_varnish" 'BEGIN {
  printf "ratio hits/s tandem/nginx=%.2f tandem/varnish=%.2f\n", (n? t/n:0), (v? t/v:0) }'

# Collapse: COLLAPSE connections ask for one new URL at once (wrk opens them together); the slow backend counts.
config $SLOW
printf '%-8s %s\n' proxy "upstream requests for $COLLAPSE concurrent misses"
for p in nginx varnish tandem; do
  pid=$(start $p)
  if up "warm-$p"; then
    wrk -t2 -c"$COLLAPSE" -d3s --timeout 10s "http://127.0.0.1:$P/collapse-$p" >/dev/null 2>&1 || true
    n=$(curl -s "http://127.0.0.1:$SLOW/count" | awk -v u="/collapse-$p" '$1==u {print $2}')
    printf '%-8s %s\n' $p "${n:-0}"
  else
    printf '%-8s %s\n' $p "did not answer"
  fi
  stop "$pid"
done
[[ -s $dir/run.err ]] && { echo "# proxy output (tail):"; tail -n 5 "$dir/run.err" | sed 's/^/#   /'; } || true
