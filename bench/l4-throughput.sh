#!/usr/bin/env bash
# Bulk TCP throughput through a layer-4 proxy: iperf3 straight, then through Tandem (protocol: tcp), HAProxy
# (mode tcp) and nginx (stream), each ROUNDS times for SECONDS s with STREAMS parallel streams; prints each run's
# Gbit/s and the median per proxy. Run under: flock /tmp/tandem-bench.lock bench/l4-throughput.sh /path/to/tandem
# Needs iperf3 haproxy nginx-light libnginx-mod-stream.
set -euo pipefail
TANDEM=${1:?usage: l4-throughput.sh PATH-TO-tandem}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
STREAMS=${STREAMS:-4}
ROUNDS=${ROUNDS:-3}
BASE=${BASE:-27400}
DIR=$(mktemp -d /tmp/tandem-l4bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

SERVER=$BASE; TANDEM_PORT=$((BASE + 1)); HAPROXY_PORT=$((BASE + 2)); NGINX_PORT=$((BASE + 3)); ADMIN=$((BASE + 4))

iperf3 -s -p "$SERVER" >/dev/null 2>&1 & PIDS+=($!)

cat > "$DIR/tandem.yaml" <<YAML
listeners:
  - { name: bulk, bind: 127.0.0.1:$TANDEM_PORT, protocol: tcp, pool: iperf }
admin: { bind: 127.0.0.1:$ADMIN }
pools:
  - { name: iperf, servers: [{ address: 127.0.0.1:$SERVER }] }
YAML
"$TANDEM" run -c "$DIR/tandem.yaml" >"$DIR/tandem.log" 2>&1 & PIDS+=($!)

cat > "$DIR/haproxy.cfg" <<CFG
global
  maxconn 4000
defaults
  mode tcp
  timeout connect 2s
  timeout client 1m
  timeout server 1m
listen bulk
  bind 127.0.0.1:$HAPROXY_PORT
  server s1 127.0.0.1:$SERVER
CFG
haproxy -f "$DIR/haproxy.cfg" -db >"$DIR/haproxy.log" 2>&1 & PIDS+=($!)

cat > "$DIR/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$NGINX_PORT; proxy_pass 127.0.0.1:$SERVER; } }
CFG
nginx -c "$DIR/nginx.conf" -e "$DIR/nginx.err" >/dev/null 2>&1 & PIDS+=($!)
sleep 4

# The iperf3 server takes one test at a time: a run that finds it still busy is retried.
run() {
  for _ in 1 2 3; do
    sleep 1
    if out=$(iperf3 -c 127.0.0.1 -p "$1" -t "$SECONDS_PER_RUN" -P "$STREAMS" -J 2>/dev/null \
      | python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))' 2>/dev/null); then
      echo "$out"; return
    fi
  done
  echo "failed"
}

for target in "direct:$SERVER" "tandem:$TANDEM_PORT" "haproxy:$HAPROXY_PORT" "nginx:$NGINX_PORT"; do
  name=${target%%:*}; port=${target##*:}; results=()
  for _ in $(seq "$ROUNDS"); do results+=("$(run "$port")"); done
  median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
  echo "$name: ${results[*]} Gbit/s (median $median)"
done
