#!/usr/bin/env bash
# What an access policy costs a whole Tandem process: requests/s and p99 with no policy and with a CIDR policy on the
# route (issue 18 asks within 3%), rounds interleaved (none, cidr, none, cidr, ...) so the drift of a shared machine
# hits both alike; medians and their ratio.
#
#   bench/policy-cost.sh PATH/TO/tandem            (a published tandem apphost or tandem.dll)
#
# Two nginx backends on loopback answer a small body; each round starts a fresh `tandem run`, warms it with 2 s of
# load, then measures SECONDS_EACH with wrk, and Tandem's CPU time over that window (user+sys from /proc) per request:
# on a shared machine requests/s moves with the neighbours' load, CPU per request much less, so compare that first. The policy: `allow: [10.0.0.0/8, 192.168.0.0/16, 127.0.0.0/8]` named by
# the listener, so every request runs the admit stage (client address, three ranges).
# Settings: CONNS (64), SECONDS_EACH (8), ROUNDS (5), POLICY (the policy's YAML after `- name: p`, default the CIDR list).
# Needs nginx, wrk, curl (apt-get install -y nginx-light wrk curl).
set -euo pipefail
tandem=${1:?usage: policy-cost.sh PATH/TO/tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-5}
POLICY=${POLICY:-"allow: [10.0.0.0/8, 192.168.0.0/16, 127.0.0.0/8]"}
for tool in nginx wrk curl; do
  command -v $tool >/dev/null || { echo "policy-cost.sh: $tool is missing (apt-get install -y nginx-light wrk curl)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/policy-cost.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B1=19301 B2=19302 P=18380 ADMIN=19390

printf '%s\n' "worker_processes 1; daemon off; pid $dir/backend.pid; error_log $dir/backend.err;" \
  "events { worker_connections 8192; }" \
  "http { access_log off; keepalive_requests 1000000;" \
  "  server { listen 127.0.0.1:$B1 backlog=4096; location / { return 200 \"hello world!\"; } }" \
  "  server { listen 127.0.0.1:$B2 backlog=4096; location / { return 200 \"hello world!\"; } } }" >"$dir/backend.conf"
write_config() { # name policy-line top
  printf '%s\n' "listeners:" "  - name: web" "    bind: 127.0.0.1:$P" "    pool: app" "$2" \
    "admin:" "  bind: 127.0.0.1:$ADMIN" \
    "pools:" "  - name: app" "    algorithm: round-robin" "    servers:" \
    "      - address: 127.0.0.1:$B1" "      - address: 127.0.0.1:$B2" "$3" >"$dir/$1.yaml"
}
write_config none "" ""
write_config cidr "    policy: p" "policies:
  - name: p
    $POLICY"

nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B2/" >/dev/null && break; sleep 0.1; done

cpu_ticks() { local stat; stat=$(<"/proc/$1/stat"); stat=${stat##*) }; read -r -a f <<<"$stat"; echo $((f[11] + f[12])); }
measure() { # pid -> "rps p99_ms"
  wrk -t1 -c"$CONNS" -d2s "http://127.0.0.1:$P/" >/dev/null 2>&1 || true
  cpu_before=$(cpu_ticks "$1")
  wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "http://127.0.0.1:$P/" 2>/dev/null | awk '
    /^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } p99=v }
    /^Requests\/sec/ { rps=$2 }
    /Non-2xx|Socket errors/ { bad=bad" "$0 }
    END { printf "%s %s%s\n", rps+0, p99+0, (bad ? " #" bad : "") }' >"$dir/measure.out"
  cpu_after=$(cpu_ticks "$1")
  cat "$dir/measure.out"
}
median() { sort -g | awk '{a[NR]=$1} END { print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'; }

declare -A rps p99 cpu
hz=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
  for name in none cidr; do
    "${tandem_cmd[@]}" run --config "$dir/$name.yaml" >>"$dir/run.err" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$P/" && break; sleep 0.1; done
    measure "$pid" >"$dir/one"
    read -r one_rps one_p99 rest <"$dir/one"
    one_cpu=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$hz" -v r="$one_rps" -v s="$SECONDS_EACH" 'BEGIN { printf "%.2f", t / hz * 1e6 / (r * s) }')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "round $r $name: $one_rps rps, p99 $one_p99 ms, CPU $one_cpu us/request ${rest:-}"
    rps[$name]+="$one_rps "; p99[$name]+="$one_p99 "; cpu[$name]+="$one_cpu "
  done
done
none_rps=$(tr ' ' '\n' <<<"${rps[none]}" | grep . | median); cidr_rps=$(tr ' ' '\n' <<<"${rps[cidr]}" | grep . | median)
none_p99=$(tr ' ' '\n' <<<"${p99[none]}" | grep . | median); cidr_p99=$(tr ' ' '\n' <<<"${p99[cidr]}" | grep . | median)
none_cpu=$(tr ' ' '\n' <<<"${cpu[none]}" | grep . | median); cidr_cpu=$(tr ' ' '\n' <<<"${cpu[cidr]}" | grep . | median)
echo "median CPU per request: none $none_cpu us, cidr $cidr_cpu us, cidr/none $(awk -v a="$cidr_cpu" -v b="$none_cpu" 'BEGIN { printf "%.3f", a / b }')"
echo "median: none $none_rps rps (p99 $none_p99 ms), cidr $cidr_rps rps (p99 $cidr_p99 ms), cidr/none $(awk -v a="$cidr_rps" -v b="$none_rps" 'BEGIN { printf "%.3f", a / b }')"
