#!/usr/bin/env bash
# Bulk TCP throughput through a layer-4 proxy: iperf3 straight, then through Tandem with splice(2) (splice: auto) and
# without (splice: off), HAProxy (mode tcp; by default, and with option splice-auto) and nginx (stream). ROUNDS
# rounds, each running every target once in turn
# (interleaved, so a burst of load from elsewhere hits all of them), SECONDS_PER_RUN s with STREAMS parallel streams.
# Prints each run's Gbit/s and the proxy's CPU seconds per GB moved (user+sys from /proc/PID/stat of the proxy and its
# children, over the run), then the median of each per target.
# Run under: flock /tmp/tandem-bench.lock bench/l4-throughput.sh /path/to/tandem
# Needs iperf3 haproxy nginx-light libnginx-mod-stream python3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TANDEM=${1:?usage: l4-throughput.sh PATH-TO-tandem}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
STREAMS=${STREAMS:-4}
ROUNDS=${ROUNDS:-5}
BASE=${BASE:-27400}
TARGETS=${TARGETS:-direct tandem-splice tandem-copy haproxy haproxy-splice nginx}
DIR=$(mktemp -d /tmp/tandem-l4bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

SERVER=$BASE; SPLICE_PORT=$((BASE + 1)); HAPROXY_PORT=$((BASE + 2)); NGINX_PORT=$((BASE + 3)); ADMIN=$((BASE + 4))
COPY_PORT=$((BASE + 5)); ADMIN2=$((BASE + 6)); HAPROXY_SPLICE_PORT=$((BASE + 7))
declare -A PORT=([direct]=$SERVER [tandem-splice]=$SPLICE_PORT [tandem-copy]=$COPY_PORT [haproxy]=$HAPROXY_PORT
  [haproxy-splice]=$HAPROXY_SPLICE_PORT [nginx]=$NGINX_PORT)
declare -A PID=([direct]=0)

iperf3 -s -p "$SERVER" >/dev/null 2>&1 & PIDS+=($!)

for mode in splice copy; do
  if [ "$mode" = splice ]; then port=$SPLICE_PORT; admin=$ADMIN; value=auto; else port=$COPY_PORT; admin=$ADMIN2; value=off; fi
  cat > "$DIR/tandem-$mode.yaml" <<YAML
listeners:
  - { name: bulk, bind: 127.0.0.1:$port, protocol: tcp, pool: iperf, splice: $value }
admin: { bind: 127.0.0.1:$admin }
pools:
  - { name: iperf, servers: [{ address: 127.0.0.1:$SERVER }] }
YAML
  "$TANDEM" run -c "$DIR/tandem-$mode.yaml" >"$DIR/tandem-$mode.log" 2>&1 & PIDS+=($!); PID[tandem-$mode]=$!
done

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
haproxy -f "$DIR/haproxy.cfg" -db >"$DIR/haproxy.log" 2>&1 & PIDS+=($!); PID[haproxy]=$!
# HAProxy splices only when told to (option splice-auto; 2.6 does not by default).
sed -e "s/127.0.0.1:$HAPROXY_PORT/127.0.0.1:$HAPROXY_SPLICE_PORT/" -e 's/^  mode tcp$/  mode tcp\n  option splice-auto/' "$DIR/haproxy.cfg" > "$DIR/haproxy-splice.cfg"
haproxy -f "$DIR/haproxy-splice.cfg" -db >"$DIR/haproxy-splice.log" 2>&1 & PIDS+=($!); PID[haproxy-splice]=$!

cat > "$DIR/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$NGINX_PORT; proxy_pass 127.0.0.1:$SERVER; } }
CFG
nginx -c "$DIR/nginx.conf" -e "$DIR/nginx.err" >/dev/null 2>&1 & PIDS+=($!); PID[nginx]=$!
sleep 4

HZ=$(getconf CLK_TCK)

# One iperf3 run against a port: "Gbit/s cpu-s/GB". The iperf3 server takes one test at a time: a run that finds it
# still busy is retried.
run() {
  local name=$1 before after out
  for _ in 1 2 3; do
    sleep 1
    before=$(tree_ticks "${PID[$name]}")
    if out=$(iperf3 -c 127.0.0.1 -p "${PORT[$name]}" -t "$SECONDS_PER_RUN" -P "$STREAMS" -J 2>/dev/null \
      | python3 -c 'import json,sys; r=json.load(sys.stdin)["end"]["sum_received"]; print("%.2f %d" % (r["bits_per_second"]/1e9, r["bytes"]))' 2>/dev/null); then
      after=$(tree_ticks "${PID[$name]}")
      python3 -c "import sys; g,b=sys.argv[1].split(); print(g, '%.2f' % ((int(sys.argv[2])/int(sys.argv[3]))/(int(b)/1e9)))" "$out" "$((after - before))" "$HZ"
      return
    fi
  done
  echo "failed failed"
}

declare -A GBPS CPU
for round in $(seq "$ROUNDS"); do
  for name in $TARGETS; do
    read -r g c < <(run "$name")
    GBPS[$name]="${GBPS[$name]:-} $g"; CPU[$name]="${CPU[$name]:-} $c"
    echo "round $round $name: $g Gbit/s, $c CPU-s/GB"
  done
done
echo "--- medians over $ROUNDS interleaved rounds (load at end: $(cut -d' ' -f1-3 /proc/loadavg))"
for name in $TARGETS; do
  echo "$name: Gbit/s${GBPS[$name]} (median $(median ${GBPS[$name]})); CPU-s/GB${CPU[$name]} (median $(median ${CPU[$name]}))"
done
