#!/usr/bin/env bash
# Requests/s in the first seconds after start, in 2-second windows, for one or more builds side by side.
#
#   bench/ramp.sh PATH/TO/tandem [PATH/TO/other-tandem ...]   (published apphosts or tandem.dll files)
#
# Two nginx backends on loopback serve 13 bytes (as peers.sh). Per round and build: start `tandem run $RUN_ARGS`,
# wait for its first answer, then wrk with CONNS keep-alive connections in WINDOWS back-to-back windows of 2 s;
# the first window starts at the first answer. Builds interleave per round so that the machine's drift hits them
# alike; medians per window are printed. It shows what start-up costs under load (JIT, tiering, warm-up) and what
# the steady state is (the last windows).
# Settings: ROUNDS (3), WINDOWS (5), CONNS (64), RUN_ARGS. Needs nginx, wrk, curl.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
(($# > 0)) || { echo "usage: ramp.sh PATH/TO/tandem [PATH/TO/other-tandem ...]" >&2; exit 2; }
ROUNDS=${ROUNDS:-3} WINDOWS=${WINDOWS:-5} CONNS=${CONNS:-64} RUN_ARGS=${RUN_ARGS:-}
for tool in nginx wrk curl; do
  command -v $tool >/dev/null || { echo "ramp.sh: $tool is missing (apt-get install -y nginx-light wrk curl)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/ramp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B1=19601 B2=19602 P=18680 ADMIN=19690

cat >"$dir/backend.conf" <<EOF
worker_processes 1; master_process off; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:$B1 backlog=4096; location / { return 200 "xxxxxxxxxxxxx"; } }
  server { listen 127.0.0.1:$B2 backlog=4096; location / { return 200 "xxxxxxxxxxxxx"; } } }
EOF
cat >"$dir/tandem.yaml" <<EOF
listeners:
  - name: web
    bind: 127.0.0.1:$P
    pool: app
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    servers:
      - address: 127.0.0.1:$B1
      - address: 127.0.0.1:$B2
EOF
nginx -c "$dir/backend.conf" >>"$dir/backend.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B2/" >/dev/null && break; sleep 0.1; done

echo "# ramp.sh: rounds=$ROUNDS windows=${WINDOWS}x2s conns=$CONNS run-args='$RUN_ARGS' cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  i=0
  for build in "$@"; do
    i=$((i + 1))
    case $build in *.dll) cmd=(dotnet "$build") ;; *) cmd=("$build") ;; esac
    # shellcheck disable=SC2086 # RUN_ARGS is a word list
    "${cmd[@]}" run --config "$dir/tandem.yaml" $RUN_ARGS >"$dir/run.out" 2>&1 &
    pid=$!
    for _ in $(seq 400); do curl -sf -o /dev/null "http://127.0.0.1:$P/" && break; sleep 0.025; done
    line="build $i round $r:"
    for w in $(seq "$WINDOWS"); do
      rps=$(wrk -t1 -c"$CONNS" -d2s "http://127.0.0.1:$P/" 2>/dev/null | awk '/^Requests\/sec/ { print int($2) }')
      echo "$rps" >>"$dir/$i.$w"
      line+=" ${rps:-0}"
    done
    echo "$line"
    kill -TERM $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P/" || break; sleep 0.1; done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
header="build"
for w in $(seq "$WINDOWS"); do header+=$(printf ' %9s' "$(((w - 1) * 2))-$((w * 2))s"); done
echo "$header   (median requests/s)"
i=0
for build in "$@"; do
  i=$((i + 1))
  row="$i"
  for w in $(seq "$WINDOWS"); do row+=$(printf ' %9.0f' "$(median <"$dir/$i.$w")"); done
  echo "$row   $build"
done
