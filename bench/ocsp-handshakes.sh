#!/usr/bin/env bash
# What OCSP stapling costs a full TLS handshake: new connections per second (openssl s_time -new) and Tandem's CPU per
# handshake, against two TLS listeners of one Tandem: "plain" serves a certificate without an OCSP responder, "stapled"
# one whose AIA names an `openssl ocsp` responder on loopback (so every handshake carries the stapled answer). Rounds
# interleaved (plain, stapled, plain, ...) so a shared machine's drift hits both alike; medians and their ratio.
#
#   bench/ocsp-handshakes.sh PATH/TO/tandem         (a published tandem apphost or tandem.dll)
#
# Settings: SECONDS_EACH (8), ROUNDS (5). Needs openssl, curl (apt-get install -y openssl curl). Nothing leaves 127.0.0.1
# (openssl ocsp 3.0 takes only a port and listens on every address; it is only ever asked on 127.0.0.1).
set -euo pipefail
tandem=${1:?usage: ocsp-handshakes.sh PATH/TO/tandem}
SECONDS_EACH=${SECONDS_EACH:-8} ROUNDS=${ROUNDS:-5}
for tool in openssl curl; do
  command -v $tool >/dev/null || { echo "ocsp-handshakes.sh: $tool is missing (apt-get install -y openssl curl)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/ocsp-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
PLAIN=18543 STAPLED=18544 ADMIN=19543 OCSP=19544

# A CA and two P-256 leaves for localhost, one naming the responder.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=Bench OCSP CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
for name in plain stapled; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth" >"$dir/$name.ext"
  [[ $name == stapled ]] && echo "authorityInfoAccess=OCSP;URI:http://127.0.0.1:$OCSP" >>"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 20 -extfile "$dir/$name.ext" \
    -out "$dir/$name.leaf" 2>/dev/null
  cat "$dir/$name.leaf" "$dir/ca.pem" >"$dir/$name.pem"
  chmod 600 "$dir/$name.key"
done
serial=$(openssl x509 -in "$dir/stapled.leaf" -noout -serial | cut -d= -f2)
expiry=$(date -u -d "$(openssl x509 -in "$dir/stapled.leaf" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
printf 'V\t%s\t\t%s\tunknown\t/CN=localhost\n' "$expiry" "$serial" >"$dir/index.txt"
openssl ocsp -index "$dir/index.txt" -port "$OCSP" -rsigner "$dir/ca.pem" -rkey "$dir/ca.key" -CA "$dir/ca.pem" -nmin 60 >>"$dir/ocsp.log" 2>&1 &
pids+=($!)

listener() { # name port
  printf '%s\n' "  - name: $1" "    bind: 127.0.0.1:$2" "    tls:" "      certificates: [{cert: $dir/$1.pem, key: $dir/$1.key}]" \
    "    routes:" "      - match: {path: /}" "        respond: {status: 200, body: \"hello\\n\"}"
}
{ echo "listeners:"; listener plain $PLAIN; listener stapled $STAPLED
  printf '%s\n' "admin:" "  bind: 127.0.0.1:$ADMIN" "pools:" "  - name: unused" "    servers:" "      - address: 127.0.0.1:9"; } >"$dir/tandem.yaml"
"${tandem_cmd[@]}" run --config "$dir/tandem.yaml" --no-warmup >"$dir/tandem.log" 2>&1 &
pid=$!; pids+=($pid)
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$ADMIN/api/tls" 2>/dev/null | grep -q '"ocsp":"stapled"' && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$ADMIN/api/tls" | grep -q '"ocsp":"stapled"' || { echo "no stapled answer within 30 s:"; cat "$dir/tandem.log" "$dir/ocsp.log"; exit 1; }
echo | openssl s_client -connect 127.0.0.1:$STAPLED -servername localhost -status 2>/dev/null | grep -E "OCSP Response Status|Cert Status" | sed 's/^ */stapled listener: /'

cpu_ticks() { local stat; stat=$(<"/proc/$1/stat"); stat=${stat##*) }; read -r -a f <<<"$stat"; echo $((f[11] + f[12])); }
median() { sort -g | awk '{a[NR]=$1} END { print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'; }
hz=$(getconf CLK_TCK)
declare -A rate cpu
for port in $PLAIN $STAPLED; do openssl s_time -connect 127.0.0.1:$port -new -time 2 >/dev/null 2>&1 || true; done   # warm-up
for ((r = 1; r <= ROUNDS; r++)); do
  for name in plain stapled; do
    port=$PLAIN; [[ $name == stapled ]] && port=$STAPLED
    before=$(cpu_ticks "$pid")
    out=$(openssl s_time -connect 127.0.0.1:$port -new -time "$SECONDS_EACH" 2>/dev/null | grep -m1 'connections in .* real seconds' || true)
    after=$(cpu_ticks "$pid")
    conns=$(awk '{print $1}' <<<"$out"); secs=$(awk '{for (i=1;i<=NF;i++) if ($i=="in") print $(i+1)}' <<<"$out")
    one_rate=$(awk -v c="$conns" -v s="$secs" 'BEGIN { printf "%.1f", c / s }')
    one_cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v c="$conns" 'BEGIN { printf "%.1f", t / hz * 1e6 / c }')
    echo "round $r $name: $one_rate handshakes/s, Tandem CPU $one_cpu us/handshake"
    rate[$name]+="$one_rate "; cpu[$name]+="$one_cpu "
  done
done
plain_rate=$(tr ' ' '\n' <<<"${rate[plain]}" | grep . | median); stapled_rate=$(tr ' ' '\n' <<<"${rate[stapled]}" | grep . | median)
plain_cpu=$(tr ' ' '\n' <<<"${cpu[plain]}" | grep . | median); stapled_cpu=$(tr ' ' '\n' <<<"${cpu[stapled]}" | grep . | median)
echo "median: plain $plain_rate handshakes/s ($plain_cpu us CPU each), stapled $stapled_rate handshakes/s ($stapled_cpu us CPU each)," \
  "stapled/plain rate $(awk -v a="$stapled_rate" -v b="$plain_rate" 'BEGIN { printf "%.3f", a / b }'), CPU $(awk -v a="$stapled_cpu" -v b="$plain_cpu" 'BEGIN { printf "%.3f", a / b }')"
