#!/usr/bin/env bash
# Time from exec to the first request Tandem serves, RUNS times (10) per build, median and max.
#
#   bench/startup.sh PATH/TO/tandem [PATH/TO/other-tandem ...]   (published apphosts or tandem.dll files)
#
# One nginx backend on loopback answers 200. Each run records the clock, starts `tandem run $RUN_ARGS`, and polls
# the proxy port from this shell (bash's /dev/tcp: no process spawned per attempt) until a request gets the
# backend's 200 through Tandem; a refused connect is retried at once. Printed per run: exec to the first proxied
# answer, to the first admin answer (/api/status), and the CPU time the process had used at the first proxied
# answer (user+sys from /proc, 10 ms ticks: unlike wall time it hardly moves when other work loads the machine).
# Then SIGTERM and the next run. With several builds the runs interleave (A, B, A, B, ...) so that the machine's
# drift hits them alike; compare medians.
# Settings: RUNS (10), RUN_ARGS (e.g. --no-warmup), TIMEOUT_S (20 per run). Needs nginx (apt-get install -y nginx-light).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
(($# > 0)) || { echo "usage: startup.sh PATH/TO/tandem [PATH/TO/other-tandem ...]" >&2; exit 2; }
RUNS=${RUNS:-10} TIMEOUT_S=${TIMEOUT_S:-20} RUN_ARGS=${RUN_ARGS:-}
command -v nginx >/dev/null || { echo "startup.sh: nginx is missing (apt-get install -y nginx-light)" >&2; exit 2; }

dir=$(mktemp -d /tmp/startup.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B=19401 P=18480 ADMIN=19490

cat >"$dir/backend.conf" <<EOF
worker_processes 1; master_process off; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$B; location / { return 200 "backend\n"; } } }
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

# One GET over a fresh connection; true when the answer is a 200.
get_ok() { # port path
  local status
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3 2>/dev/null || { exec 3>&-; return 1; }
  IFS= read -r -t 5 status <&3 || status=""
  exec 3>&-
  [[ $status == "HTTP/1.1 200"* ]]
}
for _ in $(seq 100); do get_ok $B / && break; sleep 0.05; done
now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
cpu_ms() { echo $(($(proc_ticks "$1") * 1000 / $(getconf CLK_TCK))); } # pid -> user+sys milliseconds so far

one_run() { # build-index tandem-path run
  local cmd proxy="" admin="" cpu="" start pid elapsed
  case $2 in *.dll) cmd=(dotnet "$2") ;; *) cmd=("$2") ;; esac
  start=$(now_ms)
  # shellcheck disable=SC2086 # RUN_ARGS is a word list
  "${cmd[@]}" run --config "$dir/tandem.yaml" $RUN_ARGS >"$dir/run.out" 2>&1 &
  pid=$!
  while [[ -z $proxy || -z $admin ]]; do
    elapsed=$(($(now_ms) - start))
    ((elapsed > TIMEOUT_S * 1000)) && break
    kill -0 $pid 2>/dev/null || break
    if [[ -z $proxy ]] && get_ok $P /; then proxy=$(($(now_ms) - start)); cpu=$(cpu_ms $pid); fi
    [[ -z $admin ]] && get_ok $ADMIN /api/status && admin=$(($(now_ms) - start))
  done
  kill -TERM $pid 2>/dev/null || true
  for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 $pid 2>/dev/null; then
    echo "build $1 run $3: still running 30 s after SIGTERM; killed"; kill -9 $pid 2>/dev/null || true
  fi
  wait $pid 2>/dev/null || true
  if [[ -z $proxy ]]; then
    echo "build $1 run $3: no answer within ${TIMEOUT_S}s"; tail -n 5 "$dir/run.out" | sed 's/^/#   /'; exit 1
  fi
  echo "build $1 run $3: first proxied answer ${proxy} ms (cpu ${cpu} ms), admin ${admin:-?} ms"
  echo "$proxy" >>"$dir/$1.proxy"; echo "$cpu" >>"$dir/$1.cpu"; [[ -n $admin ]] && echo "$admin" >>"$dir/$1.admin"
}

echo "# startup.sh: runs=$RUNS run-args='$RUN_ARGS' cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$RUNS"); do
  i=0
  for build in "$@"; do i=$((i + 1)); one_run $i "$build" "$r"; done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
for build in "$@"; do
  i=$((i + 1))
  printf 'build %d %s\n  first proxied answer: median %s ms, max %s ms (cpu median %s ms)\n  first admin answer:   median %s ms, max %s ms\n' \
    $i "$build" "$(median <"$dir/$i.proxy")" "$(sort -n "$dir/$i.proxy" | tail -n 1)" "$(median <"$dir/$i.cpu")" \
    "$(median <"$dir/$i.admin")" "$(sort -n "$dir/$i.admin" | tail -n 1)"
done
