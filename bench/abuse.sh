#!/usr/bin/env bash
# Slow-client attacks against Tandem: slowhttptest (Debian package slowhttptest) in its three modes, one after the
# other, each for ATTACK seconds, with an nginx backend behind Tandem serving a 1 MB file.
#
#   flock /tmp/tandem-bench.lock bench/abuse.sh PATH/TO/tandem       (a published tandem apphost or tandem.dll)
#
# Per mode: availability (a probe request every 0.2 s from a separate client during the attack, each allowed 3 s;
# 100% means every probe got 200) and Tandem's RSS before the attack, at its peak during it and AFTER seconds after it.
# The target (issue 14): 100% availability in every mode, and RSS AFTER s later within 30 MB of its value before.
# Modes: slowloris (-H: headers never finished), slow body (-B: a POST body a few bytes at a time), slow read
# (-X: a 1 MB response read through a tiny window). Then a 100 MB upload, with RSS before, at its peak and after.
# Settings: CONNS (1000), ATTACK (60), AFTER (60), MODES ("slowloris slow-body slow-read upload": which to run). Needs slowhttptest, nginx, curl.
set -euo pipefail
tandem=${1:?usage: abuse.sh PATH/TO/tandem}
CONNS=${CONNS:-1000} ATTACK=${ATTACK:-60} AFTER=${AFTER:-60} MODES=${MODES:-slowloris slow-body slow-read upload}
for tool in slowhttptest nginx curl; do
  command -v $tool >/dev/null || { echo "abuse.sh: $tool is missing (apt-get install -y slowhttptest nginx-light curl)" >&2; exit 2; }
done
case $tandem in *.dll) tandem_cmd=(dotnet "$tandem") ;; *) tandem_cmd=("$tandem") ;; esac

dir=$(mktemp -d /tmp/abuse.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
BACKEND=19301 PROXY=18380 ADMIN=19390
ulimit -n 65536 2>/dev/null || true

mkdir -p "$dir/www"
head -c 1048576 /dev/zero | tr '\0' 'x' >"$dir/www/big"
cat >"$dir/nginx.conf" <<EOC
worker_processes 1; master_process off; daemon off; pid $dir/nginx.pid; error_log $dir/nginx.err;
events { worker_connections 8192; }
http { access_log off; client_max_body_size 0;
  server { listen 127.0.0.1:$BACKEND backlog=4096; root $dir/www;
    location = / { return 200 "ok"; }
    location /big { }
    location /upload { proxy_pass http://127.0.0.1:$BACKEND/; } } }
EOC
nginx -c "$dir/nginx.conf" & pids+=($!)

cat >"$dir/tandem.yaml" <<EOC
listeners:
  - name: web
    bind: 127.0.0.1:$PROXY
    pool: app
    max-connections: 20000
admin:
  bind: 127.0.0.1:$ADMIN
pools:
  - name: app
    servers:
      - address: 127.0.0.1:$BACKEND
EOC
"${tandem_cmd[@]}" run -c "$dir/tandem.yaml" 2>"$dir/tandem.log" & tpid=$!; pids+=($tpid)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PROXY/" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$PROXY/" || { echo "abuse.sh: tandem did not start" >&2; cat "$dir/tandem.log" >&2; exit 1; }
# The process that holds the sockets (dotnet tandem.dll runs in the dotnet host's own pid).
rss() { awk '/VmRSS/ { printf "%d", $2 / 1024 }' /proc/$tpid/status; }
# Warm: some ordinary traffic first, so "before" is a serving process, not a fresh one.
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PROXY/big"; done
sleep 5

printf '%-11s %13s %11s %11s %11s %11s\n' mode availability "rss before" "rss peak" "rss after" "after-before"
attack() { # name, slowhttptest arguments...
  local name=$1; shift
  local before peak=0 ok=0 total=0 now
  before=$(rss)
  slowhttptest "$@" -c "$CONNS" -l "$ATTACK" -o "$dir/$name" >"$dir/$name.out" 2>&1 & local spid=$!
  local end=$((SECONDS + ATTACK))
  sleep 2
  while ((SECONDS < end)); do
    total=$((total + 1))
    curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY/" | grep -q 200 && ok=$((ok + 1))
    now=$(rss); ((now > peak)) && peak=$now
    sleep 0.2
  done
  wait $spid 2>/dev/null || true
  sleep "$AFTER"
  local after; after=$(rss)
  printf '%-11s %7d/%-5d %8d MB %8d MB %8d MB %+8d MB\n' "$name" "$ok" "$total" "$before" "$peak" "$after" $((after - before))
}
url="http://127.0.0.1:$PROXY"
wanted() { [[ " $MODES " == *" $1 "* ]]; }
wanted slowloris && attack slowloris -H -i 10 -r 200 -t GET -u "$url/" -x 24 -p 3
wanted slow-body && attack slow-body -B -i 10 -r 200 -s 8192 -t POST -u "$url/upload" -x 10 -p 3
wanted slow-read && attack slow-read -X -r 200 -w 512 -y 1024 -n 5 -z 32 -k 3 -u "$url/big" -p 3
if wanted upload; then
  # A 100 MB upload streamed through: RSS before, at its peak during the upload and AFTER s later.
  head -c 104857600 /dev/zero >"$dir/upload.bin"
  before=$(rss) peak=0
  curl -s -o /dev/null -w '%{http_code}' --data-binary @"$dir/upload.bin" "$url/upload" >"$dir/upload.code" & upid=$!
  while kill -0 $upid 2>/dev/null; do now=$(rss); ((now > peak)) && peak=$now; sleep 0.1; done
  sleep "$AFTER"
  printf '%-11s %13s %8d MB %8d MB %8d MB %+8d MB\n' upload-100MB "status $(cat "$dir/upload.code")" "$before" "$peak" "$(rss)" $(($(rss) - before))
fi
echo "tandem warnings and errors during the run: $(grep -cE ' (warn|fail|crit):' "$dir/tandem.log" || true) lines, $(wc -c <"$dir/tandem.log") bytes of log"
# The kinds of line, most frequent first (event name and id), each with its first line (cut at 300 characters).
grep -E ' (warn|fail|crit):' "$dir/tandem.log" | sed -E 's/^[^ ]+ ([a-z]+): ([^ ]+).*/\1 \2/' | sort | uniq -c | sort -rn | head -n 5 |
  while read -r count level event; do
    echo "#   $count x $level $event"
    grep -F -m1 " $level: $event " "$dir/tandem.log" | cut -c1-300 | sed 's/^/#       /'
  done || true
