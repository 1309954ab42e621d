#!/usr/bin/env bash
# CPU per proxied request, Tandem against nginx: the cost behind peers.sh's requests/s, measured the way
# config-cost.sh measures Tandem alone. On this 2-core machine wrk, the backends and the proxy share the cores, so
# requests/s follows from what each request costs everyone; the proxy's share is the part a proxy can change.
#
#   bench/cpu-vs-nginx.sh PATH/TO/tandem          (a published tandem apphost or tandem.dll)
#
# Two nginx backends on loopback answer 13 bytes; nginx (WORKERS workers, keep-alive 128 to the backends, as
# peers.sh configures it) and Tandem (a listener with `pool: app`, round robin) proxy to them in interleaved rounds
# (nginx, tandem, nginx, ...). Each round starts the proxy, warms it with 2 s of load, then measures SECONDS_EACH
# with wrk and the proxy's CPU time (user+sys from /proc: nginx's master and workers, Tandem's process) over that
# window, per request. Medians and the Tandem/nginx ratios at the end.
# Settings: CONNS (64), SECONDS_EACH (8), ROUNDS (5), WORKERS (nproc), TLS=1 (both terminate TLS, an ECDSA P-256
# certificate made here). Needs nginx, wrk, curl, openssl (apt-get install -y nginx-light wrk curl openssl).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tandem=${1:?usage: cpu-vs-nginx.sh PATH/TO/tandem}
CONNS=${CONNS:-64} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-5} WORKERS=${WORKERS:-$(nproc)} TLS=${TLS:-0}
for tool in nginx wrk curl openssl; do
  command -v $tool >/dev/null || { echo "cpu-vs-nginx.sh: $tool is missing (apt-get install -y nginx-light wrk curl openssl)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/cpu-vs-nginx.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
B1=19401 B2=19402 P=18480 ADMIN=19490

backends_conf "$dir/backend.conf" $B1 $B2
scheme=http listen="listen 127.0.0.1:$P backlog=4096;" tandem_tls=""
if [[ $TLS == 1 ]]; then
  scheme=https
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  listen="listen 127.0.0.1:$P ssl backlog=4096; ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem; ssl_protocols TLSv1.2 TLSv1.3;"
  tandem_tls=$(printf '%s\n' "    tls:" "      certificates:" "        - cert: $dir/cert.pem" "          key: $dir/key.pem")
fi
printf '%s\n' "worker_processes $WORKERS; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;" \
  "events { worker_connections 8192; }" \
  "http { access_log off; keepalive_requests 1000000;" \
  "  upstream app { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 128; }" \
  "  server { $listen" \
  "    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }" >"$dir/nginx.conf"
printf '%s\n' "listeners:" "  - name: web" "    bind: 127.0.0.1:$P" "    protocol: http" "    pool: app" "$tandem_tls" \
  "admin:" "  bind: 127.0.0.1:$ADMIN" \
  "pools:" "  - name: app" "    algorithm: round-robin" "    servers:" \
  "      - address: 127.0.0.1:$B1" "      - address: 127.0.0.1:$B2" >"$dir/tandem.yaml"

nginx -c "$dir/backend.conf" >>"$dir/run.err" 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$B2/" && break; sleep 0.1; done

declare -A rps p99 cpu
hz=$(getconf CLK_TCK)
echo "# cpu-vs-nginx.sh: conns=$CONNS seconds=$SECONDS_EACH rounds=$ROUNDS workers=$WORKERS cores=$(nproc) tls=$TLS"
for ((r = 1; r <= ROUNDS; r++)); do
  for name in nginx tandem; do
    case $name in
      nginx) nginx -c "$dir/nginx.conf" >>"$dir/run.err" 2>&1 & ;;
      tandem) "${tandem_cmd[@]}" run --config "$dir/tandem.yaml" >>"$dir/run.err" 2>&1 & ;;
    esac
    pid=$!
    for _ in $(seq 150); do curl -skf -o /dev/null "$scheme://127.0.0.1:$P/" && break; sleep 0.1; done
    wrk -t1 -c"$CONNS" -d2s "$scheme://127.0.0.1:$P/" >/dev/null 2>&1 || true
    before=$(tree_ticks "$pid")
    wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$scheme://127.0.0.1:$P/" 2>/dev/null | wrk_summary >"$dir/one"
    after=$(tree_ticks "$pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    for _ in $(seq 50); do curl -sk -o /dev/null "$scheme://127.0.0.1:$P/" || break; sleep 0.1; done
    read -r one_rps one_p99 one_n rest <"$dir/one"
    one_cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$one_n" 'BEGIN { printf "%.2f", n ? t / hz * 1e6 / n : 0 }')
    echo "round $r $name: $one_rps rps, p99 $one_p99 ms, CPU $one_cpu us/request ${rest:-}"
    rps[$name]+="$one_rps "; p99[$name]+="$one_p99 "; cpu[$name]+="$one_cpu "
  done
done
for name in nginx tandem; do
  declare "m_rps_$name=$(median ${rps[$name]})" "m_p99_$name=$(median ${p99[$name]})" "m_cpu_$name=$(median ${cpu[$name]})"
done
printf '%-7s %12s %9s %16s\n' proxy "rps(median)" "p99(ms)" "CPU(us/request)"
for name in nginx tandem; do
  r=m_rps_$name p=m_p99_$name c=m_cpu_$name
  printf '%-7s %12.0f %9.2f %16.2f\n' $name "${!r}" "${!p}" "${!c}"
done
awk -v tr="$m_rps_tandem" -v nr="$m_rps_nginx" -v tc="$m_cpu_tandem" -v nc="$m_cpu_nginx" 'BEGIN {
  printf "ratio tandem/nginx: rps %.2f, CPU per request %.2f\n", tr / nr, tc / nc }'
