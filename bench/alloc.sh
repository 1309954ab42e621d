#!/usr/bin/env bash
# Bytes allocated per proxied request, the RSS under load, and the top allocating types: Tandem on the lean HTTP/1.1
# upstream path against the same build with TANDEM_HTTP11_UPSTREAM=off (every request through YARP's forwarder).
#
#   bench/alloc.sh [PATH/TO/tandem]      (a published tandem apphost or tandem.dll; without one, publishes this tree)
#
# The setup is ../shared/bench/peers.sh's: two nginx backends on loopback serve a small body, Tandem balances them
# round-robin with keep-alive, wrk -t1 drives 64 connections. For each variant: WARM_SECONDS of load first (JIT, pools),
# then a dotnet-counters session (System.Runtime, dotnet.gc.heap.total_allocated every second) around LOAD_SECONDS of
# load; bytes/request = the bytes allocated during the session / the requests Tandem answered in it (its own
# tandem_listener_requests_total, read before and after). The session's idle first second is printed too (what the
# process and the counter session allocate without traffic). RSS (ps) is sampled every second during the load; the
# max is printed. Then TRACE_SECONDS of dotnet-trace --profile gc-verbose under load, read by bench/AllocTypes: the
# top allocating types (by the sampled AllocationTick bytes) and the frames allocating them.
# Allocation counts do not depend on timing; the requests/s this prints do, and on this shared machine are not a result.
# Settings: CONNS (64), WARM_SECONDS (4), LOAD_SECONDS (12), TRACE_SECONDS (4), TOP (12), BODY_BYTES (13), KEEP (set: keep the temp dir).
# Needs nginx, wrk, curl (apt-get install -y nginx-light wrk curl) and
#   dotnet tool install --global dotnet-counters --version 10.0.750501
#   dotnet tool install --global dotnet-trace --version 10.0.750501
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CONNS=${CONNS:-64} WARM_SECONDS=${WARM_SECONDS:-4} LOAD_SECONDS=${LOAD_SECONDS:-12} TRACE_SECONDS=${TRACE_SECONDS:-4}
TOP=${TOP:-12} BODY_BYTES=${BODY_BYTES:-13}
export PATH="$PATH:$HOME/.dotnet/tools"
for tool in nginx wrk curl dotnet-counters dotnet-trace; do
  command -v $tool >/dev/null || { echo "alloc.sh: $tool is missing (see the header of this script)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/alloc.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] && echo "# kept $dir" || rm -rf "$dir"
}
trap cleanup EXIT

tandem=${1:-}
if [[ -z $tandem ]]; then
  echo "# publishing $ROOT/src/Tandem (Release) into $dir/pub"
  dotnet publish "$ROOT/src/Tandem" -c Release -o "$dir/pub" >"$dir/publish.log" 2>&1 || { tail -20 "$dir/publish.log"; exit 1; }
  tandem=$dir/pub/tandem
fi
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac
dotnet build "$HERE/AllocTypes" -c Release -o "$dir/alloctypes" >"$dir/alloctypes.log" 2>&1 || { tail -20 "$dir/alloctypes.log"; exit 1; }

B1=${B1:-19401} B2=${B2:-19402} P=${P:-18480} ADMIN=${ADMIN:-19490}
body=$(head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x')
cat >"$dir/backend.conf" <<EOF
worker_processes 1; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:$B1 backlog=4096; location / { return 200 "$body"; } }
  server { listen 127.0.0.1:$B2 backlog=4096; location / { return 200 "$body"; } } }
EOF
cat >"$dir/tandem.yaml" <<EOF
listeners:
  - name: web
    bind: 127.0.0.1:$P
    protocol: http
    pool: app
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    algorithm: round-robin
    servers:
      - address: 127.0.0.1:$B1
      - address: 127.0.0.1:$B2
EOF
nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B2/" >/dev/null && break; sleep 0.1; done

answered() { # requests Tandem answered so far
  curl -sf "http://127.0.0.1:$ADMIN/metrics" | awk '/^tandem_listener_requests_total[{ ]/ { n += $NF } END { printf "%d\n", n }'
}

