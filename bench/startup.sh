#!/usr/bin/env bash
# Time from exec to the first request Tandem serves, RUNS times (10), median and max.
#
#   bench/startup.sh PATH/TO/tandem [EXTRA RUN ARGS...]   (a published tandem apphost or tandem.dll)
#
# One nginx backend on loopback answers 200. Each run records the clock, starts `tandem run`, and polls the proxy
# port from this shell (bash's /dev/tcp: no process spawned per attempt, ~1 ms between attempts) until a request
# gets the backend's 200 through Tandem; a refused connect is retried at once. The time printed is exec to the
# first complete answer. Then SIGTERM, wait for the exit, next run. Also prints the time to the first answer of
# the admin listener (/api/status) in the same runs.
# Settings: RUNS (10), TIMEOUT_S (20 per run). Needs nginx (apt-get install -y nginx-light).
set -euo pipefail
tandem=${1:?usage: startup.sh PATH/TO/tandem [EXTRA RUN ARGS...]}
shift
RUNS=${RUNS:-10} TIMEOUT_S=${TIMEOUT_S:-20}
command -v nginx >/dev/null || { echo "startup.sh: nginx is missing (apt-get install -y nginx-light)" >&2; exit 2; }
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

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
nginx -c "$dir/backend.conf" 2>>"$dir/backend.err" & pids+=($!)

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
median() { sort -n | awk '{a[NR]=$1} END { print (NR % 2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)) }'; }

echo "# startup.sh: $tandem ${*:-} runs=$RUNS cores=$(nproc)"
: >"$dir/proxy.ms"; : >"$dir/admin.ms"
for r in $(seq "$RUNS"); do
  start=$(now_ms)
  "${tandem_cmd[@]}" run --config "$dir/tandem.yaml" "$@" >"$dir/run.out" 2>&1 &
  pid=$!
  proxy="" admin=""
  while [[ -z $proxy || -z $admin ]]; do
    elapsed=$(($(now_ms) - start))
    ((elapsed > TIMEOUT_S * 1000)) && break
    kill -0 $pid 2>/dev/null || break
    [[ -z $proxy ]] && get_ok $P / && proxy=$(($(now_ms) - start))
    [[ -z $admin ]] && get_ok $ADMIN /api/status && admin=$(($(now_ms) - start))
  done
  kill -TERM $pid 2>/dev/null || true
  for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 $pid 2>/dev/null; then
    echo "run $r: still running 30 s after SIGTERM; killed"; kill -9 $pid 2>/dev/null || true
  fi
  wait $pid 2>/dev/null || true
  if [[ -z $proxy ]]; then
    echo "run $r: no answer within ${TIMEOUT_S}s"; tail -n 5 "$dir/run.out" | sed 's/^/#   /'; exit 1
  fi
  echo "run $r: first proxied answer ${proxy} ms, admin ${admin:-?} ms"
  echo "$proxy" >>"$dir/proxy.ms"; [[ -n $admin ]] && echo "$admin" >>"$dir/admin.ms"
done
printf 'first proxied answer: median %s ms, max %s ms\n' "$(median <"$dir/proxy.ms")" "$(sort -n "$dir/proxy.ms" | tail -n 1)"
printf 'first admin answer:   median %s ms, max %s ms\n' "$(median <"$dir/admin.ms")" "$(sort -n "$dir/admin.ms" | tail -n 1)"
