#!/usr/bin/env bash
# New TCP connections per second through a layer-4 proxy: bench/L4Load runs CONCURRENCY loops of connect, send a
# byte, read the echo and the server's FIN, close, for SECONDS_PER_RUN s, straight to an echo server (L4Load echo)
# and through Tandem (protocol: tcp, splice: auto and off), HAProxy 2.6 (mode tcp) and nginx (stream). ROUNDS
# interleaved rounds; prints each run's connections/s, errors and the proxy's CPU seconds per 10k connections
# (user+sys from /proc), then the medians. The server closes first, so TIME_WAIT stays on the listening side.
# Run under: flock /tmp/tandem-bench.lock bench/l4-connrate.sh /path/to/tandem
# Needs haproxy nginx-light libnginx-mod-stream, and the .NET SDK (to build bench/L4Load).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TANDEM=${1:?usage: l4-connrate.sh PATH-TO-tandem}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONCURRENCY=${CONCURRENCY:-32}
ROUNDS=${ROUNDS:-5}
BASE=${BASE:-27500}
TARGETS=${TARGETS:-direct tandem-splice tandem-copy haproxy nginx}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d /tmp/tandem-l4conn.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
dotnet publish "$HERE/L4Load" -c Release -o "$DIR/load" >/dev/null
LOAD="$DIR/load/L4Load"

SERVER=$BASE
declare -A PORT=([direct]=$SERVER [tandem-splice]=$((BASE + 1)) [tandem-copy]=$((BASE + 2)) [haproxy]=$((BASE + 3)) [nginx]=$((BASE + 4)))
declare -A PID=([direct]=0)
"$LOAD" echo "$SERVER" >"$DIR/echo.log" 2>&1 & PIDS+=($!)

for mode in splice copy; do
  value=auto; admin=$((BASE + 5)); [ "$mode" = copy ] && { value=off; admin=$((BASE + 6)); }
  cat > "$DIR/tandem-$mode.yaml" <<YAML
listeners:
  - { name: conn, bind: 127.0.0.1:${PORT[tandem-$mode]}, protocol: tcp, pool: echo, splice: $value, max-connections: 100000 }
admin: { bind: 127.0.0.1:$admin }
pools:
  - { name: echo, servers: [{ address: 127.0.0.1:$SERVER }] }
YAML
  "$TANDEM" run -c "$DIR/tandem-$mode.yaml" >"$DIR/tandem-$mode.log" 2>&1 & PIDS+=($!); PID[tandem-$mode]=$!
done

cat > "$DIR/haproxy.cfg" <<CFG
global
  maxconn 8000
defaults
  mode tcp
  timeout connect 2s
  timeout client 1m
  timeout server 1m
listen conn
  bind 127.0.0.1:${PORT[haproxy]}
  server s1 127.0.0.1:$SERVER
CFG
haproxy -f "$DIR/haproxy.cfg" -db >"$DIR/haproxy.log" 2>&1 & PIDS+=($!); PID[haproxy]=$!

cat > "$DIR/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
worker_rlimit_nofile 65536;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
events { worker_connections 16384; }
stream { server { listen 127.0.0.1:${PORT[nginx]}; proxy_pass 127.0.0.1:$SERVER; } }
CFG
nginx -c "$DIR/nginx.conf" -e "$DIR/nginx.err" >/dev/null 2>&1 & PIDS+=($!); PID[nginx]=$!
sleep 4

HZ=$(getconf CLK_TCK)

declare -A RATE CPU ERR
for round in $(seq "$ROUNDS"); do
  for name in $TARGETS; do
    sleep 2
    before=$(tree_ticks "${PID[$name]}")
    read -r rate errors < <(timeout $((SECONDS_PER_RUN + 30)) "$LOAD" tcp "127.0.0.1:${PORT[$name]}" "$SECONDS_PER_RUN" "$CONCURRENCY" || echo "failed failed")
    after=$(tree_ticks "${PID[$name]}")
    cpu=$(python3 -c "import sys; r=sys.argv[1]; print('n/a' if r in ('failed','0') else '%.2f' % ((int(sys.argv[2])/int(sys.argv[3]))/(float(r)*int(sys.argv[4])/1e4)))" \
      "$rate" "$((after - before))" "$HZ" "$SECONDS_PER_RUN")
    RATE[$name]="${RATE[$name]:-} $rate"; CPU[$name]="${CPU[$name]:-} $cpu"; ERR[$name]="${ERR[$name]:-} $errors"
    echo "round $round $name: $rate conn/s, $errors errors, $cpu CPU-s per 10k conns"
  done
done
echo "--- medians over $ROUNDS interleaved rounds, $CONCURRENCY concurrent (load at end: $(cut -d' ' -f1-3 /proc/loadavg))"
for name in $TARGETS; do
  echo "$name: conn/s${RATE[$name]} (median $(median ${RATE[$name]})); errors${ERR[$name]}; CPU-s/10k${CPU[$name]} (median $(median ${CPU[$name]}))"
done