run_variant() { # name upstream-setting -> one summary line in $dir/summary, the top types in $dir/types-NAME.txt
  local name=$1 setting=$2 pid up=0 rss_max=0 r0 r1 rss
  TANDEM_HTTP11_UPSTREAM=$setting "${tandem_cmd[@]}" run --config "$dir/tandem.yaml" >>"$dir/tandem-$name.log" 2>&1 &
  pid=$!; pids+=("$pid")
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$P/" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
  [[ $up == 1 ]] || { echo "alloc.sh: tandem ($name) did not answer" >&2; tail -5 "$dir/tandem-$name.log" >&2; exit 1; }
  wrk -t1 -c"$CONNS" -d"${WARM_SECONDS}s" "http://127.0.0.1:$P/" >/dev/null 2>&1 || true

  r0=$(answered)
  dotnet-counters collect -p "$pid" --counters System.Runtime --format csv -o "$dir/counters-$name.csv" --refresh-interval 1 \
    --duration "00:00:00:$(printf '%02d' $((LOAD_SECONDS + 3)))" >"$dir/counters-$name.log" 2>&1 &
  local counters=$!
  # Load starts once the session reports (its first second is the idle baseline).
  for _ in $(seq 100); do grep -q total_allocated "$dir/counters-$name.csv" 2>/dev/null && break; sleep 0.1; done
  wrk -t1 -c"$CONNS" -d"${LOAD_SECONDS}s" "http://127.0.0.1:$P/" >"$dir/wrk-$name.txt" 2>&1 &
  local load=$!
  while kill -0 "$load" 2>/dev/null; do
    rss=$(ps -o rss= -p "$pid" | tr -d ' '); ((rss > rss_max)) && rss_max=$rss
    sleep 1
  done
  wait "$load" || true
  wait "$counters" || true
  r1=$(answered)
  awk -F, -v name="$name" -v reqs=$((r1 - r0)) -v rss="$rss_max" -v rps="$(awk '/^Requests\/sec/ {print $2}' "$dir/wrk-$name.txt")" '
    $3 ~ /^dotnet.gc.heap.total_allocated/ { n++; if (n == 1) idle = $5; total += $5 }
    END { net = total - idle * n; printf "%s %d %.0f %d %d %.0f %.0f %.0f\n", name, reqs, total, (reqs ? total / reqs : 0), (reqs ? net / reqs : 0), idle, rss / 1024, rps }' \
    "$dir/counters-$name.csv" >>"$dir/summary"

  # Top allocating types, under the same load.
  wrk -t1 -c"$CONNS" -d"$((TRACE_SECONDS + 3))s" "http://127.0.0.1:$P/" >/dev/null 2>&1 &
  load=$!
  sleep 1
  dotnet-trace collect -p "$pid" --profile gc-verbose --duration "00:00:00:$(printf '%02d' "$TRACE_SECONDS")" -o "$dir/$name.nettrace" \
    >"$dir/trace-$name.log" 2>&1 || true
  wait "$load" || true
  dotnet "$dir/alloctypes/AllocTypes.dll" "$dir/$name.nettrace" "$TOP" 8 >"$dir/types-$name.txt" 2>&1 || true
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  for _ in $(seq 50); do curl -s "http://127.0.0.1:$P/" >/dev/null 2>&1 || break; sleep 0.1; done
}

echo "# alloc.sh: conns=$CONNS warm=${WARM_SECONDS}s load=${LOAD_SECONDS}s trace=${TRACE_SECONDS}s body=${BODY_BYTES}B cores=$(nproc) $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || true) $(date -u +%Y-%m-%dT%H:%MZ)"
: >"$dir/summary"
run_variant lean on
run_variant yarp off
# B/request: all bytes allocated in the session / requests; net: less the idle second's rate over every second of it.
printf '%-6s %10s %14s %10s %10s %10s %10s %10s\n' path requests allocated "B/request" "net B/req" "idle B/s" "RSS max MB" "rps(noise)"
while read -r name reqs total per net idle rss rps; do
  printf '%-6s %10d %14d %10d %10d %10d %10d %10d\n' "$name" "$reqs" "$total" "$per" "$net" "$idle" "$rss" "$rps"
done <"$dir/summary"
for name in lean yarp; do
  echo
  echo "## top allocating types, $name (dotnet-trace gc-verbose, $TRACE_SECONDS s under load)"
  grep -E '^ *[0-9.]+%  |^sampled' "$dir/types-$name.txt" | grep -vE '^ {4}' | head -n $((TOP + 1)) || true
done
if [[ -n ${VERBOSE:-} ]]; then for name in lean yarp; do echo; cat "$dir/types-$name.txt"; done; fi
