#!/usr/bin/env bash
# What a piece of config costs a whole Tandem process: requests/s, p99 and CPU per request of a plain listener
# (`base`: one listener, `pool: app`) against the same listener with something added, rounds interleaved
# (base, variant, base, variant, ...) so the drift of a shared machine hits both alike; medians and their ratios.
#
#   bench/config-cost.sh PATH/TO/tandem VARIANT     (a published tandem apphost or tandem.dll)
#
# VARIANT is one of:
#   cidr        the listener names an access policy `allow: [10.0.0.0/8, 192.168.0.0/16, 127.0.0.0/8]` (issue 18:
#               within 3%); POLICY replaces the policy's YAML after `- name: p`
#   routes      the listener has ROUTES path routes (10), the first ROUTES-1 never matching (/r1/ ..), the last `/`
#               to the same pool, as `peers.sh ROUTES=10` writes them (issue 16: within 3%)
#   build OTHER the plain listener on another build (`config-cost.sh A build B`: B's cost against A's, e.g. a
#               runtime setting changed in B's tandem.runtimeconfig.json)
# Two nginx backends on loopback answer a small body; each round starts a fresh `tandem run`, warms it with 2 s of
# load, then measures SECONDS_EACH with wrk, and Tandem's CPU time over that window (user+sys from /proc) per
# request: on a shared machine requests/s moves with the neighbours' load, CPU per request much less, so compare
# that first.
# Settings: CONNS (64), SECONDS_EACH (8), ROUNDS (5), POLICY, ROUTES. Needs nginx, wrk, curl
# (apt-get install -y nginx-light wrk curl).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tandem=${1:?usage: config-cost.sh PATH/TO/tandem cidr|routes}
variant=${2:?usage: config-cost.sh PATH/TO/tandem cidr|routes|build OTHER}
other=${3:-$tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-5} ROUTES=${ROUTES:-10}
POLICY=${POLICY:-"allow: [10.0.0.0/8, 192.168.0.0/16, 127.0.0.0/8]"}
for tool in nginx wrk curl; do
  command -v $tool >/dev/null || { echo "config-cost.sh: $tool is missing (apt-get install -y nginx-light wrk curl)" >&2; exit 2; }
done
command_of() { case $1 in *.dll) echo dotnet "$1" ;; *) echo "$1" ;; esac; }
read -r -a base_cmd <<<"$(command_of "$tandem")"
read -r -a variant_cmd <<<"$(command_of "$other")"

dir=$(mktemp -d /tmp/config-cost.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B1=19301 B2=19302 P=18380 ADMIN=19390

backends_conf "$dir/backend.conf" $B1 $B2 "hello world!"
write_config() { # name target-lines top-lines
  printf '%s\n' "listeners:" "  - name: web" "    bind: 127.0.0.1:$P" "$2" \
    "admin:" "  bind: 127.0.0.1:$ADMIN" \
    "pools:" "  - name: app" "    algorithm: round-robin" "    servers:" \
    "      - address: 127.0.0.1:$B1" "      - address: 127.0.0.1:$B2" "$3" >"$dir/$1.yaml"
}
write_config base "    pool: app" ""
case $variant in
  cidr)
    write_config cidr "    pool: app
    policy: p" "policies:
  - name: p
    $POLICY" ;;
  routes)
    routes="    routes:"
    for ((i = 1; i < ROUTES; i++)); do routes+="
      - match: { path: /r$i/ }
        pool: app"; done
    routes+="
      - match: { path: / }
        pool: app"
    write_config routes "$routes" "" ;;
  build)
    [[ -n ${3:-} ]] || { echo "config-cost.sh: build needs the other build's path" >&2; exit 2; }
    write_config build "    pool: app" "" ;;
  *) echo "config-cost.sh: unknown variant '$variant' (cidr, routes, build OTHER)" >&2; exit 2 ;;
esac

nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$B2/" >/dev/null && break; sleep 0.1; done

measure() { # pid -> "rps p99_ms requests"
  wrk -t1 -c"$CONNS" -d2s "http://127.0.0.1:$P/" >/dev/null 2>&1 || true
  cpu_before=$(proc_ticks "$1")
  wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "http://127.0.0.1:$P/" 2>/dev/null | wrk_summary >"$dir/measure.out"
  cpu_after=$(proc_ticks "$1")
  cat "$dir/measure.out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

declare -A rps p99 cpu
hz=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
  for name in base "$variant"; do
    if [[ $name == base ]]; then cmd=("${base_cmd[@]}"); else cmd=("${variant_cmd[@]}"); fi
    "${cmd[@]}" run --config "$dir/$name.yaml" >>"$dir/run.err" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$P/" && break; sleep 0.1; done
    measure "$pid" >"$dir/one"
    read -r one_rps one_p99 _ rest <"$dir/one"
    one_cpu=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$hz" -v r="$one_rps" -v s="$SECONDS_EACH" 'BEGIN { printf "%.2f", t / hz * 1e6 / (r * s) }')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "round $r $name: $one_rps rps, p99 $one_p99 ms, CPU $one_cpu us/request ${rest:-}"
    rps[$name]+="$one_rps "; p99[$name]+="$one_p99 "; cpu[$name]+="$one_cpu "
  done
done
m_rps=() m_p99=() m_cpu=()
for name in base "$variant"; do
  m_rps[${#m_rps[@]}]=$(tr ' ' '\n' <<<"${rps[$name]}" | grep . | median)
  m_p99[${#m_p99[@]}]=$(tr ' ' '\n' <<<"${p99[$name]}" | grep . | median)
  m_cpu[${#m_cpu[@]}]=$(tr ' ' '\n' <<<"${cpu[$name]}" | grep . | median)
done
echo "median CPU per request: base ${m_cpu[0]} us, $variant ${m_cpu[1]} us, $variant/base $(ratio "${m_cpu[1]}" "${m_cpu[0]}")"
echo "median: base ${m_rps[0]} rps (p99 ${m_p99[0]} ms), $variant ${m_rps[1]} rps (p99 ${m_p99[1]} ms), $variant/base $(ratio "${m_rps[1]}" "${m_rps[0]}")"
