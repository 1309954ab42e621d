#!/usr/bin/env bash
# Failed requests across a restart and an upgrade of one node, under a steady load.
#
#   bench/restart.sh PATH/TO/tandem [PATH/TO/new-tandem]   (published apphosts or tandem.dll files)
#
# One nginx backend on loopback. Per round: the old build starts and serves; wrk sends GETs for SECONDS_EACH s, each
# on a new connection (CONNS at a time), to the proxy port, and a second wrk (1 connection) to the admin's
# /api/status; SWITCH_AT s in, the new build is started with the same config (MODE=handover: it takes the listening
# sockets over and the old one drains and exits) or the old one gets SIGTERM and the new one is started right after
# it exits (MODE=stop-start: what a restart was before the handover). Counted per round: requests answered, failed
# requests (connect, read, write and timeout errors and non-2xx answers, as wrk reports them) and the old process's
# exit code. With one build it is a restart; with two, an upgrade from the first to the second.
# Settings: MODE (handover), ROUNDS (3), SECONDS_EACH (6), SWITCH_AT (2), CONNS (4), KEEPALIVE (0; 1 reuses
# connections, where a request sent on an idle connection just as the old process closes it can fail: see the README).
# Needs nginx, wrk, curl (apt-get install -y nginx-light wrk curl).
set -euo pipefail
old_build=${1:?usage: restart.sh PATH/TO/tandem [PATH/TO/new-tandem]}
new_build=${2:-$1}
MODE=${MODE:-handover} ROUNDS=${ROUNDS:-3} SECONDS_EACH=${SECONDS_EACH:-6} SWITCH_AT=${SWITCH_AT:-2} CONNS=${CONNS:-4} KEEPALIVE=${KEEPALIVE:-0}
for tool in nginx wrk curl; do
  command -v $tool >/dev/null || { echo "restart.sh: $tool is missing (apt-get install -y nginx-light wrk curl)" >&2; exit 2; }
done
cmd_of() { case $1 in *.dll) echo "dotnet $1" ;; *) echo "$1" ;; esac; }

dir=$(mktemp -d /tmp/restart.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B=19501 P=18580 ADMIN=19590

cat >"$dir/backend.conf" <<EOF
worker_processes 1; master_process off; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$B backlog=4096; location / { return 200 "backend\n"; } } }
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
      - address: 127.0.0.1:$B
EOF
nginx -c "$dir/backend.conf" >>"$dir/backend.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B/" >/dev/null && break; sleep 0.1; done

wrk_args=(); [[ $KEEPALIVE == 1 ]] || wrk_args=(-H "Connection: close")
# wrk's summary -> "answered failed"
wrk_counts() {
  awk '/requests in/ { n=$1 } /Socket errors/ { gsub(",", ""); e=$4+$6+$8+$10 } /Non-2xx/ { x=$NF }
       END { printf "%d %d\n", n - x, e + x }' "$1"
}
start_tandem() { # build log -> sets $started (a child of this shell, so `wait` gives its exit code)
  # shellcheck disable=SC2046 # the command may be "dotnet x.dll"
  $(cmd_of "$1") run --config "$dir/tandem.yaml" >"$2" 2>&1 &
  started=$!
}
wait_serving() {
  for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$P/" && return 0; sleep 0.05; done
  return 1
}

echo "# restart.sh: mode=$MODE rounds=$ROUNDS seconds=$SECONDS_EACH switch-at=${SWITCH_AT}s conns=$CONNS keepalive=$KEEPALIVE cores=$(nproc)"
echo "#   old: $old_build"
echo "#   new: $new_build"
total_ok=0 total_failed=0 total_admin_ok=0 total_admin_failed=0
for r in $(seq "$ROUNDS"); do
  start_tandem "$old_build" "$dir/old.log"; old=$started
  wait_serving || { echo "round $r: the old build did not start"; tail -n 5 "$dir/old.log"; exit 1; }
  sleep 0.5
  wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" "${wrk_args[@]}" "http://127.0.0.1:$P/" >"$dir/wrk.out" 2>&1 &
  load=$!
  wrk -t1 -c1 -d"${SECONDS_EACH}s" "${wrk_args[@]}" "http://127.0.0.1:$ADMIN/api/status" >"$dir/wrk-admin.out" 2>&1 &
  admin_load=$!
  sleep "$SWITCH_AT"
  if [[ $MODE == stop-start ]]; then
    kill -TERM "$old"
    old_exit=0; wait "$old" || old_exit=$?
    start_tandem "$new_build" "$dir/new.log"; new=$started
  else
    start_tandem "$new_build" "$dir/new.log"; new=$started
    old_exit=0; wait "$old" || old_exit=$?
  fi
  wait "$load" "$admin_load" || true
  read -r ok failed < <(wrk_counts "$dir/wrk.out")
  read -r admin_ok admin_failed < <(wrk_counts "$dir/wrk-admin.out")
  echo "round $r: proxy $ok answered, $failed failed; admin $admin_ok answered, $admin_failed failed; old exit $old_exit"
  if ((failed > 0 || admin_failed > 0)); then grep -E 'Socket errors|Non-2xx' "$dir/wrk.out" "$dir/wrk-admin.out" | sed 's/^/#   /' || true; fi
  total_ok=$((total_ok + ok)) total_failed=$((total_failed + failed))
  total_admin_ok=$((total_admin_ok + admin_ok)) total_admin_failed=$((total_admin_failed + admin_failed))
  kill -TERM "$new" 2>/dev/null || true
  wait "$new" 2>/dev/null || true
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P/" || break; sleep 0.1; done
done
echo "total: proxy $total_ok answered, $total_failed failed; admin $total_admin_ok answered, $total_admin_failed failed"
