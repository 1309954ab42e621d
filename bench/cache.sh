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
tandem=${1:?usage: cache.sh PATH/TO/tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-3} BODY_BYTES=${BODY_BYTES:-13}
WORKERS=${WORKERS:-$(nproc)} COLLAPSE=${COLLAPSE:-1000}
for tool in nginx varnishd wrk curl python3; do
  command -v $tool >/dev/null || { echo "cache.sh: $tool is missing (apt-get install -y nginx-light varnish wrk curl python3)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/cache-bench.XXXXXX)
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
