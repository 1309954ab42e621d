#!/usr/bin/env bash
# UDP (DNS) queries per second through a layer-4 proxy: dnsperf against dnsmasq straight, through Tandem
# (protocol: udp) and through nginx (stream, listen ... udp). HAProxy 2.6 has no UDP proxying (its mode tcp and
# mode http only), so it has no row. CLIENTS dnsperf clients (each its own source port, so its own flow), at most
# OUTSTANDING queries in flight, SECONDS_PER_RUN s per run, ROUNDS interleaved rounds; prints each run's queries/s,
# lost queries and the proxy's CPU seconds per 100k queries, then the medians.
# Run under: flock /tmp/tandem-bench.lock bench/l4-udp.sh /path/to/tandem
# Needs dnsperf dnsmasq nginx-light libnginx-mod-stream.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TANDEM=${1:?usage: l4-udp.sh PATH-TO-tandem}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-100}
ROUNDS=${ROUNDS:-5}
BASE=${BASE:-27600}
TARGETS=${TARGETS:-direct tandem nginx}
DIR=$(mktemp -d /tmp/tandem-l4udp.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

SERVER=$BASE
declare -A PORT=([direct]=$SERVER [tandem]=$((BASE + 1)) [nginx]=$((BASE + 2)))
declare -A PID=([direct]=0)
dnsmasq --no-daemon --port="$SERVER" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
  --pid-file= --user=root --address=/bench.test/10.0.0.1 >"$DIR/dnsmasq.log" 2>&1 & PIDS+=($!)
for i in $(seq 1 50); do echo "host$i.bench.test A"; done > "$DIR/queries"

cat > "$DIR/tandem.yaml" <<YAML
listeners:
  - { name: dns, bind: 127.0.0.1:${PORT[tandem]}, protocol: udp, pool: dns }
admin: { bind: 127.0.0.1:$((BASE + 3)) }
pools:
  - { name: dns, servers: [{ address: 127.0.0.1:$SERVER }] }
YAML
"$TANDEM" run -c "$DIR/tandem.yaml" >"$DIR/tandem.log" 2>&1 & PIDS+=($!); PID[tandem]=$!

cat > "$DIR/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $DIR/nginx.pid;
error_log $DIR/nginx.err;
events { worker_connections 16384; }
stream { server { listen 127.0.0.1:${PORT[nginx]} udp; proxy_pass 127.0.0.1:$SERVER; proxy_responses 1; proxy_timeout 5s; } }
CFG
nginx -c "$DIR/nginx.conf" -e "$DIR/nginx.err" >/dev/null 2>&1 & PIDS+=($!); PID[nginx]=$!
sleep 4

HZ=$(getconf CLK_TCK)

declare -A QPS CPU LOST
for round in $(seq "$ROUNDS"); do
  for name in $TARGETS; do
    sleep 1
    before=$(tree_ticks "${PID[$name]}")
    out=$(timeout $((SECONDS_PER_RUN + 30)) dnsperf -s 127.0.0.1 -p "${PORT[$name]}" -d "$DIR/queries" -l "$SECONDS_PER_RUN" \
      -c "$CLIENTS" -T 1 -q "$OUTSTANDING" -t 2 2>&1 || true)
    after=$(tree_ticks "${PID[$name]}")
    qps=$(awk '/Queries per second:/ {printf "%.0f", $4}' <<<"$out"); qps=${qps:-failed}
    lost=$(awk '/Queries lost:/ {print $3}' <<<"$out"); lost=${lost:-failed}
    cpu=$(python3 -c "import sys; r=sys.argv[1]; print('n/a' if r in ('failed','0') else '%.2f' % ((int(sys.argv[2])/int(sys.argv[3]))/(float(r)*int(sys.argv[4])/1e5)))" \
      "$qps" "$((after - before))" "$HZ" "$SECONDS_PER_RUN")
    QPS[$name]="${QPS[$name]:-} $qps"; CPU[$name]="${CPU[$name]:-} $cpu"; LOST[$name]="${LOST[$name]:-} $lost"
    echo "round $round $name: $qps queries/s, $lost lost, $cpu CPU-s per 100k queries"
  done
done
echo "--- medians over $ROUNDS interleaved rounds, $CLIENTS clients, $OUTSTANDING outstanding (load at end: $(cut -d' ' -f1-3 /proc/loadavg))"
for name in $TARGETS; do
  echo "$name: queries/s${QPS[$name]} (median $(median ${QPS[$name]})); lost${LOST[$name]}; CPU-s/100k${CPU[$name]} (median $(median ${CPU[$name]}))"
done
