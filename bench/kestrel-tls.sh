#!/usr/bin/env bash
# What TLS costs per request in Kestrel itself, beside nginx: no proxying, each server answers 13 bytes, plain and TLS.
# It separates the part of Tandem's HTTPS cost that is Kestrel's HTTPS middleware (SslStream and the pipes around it)
# from the rest, and shows how long that layer takes to warm up.
#
#   bench/kestrel-tls.sh
#
# Four servers in interleaved rounds: Kestrel (bench/KestrelTls, built here; socket continuations inline on
# THREADS epoll threads, as Tandem runs them) over HTTP and over HTTPS, and nginx (WORKERS workers, `return 200`)
# over HTTP and HTTPS. Each round starts the server, loads it for WARM seconds, then measures SECONDS_EACH with
# wrk and the server's CPU time (user+sys from /proc) per request. Medians, and what TLS adds to each.
# Settings: CONNS (64), WARM (12), SECONDS_EACH (8), ROUNDS (5), THREADS (nproc), WORKERS (nproc), BODY_BYTES (13).
# Needs nginx, wrk, curl, openssl (apt-get install -y nginx-light wrk curl openssl) and the .NET SDK.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
CONNS=${CONNS:-64} WARM=${WARM:-12} SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-$(nproc)} WORKERS=${WORKERS:-$(nproc)} BODY_BYTES=${BODY_BYTES:-13}
for tool in nginx wrk curl openssl dotnet; do
  command -v $tool >/dev/null || { echo "kestrel-tls.sh: $tool is missing (apt-get install -y nginx-light wrk curl openssl)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/kestrel-tls.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
P=18580 PS=18581

dotnet build "$HERE/KestrelTls" -c Release -o "$dir/kestrel" >"$dir/build.log" 2>&1 || { tail -20 "$dir/build.log"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
body=$(head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x')
printf '%s\n' "worker_processes $WORKERS; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;" \
  "events { worker_connections 8192; }" \
  "http { access_log off; keepalive_requests 1000000;" \
  "  server { listen 127.0.0.1:$P backlog=4096; location / { return 200 \"$body\"; } }" \
  "  server { listen 127.0.0.1:$PS ssl backlog=4096; ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem;" \
  "    ssl_protocols TLSv1.2 TLSv1.3; location / { return 200 \"$body\"; } } }" >"$dir/nginx.conf"

names=(kestrel kestrel-tls nginx nginx-tls)
declare -A rps cpu
hz=$(getconf CLK_TCK)
echo "# kestrel-tls.sh: conns=$CONNS warm=${WARM}s seconds=$SECONDS_EACH rounds=$ROUNDS threads=$THREADS workers=$WORKERS cores=$(nproc) body=${BODY_BYTES}B"
for ((r = 1; r <= ROUNDS; r++)); do
  for name in "${names[@]}"; do
    url=http://127.0.0.1:$P/
    [[ $name == *-tls ]] && url=https://127.0.0.1:$PS/
    case $name in
      kestrel) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=$THREADS \
        dotnet "$dir/kestrel/KestrelTls.dll" $P "$BODY_BYTES" >>"$dir/run.err" 2>&1 & ;;
      kestrel-tls) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=$THREADS \
        dotnet "$dir/kestrel/KestrelTls.dll" $PS "$BODY_BYTES" "$dir/cert.pem" "$dir/key.pem" >>"$dir/run.err" 2>&1 & ;;
      nginx*) nginx -c "$dir/nginx.conf" >>"$dir/run.err" 2>&1 & ;;
    esac
    pid=$!
    for _ in $(seq 150); do curl -skf -o /dev/null "$url" && break; sleep 0.1; done
    wrk -t1 -c"$CONNS" -d"${WARM}s" "$url" >/dev/null 2>&1 || true
    before=$(tree_ticks "$pid")
    wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency "$url" 2>/dev/null | wrk_summary >"$dir/one"
    after=$(tree_ticks "$pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    for _ in $(seq 50); do curl -sk -o /dev/null "$url" || break; sleep 0.1; done
    read -r one_rps _ one_n rest <"$dir/one"
    one_cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$one_n" 'BEGIN { printf "%.2f", n ? t / hz * 1e6 / n : 0 }')
    echo "round $r $name: $one_rps rps, CPU $one_cpu us/request ${rest:-}"
    rps[$name]+="$one_rps "; cpu[$name]+="$one_cpu "
  done
done
printf '%-12s %12s %16s\n' server "rps(median)" "CPU(us/request)"
for name in "${names[@]}"; do
  printf '%-12s %12.0f %16.2f\n' "$name" "$(median ${rps[$name]})" "$(median ${cpu[$name]})"
done
awk -v k="$(median ${cpu[kestrel]})" -v kt="$(median ${cpu[kestrel-tls]})" -v n="$(median ${cpu[nginx]})" -v nt="$(median ${cpu[nginx-tls]})" 'BEGIN {
  printf "TLS adds per request: Kestrel %.2f us, nginx %.2f us\n", kt - k, nt - n }'
