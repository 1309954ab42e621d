#!/usr/bin/env bash
# What a full TLS handshake costs the server, and whether sessions resume: Tandem builds side by side, with nginx as the
# reference. Each round starts the server (a TLS listener with a self-signed P-256 certificate made here; Tandem's
# answers with a `respond` route, nginx's with `return 200`), makes handshakes for SECONDS_EACH with `openssl s_time
# -new` (TLS 1.3, no request) after a 3 s warm-up, and reads the server's CPU time from /proc (nginx: master and
# workers). Then one `openssl s_client -sess_out` / `-sess_in` pair per server and TLS version shows whether the
# second connection resumed. Rounds interleaved; medians.
#
#   bench/tls-handshakes.sh PATH/TO/tandem [OTHER/tandem ...]     (published tandem apphosts or tandem.dll files)
#
# Settings: SECONDS_EACH (6), ROUNDS (3), WORKERS (nproc, nginx's). Needs openssl, nginx, curl
# (apt-get install -y openssl nginx-light curl).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
(($# >= 1)) || { echo "usage: tls-handshakes.sh PATH/TO/tandem [OTHER/tandem ...]" >&2; exit 2; }
SECONDS_EACH=${SECONDS_EACH:-6} ROUNDS=${ROUNDS:-3} WORKERS=${WORKERS:-$(nproc)}
for tool in openssl nginx curl; do
  command -v $tool >/dev/null || { echo "tls-handshakes.sh: $tool is missing (apt-get install -y openssl nginx-light curl)" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/tls-handshakes.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
P=18560 ADMIN=19560
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
printf '%s\n' "listeners:" "  - name: web" "    bind: 127.0.0.1:$P" "    protocol: http" "    routes:" \
  "      - match: { path: / }" "        respond: { status: 200, body: ok }" \
  "    tls:" "      certificates:" "        - cert: $dir/cert.pem" "          key: $dir/key.pem" \
  "admin:" "  bind: 127.0.0.1:$ADMIN" \
  "pools:" "  - name: unused" "    servers:" "      - address: 127.0.0.1:9" >"$dir/tandem.yaml"
printf '%s\n' "worker_processes $WORKERS; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;" \
  "events { worker_connections 8192; }" \
  "http { access_log off;" \
  "  server { listen 127.0.0.1:$P ssl backlog=4096; ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem;" \
  "    ssl_protocols TLSv1.2 TLSv1.3; location / { return 200 ok; } } }" >"$dir/nginx.conf"

names=(nginx)
for ((i = 1; i <= $#; i++)); do names+=("tandem$i"); done
start() { # name -> pid
  case $1 in
    nginx) nginx -c "$dir/nginx.conf" >>"$dir/run.err" 2>&1 & ;;
    tandem*)
      local path=${BUILDS[${1#tandem}]}
      case $path in *.dll) dotnet "$path" run --config "$dir/tandem.yaml" >>"$dir/run.err" 2>&1 & ;; *) "$path" run --config "$dir/tandem.yaml" >>"$dir/run.err" 2>&1 & ;; esac ;;
  esac
  echo $!
}
BUILDS=("" "$@")
resumed() { # version -> "yes" or "no"
  rm -f "$dir/session.pem"
  printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -"$1" -connect 127.0.0.1:$P -sess_out "$dir/session.pem" -ign_eof >/dev/null 2>&1 || true
  local second
  second=$(printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -"$1" -connect 127.0.0.1:$P -sess_in "$dir/session.pem" -ign_eof 2>/dev/null || true)
  [[ $second == *$'\n'Reused,* ]] && echo yes || echo no
}

declare -A rate cpu resume
hz=$(getconf CLK_TCK)
echo "# tls-handshakes.sh: seconds=$SECONDS_EACH rounds=$ROUNDS workers=$WORKERS cores=$(nproc); tandem1..: $*"
for ((r = 1; r <= ROUNDS; r++)); do
  for name in "${names[@]}"; do
    pid=$(start "$name")
    for _ in $(seq 150); do curl -skf -o /dev/null "https://127.0.0.1:$P/" && break; sleep 0.1; done
    timeout 10 openssl s_time -connect 127.0.0.1:$P -new -time 3 >/dev/null 2>&1 || true
    before=$(tree_ticks "$pid")
    n=$(timeout $((SECONDS_EACH + 10)) openssl s_time -connect 127.0.0.1:$P -new -time "$SECONDS_EACH" 2>/dev/null |
      awk '/connections in [0-9.]+s;/ { print $1; exit }')
    after=$(tree_ticks "$pid")
    n=${n:-0}
    one_cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.0f", n ? t / hz * 1e6 / n : 0 }')
    one_rate=$(awk -v n="$n" -v s="$SECONDS_EACH" 'BEGIN { printf "%.0f", n / s }')
    if ((r == 1)); then resume[$name]="TLS 1.2 $(resumed tls1_2), TLS 1.3 $(resumed tls1_3)"; fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
    for _ in $(seq 50); do curl -sk -o /dev/null "https://127.0.0.1:$P/" || break; sleep 0.1; done
    echo "round $r $name: $one_rate handshakes/s, CPU $one_cpu us/handshake"
    rate[$name]+="$one_rate "; cpu[$name]+="$one_cpu "
  done
done
printf '%-8s %14s %16s  %s\n' server "handshakes/s" "CPU(us/handshake)" "session resumed"
for name in "${names[@]}"; do
  printf '%-8s %14.0f %16.0f  %s\n' "$name" "$(median ${rate[$name]})" "$(median ${cpu[$name]})" "${resume[$name]}"
done
