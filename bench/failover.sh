#!/usr/bin/env bash
# Failover under load: Tandem against nginx and HAProxy, side by side.
#
#   bench/failover.sh PATH/TO/tandem            (a published tandem apphost or tandem.dll)
#
# Two nginx backends on loopback (one process each, so SIGKILL takes a backend down at once). Each proxy balances
# them round-robin with its closest equivalent of health checks and retries; wrk keeps CONNS connections busy;
# SECONDS_BEFORE into the load backend B is killed with SIGKILL and the load runs SECONDS_AFTER more. A dead port
# shows nobody the attempts made on it, so right after the kill a tombstone takes B's port: it accepts each
# connection, notes the time and resets it (a dead server as the proxy sees it, but countable). Per round and proxy:
# the time from the kill to the last request the proxy still sent to B, the requests it sent there after the kill
# (health checks, GET /health, are not counted), and the client requests that failed (non-2xx answers and socket
# errors). Rounds interleave nginx, haproxy, tandem; medians are printed. The first ~50 ms after the kill, before
# the tombstone binds, attempts are refused and not counted.
# Settings: CONNS (4), SECONDS_BEFORE (3), SECONDS_AFTER (5), ROUNDS (3). Needs nginx, haproxy, wrk, curl, python3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tandem=${1:?usage: failover.sh PATH/TO/tandem}
CONNS=${CONNS:-4} SECONDS_BEFORE=${SECONDS_BEFORE:-3} SECONDS_AFTER=${SECONDS_AFTER:-5} ROUNDS=${ROUNDS:-3}
for tool in nginx haproxy wrk curl python3; do
  command -v $tool >/dev/null || { echo "failover.sh: $tool is missing (apt-get install -y nginx-light haproxy wrk curl python3)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/failover.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
A=19201 B=19202 P=18280 ADMIN=19290

backend_conf() { # name port
  cat >"$dir/$1.conf" <<EOC
worker_processes 1; master_process off; daemon off; pid $dir/$1.pid; error_log $dir/$1.err;
events { worker_connections 4096; }
http { log_format t '\$msec'; access_log $dir/$1.log t buffer=4k flush=100ms;
  server { listen 127.0.0.1:$2 backlog=4096; location / { return 200 "$1"; } } }
EOC
}
backend_conf a $A
backend_conf b $B
cat >"$dir/nginx.conf" <<EOF2
worker_processes 1; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;
events { worker_connections 4096; }
http { access_log off;
  upstream app { server 127.0.0.1:$A max_fails=1 fail_timeout=10s; server 127.0.0.1:$B max_fails=1 fail_timeout=10s; keepalive 32; }
  server { listen 127.0.0.1:$P;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502; proxy_next_upstream_tries 3; proxy_connect_timeout 2s; } } }
EOF2
cat >"$dir/haproxy.cfg" <<EOF2
global
  nbthread 1
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 2
  option redispatch
  retry-on conn-failure empty-response response-timeout
frontend fe
  bind 127.0.0.1:$P
  default_backend app
backend app
  balance roundrobin
  http-reuse always
  option httpchk GET /health
  server a 127.0.0.1:$A check inter 1s fall 2 rise 2
  server b 127.0.0.1:$B check inter 1s fall 2 rise 2
EOF2
cat >"$dir/tandem.yaml" <<EOF2
listeners:
  - name: web
    bind: 127.0.0.1:$P
    pool: app
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    algorithm: round-robin
    health: { path: /health, interval: 1s, timeout: 500ms, rise: 2, fall: 2 }
    passive: { consecutive-failures: 1, ejection-time: 10s }
    retries: 2
    servers:
      - address: 127.0.0.1:$A
      - address: 127.0.0.1:$B
EOF2

start_backend() { # name port
  : >"$dir/$1.log"
  nginx -c "$dir/$1.conf" >>"$dir/run.err" 2>&1 &
  eval "pid_$1=$!"; pids+=($!)
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$2/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "failover.sh: backend $1 did not start" >&2; exit 1
}
start_proxy() {
  case $1 in
    nginx) nginx -c "$dir/nginx.conf" >>"$dir/run.err" 2>&1 & ;;
    haproxy) haproxy -f "$dir/haproxy.cfg" >>"$dir/run.err" 2>&1 & ;;
    tandem) "${tandem_cmd[@]}" run --config "$dir/tandem.yaml" >>"$dir/run.err" 2>&1 & ;;
  esac
  proxy_pid=$!; pids+=($!)
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$P/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "failover.sh: $1 did not answer" >&2; exit 1
}

cat >"$dir/tombstone.py" <<'EOP'
import socket, struct, sys, time
port, log, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(1024); s.settimeout(0.2)
end = time.time() + seconds
with open(log, "w") as out:
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.settimeout(0.05)
        try:
            line = c.recv(1024).split(b"\r\n", 1)[0].decode("latin-1")
        except OSError:
            line = ""
        # Health checks (GET /health) are not traffic; everything else is a request sent to the dead server.
        if " /health " not in line:
            out.write("%.3f\n" % time.time()); out.flush()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
EOP

start_backend a $A
: >"$dir/results"
for r in $(seq "$ROUNDS"); do
  for p in nginx haproxy tandem; do
    start_backend b $B
    start_proxy $p
    sleep 2.5 # health checks see both servers up; warm connections
    wrk -t1 -c"$CONNS" -d"$((SECONDS_BEFORE + SECONDS_AFTER))s" "http://127.0.0.1:$P/" >"$dir/wrk.out" 2>&1 &
    wrk_pid=$!
    sleep "$SECONDS_BEFORE"
    killed=$(date +%s.%N)
    kill -9 "$pid_b"; wait "$pid_b" 2>/dev/null || true
    python3 "$dir/tombstone.py" $B "$dir/tomb.log" "$((SECONDS_AFTER + 1))" & tomb_pid=$!; pids+=($tomb_pid)
    wait "$wrk_pid" || true
    wait "$tomb_pid" 2>/dev/null || true
    attempts=$(wc -l <"$dir/tomb.log")
    last=$(tail -n 1 "$dir/tomb.log" 2>/dev/null || true)
    gap=$(awk -v l="${last:-0}" -v k="$killed" 'BEGIN { d = (l - k) * 1000; printf "%.0f", (d > 0 ? d : 0) }')
    failed=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$dir/wrk.out")
    total=$(awk '/requests in/ { print $1 }' "$dir/wrk.out")
    echo "$p $gap $failed ${total:-0} $attempts" >>"$dir/results"
    kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true
    for _ in $(seq 50); do curl -s "http://127.0.0.1:$P/" >/dev/null 2>&1 || break; sleep 0.1; done
  done
done

echo "# failover.sh: conns=$CONNS before=${SECONDS_BEFORE}s after=${SECONDS_AFTER}s rounds=$ROUNDS"
printf '%-8s %20s %16s %8s %10s  %s\n' proxy "kill->last (ms)" "sent to dead B" failed requests "per round: ms/sent/failed"
for p in nginx haproxy tandem; do
  gap=$(awk -v p=$p '$1==p {print $2}' "$dir/results" | median)
  failed=$(awk -v p=$p '$1==p {print $3}' "$dir/results" | median)
  total=$(awk -v p=$p '$1==p {print $4}' "$dir/results" | median)
  sent=$(awk -v p=$p '$1==p {print $5}' "$dir/results" | median)
  rounds=$(awk -v p=$p '$1==p {printf "%s/%s/%s ", $2, $5, $3}' "$dir/results")
  printf '%-8s %20s %16s %8s %10s  %s\n' $p "$gap" "$sent" "$failed" "$total" "$rounds"
done
