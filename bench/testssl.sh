#!/usr/bin/env bash
# TLS protocol hygiene of a Tandem TLS listener with default settings, as testssl.sh (Debian `testssl.sh`) sees it.
#
#   bench/testssl.sh PATH/TO/tandem            (a published tandem apphost or tandem.dll)
#
# Makes a self-signed P-256 certificate for localhost (openssl), starts `tandem run` with one TLS listener whose only
# route answers 200 itself (no backend), runs testssl.sh against it (protocols, ciphers, forward secrecy, server
# defaults, headers, vulnerabilities) and prints the findings of severity LOW and above, then a count per severity.
# Nothing leaves 127.0.0.1. Takes 1-3 minutes. Settings: OUT (a directory to keep testssl's JSON in; temporary otherwise).
# Needs testssl, openssl, curl, python3 (apt-get install -y testssl.sh openssl curl python3).
set -euo pipefail
tandem=${1:?usage: testssl.sh PATH/TO/tandem}
for tool in testssl openssl curl python3; do
  command -v $tool >/dev/null || { echo "testssl.sh: $tool is missing (apt-get install -y testssl.sh openssl curl python3)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/testssl-bench.XXXXXX)
out=${OUT:-$dir}
mkdir -p "$out"
pid=""
cleanup() { if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
P=18443 ADMIN=19443

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
printf '%s\n' \
  "listeners:" \
  "  - name: web" \
  "    bind: 127.0.0.1:$P" \
  "    tls:" \
  "      certificates: [{cert: $dir/cert.pem, key: $dir/key.pem}]" \
  "    routes:" \
  "      - name: hello" \
  "        match: {path: /}" \
  "        respond: {status: 200, body: \"hello\\n\"}" \
  "admin:" \
  "  bind: 127.0.0.1:$ADMIN" \
  "pools:" \
  "  - name: unused" \
  "    servers:" \
  "      - address: 127.0.0.1:9" >"$dir/tandem.yaml"
"${tandem_cmd[@]}" run --config "$dir/tandem.yaml" --no-warmup >"$dir/tandem.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$P/" && break; sleep 0.1; done
curl -sk -o /dev/null "https://127.0.0.1:$P/" || { echo "tandem did not start:"; cat "$dir/tandem.log"; exit 1; }

testssl --quiet --color 0 --warnings off --openssl-timeout 10 --jsonfile "$out/testssl.json" "127.0.0.1:$P" >"$dir/testssl.txt" 2>&1 || true
python3 - "$out/testssl.json" <<'PY'
import json, sys, collections
findings = json.load(open(sys.argv[1]))
order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "WARN", "INFO", "OK"]
counts = collections.Counter(f.get("severity", "?") for f in findings)
print("testssl.sh findings of severity LOW and above (id: finding):")
for f in findings:
    if f.get("severity") in ("CRITICAL", "HIGH", "MEDIUM", "LOW"):
        print(f"  {f['severity']:8} {f['id']}: {f['finding']}")
ids = ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
print("protocols:", ", ".join(f"{f['id']}={f['finding']}" for f in findings if f["id"] in ids))
for f in findings:
    if f["id"] in ("FS", "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA",
                   "cipherlist_OBSOLETED", "cipherlist_STRONG_NOFS", "cipherlist_STRONG_FS", "overall_grade"):
        print(f"  {f['id']}: {f['finding']}")
print("per severity:", ", ".join(f"{s} {counts[s]}" for s in order if counts[s]))
PY
