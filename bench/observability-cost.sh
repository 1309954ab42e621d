#!/usr/bin/env bash
# The request-path cost of metrics and the access log: Tandem alone, with per-request metrics and a JSON access log
# to a file ("on") against metrics.enabled: false and no access log ("off"), in alternating rounds.
#
#   bench/observability-cost.sh PATH/TO/tandem       (a published tandem apphost or tandem.dll)
#
# Two nginx backends on loopback serve a small body (as ../shared/bench/peers.sh does); wrk -t1 drives Tandem.
# Settings: CONNS (64), SECONDS_EACH (8), ROUNDS (3), BODY_BYTES (13). Prints medians and the on/off ratio;
# the issue asks for on/off >= 0.90. On a shared machine the absolute numbers are noise; the ratio of
# alternating rounds is what to quote.
# Needs nginx, wrk and curl (Debian: apt-get install -y nginx-light wrk curl).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tandem=${1:?usage: observability-cost.sh PATH/TO/tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-3} BODY_BYTES=${BODY_BYTES:-13}
for tool in nginx wrk curl; do
  command -v $tool >/dev/null || { echo "observability-cost.sh: $tool is missing (apt-get install -y nginx-light wrk curl)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/obscost.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B1=${B1:-19101} B2=${B2:-19102} P=${P:-18180} ADMIN=${ADMIN:-19190}
body=$(head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x')

cat >"$dir/backend.conf" <<CONF
worker_processes 1; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;
events { worker_connections 8192; }
http { access_log off;
  server { listen 127.0.0.1:$B1 backlog=4096; location / { return 200 "$body"; } }
  server { listen 127.0.0.1:$B2 backlog=4096; location / { return 200 "$body"; } } }
CONF
base="listeners:
  - name: web
    bind: 127.0.0.1:$P
    pool: app
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    algorithm: round-robin
    servers:
      - address: 127.0.0.1:$B1
      - address: 127.0.0.1:$B2"
printf '%s\nmetrics:\n  enabled: false\n' "$base" >"$dir/off.yaml"
printf '%s\nmetrics:\n  enabled: true\naccess-log:\n  path: %s/access.log\n  format: json\n  max-size: 64MB\n  max-files: 1\n' "$base" "$dir" >"$dir/on.yaml"

nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B2/" >/dev/null && break; sleep 0.1; done

measure() { # url -> "rps p99_ms"
  wrk -t1 -c"$CONNS" -d2s "$1" >/dev/null 2>&1 || true
  wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$1" 2>/dev/null | awk '
    /^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } p99=v }
    /^Requests\/sec/ { rps=$2 }
    /Non-2xx|Socket errors/ { bad=bad" "$0 }
    END { printf "%s %s%s\n", rps+0, p99+0, (bad ? " #" bad : "") }'
}

echo "# observability-cost.sh: conns=$CONNS seconds=$SECONDS_EACH rounds=$ROUNDS body=${BODY_BYTES}B cores=$(nproc)"
: >"$dir/results"
for r in $(seq "$ROUNDS"); do
  for mode in off on; do
    "${tandem_cmd[@]}" run --config "$dir/$mode.yaml" >>"$dir/run.err" 2>&1 &
    pid=$!
    up=0
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$P/" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
    if [[ $up == 1 ]]; then echo "$mode $(measure "http://127.0.0.1:$P/")" >>"$dir/results"; else echo "$mode 0 0 # did not answer" >>"$dir/results"; fi
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    for _ in $(seq 50); do curl -s "http://127.0.0.1:$P/" >/dev/null 2>&1 || break; sleep 0.1; done
  done
done
grep '#' "$dir/results" | sed 's/^/# note: /' || true
lines=$(cat "$dir"/access.log* 2>/dev/null | wc -l)
echo "# access log lines written in the 'on' rounds: $lines"
printf '%-5s %12s %10s\n' mode "rps(median)" "p99(ms)"
for m in off on; do
  rps=$(awk -v m=$m '$1==m {print $2}' "$dir/results" | median)
  p99=$(awk -v m=$m '$1==m {print $3}' "$dir/results" | median)
  printf '%-5s %12.0f %10.2f\n' $m "$rps" "$p99"
  eval "rps_$m=$rps p99_$m=$p99"
done
awk -v on="$rps_on" -v off="$rps_off" -v pon="$p99_on" -v poff="$p99_off" 'BEGIN {
  printf "ratio rps on/off=%.3f  p99 on/off=%.2f\n", (off ? on/off : 0), (poff ? pon/poff : 0) }'
echo "# rounds:"; sed 's/^/#   /' "$dir/results"
